// What every Chromium test file starts the same way: the wall built, the app on a loopback
// port serving it on the file's clock, an admin, Debian's chromium; and all of it closed
// after the file (with every browser context a test opened, listed in `contexts`).
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../scripts/chromium.ts';
import { clientDist, ensureClientBuilt } from '../scripts/client-build.ts';
import type { Credentials } from '../scripts/local-app.ts';
import { testApp, type TestApp } from './helpers.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../scripts/client-build.ts';
import { startOfDayCST } from '../server/domain/day.ts';

/** Where a screenshot goes: docs/<name>.png with UPDATE_SCREENSHOTS=1 (when it is one the
 * docs show), else var/e2e/<name>.png, outside the tracked files. */
export function screenshotPath(name: string, forDocs = true): string {
  const docs = process.env.UPDATE_SCREENSHOTS === '1' && forDocs;
  const dir = docs ? join(root, 'docs') : join(root, 'var', 'e2e');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/** A clock running from 12:00 CST of the day the file starts, so "today" cannot turn
 * during the file (the app's clock and the pages'). */
export function noonClock(): () => number {
  const shift = startOfDayCST(Date.now()) + 12 * 3600_000 - Date.now();
  return () => Date.now() + shift;
}

export interface E2e {
  t: TestApp;
  browser: Browser;
  admin: Credentials;
  contexts: BrowserContext[];
}

/** Registers the file's beforeAll/afterAll; the fields are set once beforeAll has run. */
export function e2eHarness(now: () => number): E2e {
  const e = { contexts: [] } as unknown as E2e;
  beforeAll(async () => {
    ensureClientBuilt();
    e.t = await testApp({ listen: true, clientDir: clientDist, now });
    e.admin = await e.t.as('admin');
    e.browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    for (const c of e.contexts) await c.close().catch(() => {});
    await e.browser?.close();
    await e.t?.close();
  });
  return e;
}

/** Moves the wall's map at once and waits until MapLibre is idle and deck.gl (which draws in
 * its own animation frame, after MapLibre's) has drawn too. */
export async function jumpMap(page: import('playwright-core').Page, center: [number, number], zoom: number): Promise<void> {
  await page.evaluate(({ center, zoom }) => new Promise<void>((resolve) => {
    const map = (window as any).__wall.map;
    map.once('idle', () => resolve());
    map.jumpTo({ center, zoom });
  }), { center, zoom });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}
