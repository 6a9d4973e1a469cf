// What each page costs to load: the script and style files Chromium actually fetched for
// the wall (a city display), the dispatcher's console and the worker's phone page, each
// signed in and drawn, their bytes raw and gzipped (zlib level 6, what @fastify/compress
// serves), and the wall's first render at city level (its own mark: the net's tiles drawn).
//   npm run bench -- bundle
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { startLocalApp, TEST_PASSWORD } from '../local-app.ts';
import { clientDist, ensureClientBuilt } from '../client-build.ts';
import { launchChromium } from '../chromium.ts';

ensureClientBuilt();
const local = await startLocalApp({ clientDir: clientDist, listen: true });
const browser = await launchChromium();
const emit = (o: object) => console.log(JSON.stringify({ bench: 'bundle', ...o }));

/** The /assets files a page fetched, from when `go` starts until `ready` holds. */
async function loaded(page: Page, go: () => Promise<void>, ready: () => Promise<unknown>): Promise<string[]> {
  const files = new Set<string>();
  page.on('request', (r) => {
    const m = /\/assets\/([^?#]+\.(?:js|css))/.exec(r.url());
    if (m) files.add(m[1]!);
  });
  await go();
  await ready();
  return [...files].sort();
}

function sizes(files: string[]) {
  let raw = 0, gzip = 0, js = 0, css = 0;
  for (const f of files) {
    const body = readFileSync(join(clientDist, 'assets', f));
    const z = gzipSync(body, { level: 6 }).byteLength;
    raw += body.byteLength;
    gzip += z;
    if (f.endsWith('.js')) js += z;
    else css += z;
  }
  const kB = (n: number) => Math.round(n / 102.4) / 10;
  return { files: files.length, rawKB: kB(raw), gzipKB: kB(gzip), jsGzipKB: kB(js), cssGzipKB: kB(css) };
}

async function signIn(page: Page, path: string, username: string, ready: string): Promise<void> {
  await page.goto(local.url + path);
  await page.locator('[data-testid="signin-page"]').waitFor({ timeout: 60_000 });
  await page.fill('[data-testid="signin-username"]', username);
  await page.fill('[data-testid="signin-password"]', TEST_PASSWORD);
  await page.click('[data-testid="signin-submit"]');
  await page.locator(ready).waitFor({ timeout: 60_000 });
}

try {
  // The wall: a city display, 1920×1080, until the net is drawn (the overview's first render).
  const admin = await local.as('admin');
  const issued = await fetch(`${local.url}/api/displays`, { method: 'POST', headers: { 'content-type': 'application/json', ...admin.headers }, body: JSON.stringify({ name: 'bundle', scope: local.net.city.code }) });
  const display = (await issued.json()) as { url: string };
  for (let run = 0; run < 3; run++) {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await ctx.newPage();
    const files = await loaded(page, async () => void (await page.goto(local.url + display.url)), () =>
      page.waitForFunction(() => (window as any).__wall?.gridsDrawn === true, null, { timeout: 180_000 }));
    const firstRenderMs = await page.evaluate(() => Math.round((window as any).__wall.firstRenderMs));
    if (run === 0) emit({ page: 'wall', ...sizes(files) });
    emit({ page: 'wall', figure: 'first render at city level (net drawn, ms after navigation start)', run, firstRenderMs, cache: run === 0 ? 'cold' : 'warm (HTTP cache of a new context: cold too)' });
    await ctx.close();
  }
  // The console, signed in as a dispatcher; the phone page as a grid worker (360×800).
  const dispatcher = await local.as('dispatcher');
  const grid = [...local.net.workers.values()][0]!.grid;
  const worker = await local.as('worker', grid.slice(0, 9), { grids: [grid] });
  for (const [name, path, who, ready, viewport] of [
    ['console', '/console', dispatcher.username, '[data-testid="console"]', { width: 1600, height: 900 }],
    ['phone', '/phone', worker.username, '.ph-tabs', { width: 360, height: 800 }],
  ] as const) {
    const ctx = await browser.newContext({ viewport });
    const page = await ctx.newPage();
    const files = await loaded(page, () => signIn(page, path, who, ready), () => page.waitForLoadState('networkidle'));
    emit({ page: name, ...sizes(files) });
    await ctx.close();
  }
} finally {
  await browser.close();
  await local.close();
}
