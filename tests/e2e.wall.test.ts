// End to end: the app on a free port, Debian's Chromium opens the wall, waits for the
// net to be drawn, a ticket posted through the API shows in the live feed, a click on
// a grid opens its panel. The screenshot goes to docs/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../scripts/chromium.ts';
import { join } from 'node:path';
import { clientDist, ensureClientBuilt, root } from '../scripts/client-build.ts';
import { gridOf, report, testApp, theNet, type TestApp } from './helpers.ts';


let t: TestApp;
let browser: Browser;
let page: Page;
let url: string;

beforeAll(async () => {
  ensureClientBuilt();
  t = await testApp({ listen: true, clientDir: clientDist });
  url = t.url;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the wall in Chromium', () => {
  it('draws the whole net, shows a new ticket live, and opens a clicked grid', async () => {
    const { net } = theNet();
    await page.goto(url);
    await page.waitForFunction(() => (window as any).__wall?.gridsDrawn === true, null, { timeout: 120_000 });
    const firstRenderMs = await page.evaluate(() => (window as any).__wall.firstRenderMs as number);
    console.log(JSON.stringify({ e2e: 'wall', firstRenderMs: Math.round(firstRenderMs) }));
    expect(firstRenderMs).toBeGreaterThan(0);

    // No scrollbars at 1920×1080.
    const overflow = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
    expect(overflow).toEqual([1920, 1080]);

    // A ticket posted through the API appears in the live feed.
    const g = gridOf(net, '320402');
    const before = await page.locator('[data-testid="feed-item"]').count();
    const res = await fetch(`${url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report(g.label[0], g.label[1])) });
    expect(res.status).toBe(201);
    const tk = await res.json();
    await expect.poll(() => page.locator('[data-testid="feed-item"]').count(), { timeout: 10_000 }).toBe(before + 1);
    const newest = page.locator('[data-testid="feed-item"]').first();
    expect(await newest.getAttribute('data-id')).toBe(tk.id);
    expect(await newest.textContent()).toContain(g.name);
    await expect.poll(() => page.locator('[data-testid="today-reported"]').textContent()).toBe('1');

    // Zoom in to the grid's street as a dispatcher would, then click the grid: the
    // panel shows it and its hierarchy.
    await page.evaluate((p) => new Promise<void>((resolve) => {
      const map = (window as any).__wall.map;
      map.once('idle', () => resolve());
      map.jumpTo({ center: p, zoom: 14 });
    }), g.label);
    const [x, y] = await page.evaluate((p) => (window as any).__wall.project(p), g.label);
    await page.mouse.click(x, y);
    const panel = page.locator('[data-testid="grid-panel"]');
    await panel.waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('[data-testid="grid-code"]').textContent(), { timeout: 20_000 }).toContain(g.code);
    expect(await page.locator('[data-testid="grid-name"]').textContent()).toContain(g.name);
    const crumbs = await page.locator('[data-testid="breadcrumb"]').textContent();
    for (const name of ['常州市', '天宁区', net.areas.get(g.code.slice(0, 9))!.name, net.areas.get(g.code.slice(0, 12))!.name]) expect(crumbs).toContain(name);
    await expect.poll(() => panel.textContent(), { timeout: 10_000 }).toContain('消防安全');
    await page.waitForTimeout(1500); // let the fly-to settle for the picture
    await page.screenshot({ path: join(root, 'docs', 'e2e-wall.png') });
  }, 240_000);
});
