// The wall's frame in Chromium: a city display at 1920×1080, 3840×2160 (4K) and 5760×2160
// (three 4K panels side by side): no two panels overlap, every panel lies inside the
// screen, the page never scrolls, and 2160 is exactly twice 1080. The layer switcher turns
// layers off and the URL brings them back after a reload; the carousel turns and holds
// while someone touches the wall. Screenshots: screenshotPath('wall-1920') etc.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Credentials } from '../scripts/local-app.ts';
import { e2eHarness, noonClock, screenshotPath } from './e2e-harness.ts';
import { gridOf, postJson, report, theNet, type TestApp } from './helpers.ts';

const now = noonClock();
const e2e = e2eHarness(now);
let t: TestApp;
let browser: Browser;
let admin: Credentials;
beforeAll(() => ({ t, browser, admin } = e2e));

async function openWall(viewport: { width: number; height: number }, query = ''): Promise<Page> {
  const res = await postJson(`${t.url}/api/displays`, { name: '市指挥大屏', scope: '320400' }, admin.headers);
  expect(res.status).toBe(201);
  const { url } = (await res.json()) as { url: string };
  const context = await browser.newContext({ viewport });
  e2e.contexts.push(context);
  await context.clock.setSystemTime(now());
  const page = await context.newPage();
  await page.goto(t.url + url + query);
  await waitForWall(page);
  return page;
}

/** A 4K or tiled wall in software GL (no GPU here) takes about two minutes to draw its net. */
async function waitForWall(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as any).__wall?.gridsDrawn === true, null, { timeout: 400_000 });
  await page.waitForFunction(() => (window as any).__wall?.ready === true, null, { timeout: 30_000 });
}

/** What is wrong with the frame: overlapping panels, panels off screen, scrolling. */
const frameFaults = (page: Page) => page.evaluate(() => {
  const faults: string[] = [];
  const de = document.documentElement;
  if (de.scrollWidth > de.clientWidth || de.scrollHeight > de.clientHeight) faults.push(`scrolls: ${de.scrollWidth}×${de.scrollHeight} in ${de.clientWidth}×${de.clientHeight}`);
  const panels = [...document.querySelectorAll<HTMLElement>('.wall > .header, .column > *, .map-top > *, .map-top-row > *, .map-bottom > *, .map-bottom-row > *')].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).display !== 'none';
  });
  const name = (el: HTMLElement) => el.getAttribute('data-testid') ?? el.className;
  const [w, h] = [window.innerWidth, window.innerHeight];
  for (const el of panels) {
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.top < -0.5 || r.right > w + 0.5 || r.bottom > h + 0.5) faults.push(`${name(el)} outside the screen`);
  }
  for (let i = 0; i < panels.length; i++) {
    for (let j = i + 1; j < panels.length; j++) {
      const [a, b] = [panels[i]!, panels[j]!];
      if (a.contains(b) || b.contains(a)) continue;
      const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
      const ox = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const oy = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (ox > 0.5 && oy > 0.5) faults.push(`${name(a)} overlaps ${name(b)}`);
    }
  }
  return { faults, panels: panels.length, rootPx: parseFloat(getComputedStyle(de).fontSize) };
});

describe('the wall at command-room sizes', () => {
  const { net } = theNet();

  it('lays out without overlap, off-screen panels or scrolling at 1920×1080, 3840×2160 and 5760×2160', async () => {
    // A few tickets across the city, so the feed and chart have something to show.
    for (const d of ['320402', '320404', '320411', '320412']) {
      const g = gridOf(net, d);
      const res = await postJson(`${t.url}/api/tickets`, report(g.label[0], g.label[1]), admin.headers);
      expect(res.status).toBe(201);
    }
    const sizes = [
      { width: 1920, height: 1080, name: 'wall-1920', rootPx: 16 },
      { width: 3840, height: 2160, name: 'wall-3840', rootPx: 32 },
      { width: 5760, height: 2160, name: 'wall-5760', rootPx: 32 },
    ];
    for (const s of sizes) {
      const page = await openWall({ width: s.width, height: s.height });
      try {
      const started = Date.now();
      await page.waitForTimeout(1000);
      await page.screenshot({ path: screenshotPath(s.name), timeout: 180_000 }); // software GL at 4K: slow frames
      const frame = await frameFaults(page);
      expect(frame.faults, s.name).toEqual([]);
      expect(frame.rootPx).toBe(s.rootPx);
      expect(frame.panels).toBeGreaterThanOrEqual(6); // header, chart, feed, switcher, legend, attribution
      // The columns keep their proportion of the height; a wider wall gives the map the rest.
      const [left, right] = await Promise.all(['left-column', 'right-column'].map((id) => page.locator(`[data-testid="${id}"]`).boundingBox()));
      expect(left!.width).toBeCloseTo((29 * s.rootPx), 0);
      expect(right!.x + right!.width).toBeCloseTo(s.width - s.rootPx, 0);
      // The city is framed clear of the columns and the bars (camera.ts measures them).
      const districts = [...net.areas.values()].filter((a) => a.level === 'district');
      const [w, south, e, n] = districts.reduce((b, d) => [Math.min(b[0], d.bbox[0]), Math.min(b[1], d.bbox[1]), Math.max(b[2], d.bbox[2]), Math.max(b[3], d.bbox[3])], [180, 90, -180, -90]);
      const [[x0, y0], [x1, y1]] = await page.evaluate((c) => c.map((p) => (window as any).__wall.project(p)), [[w, n], [e, south]] as [number, number][]);
      const head = (await page.locator('.wall > .header').boundingBox())!;
      expect(x0).toBeGreaterThan(left!.x + left!.width);
      expect(x1).toBeLessThan(right!.x);
      expect(y0).toBeGreaterThan(head.y + head.height);
      expect(y1).toBeLessThan(s.height);
      console.log(JSON.stringify({ e2e: 'layout', size: s.name, checkedMs: Date.now() - started }));
      } finally {
        await page.context().close(); // a 4K page left open would slow every later test, failed or not
      }
    }
  }, 1_800_000);

  it('turns layers off with the switcher, and the URL brings them back after a reload', async () => {
    const page = await openWall({ width: 1920, height: 1080 });
    const netShown = () => page.evaluate(() => (window as any).__wall.map.getLayoutProperty('grid-line', 'visibility') ?? 'visible');
    const deckIds = () => page.evaluate(() => ((window as any).__wall.map._controls as any[]).flatMap((c) => (c._props?.layers ?? c._deck?.props?.layers ?? []).map((l: any) => l.id)));
    expect(await page.locator('[data-testid="layer-switcher"]').textContent()).toBe('网格事件网格员热力部件视频场所巡查覆盖');
    expect(await page.locator('[data-testid="layer-tickets"]').getAttribute('aria-pressed')).toBe('true');
    expect(await netShown()).toBe('visible');
    await expect.poll(deckIds, { timeout: 10_000 }).toContain('tickets-open');

    await page.click('[data-testid="layer-net"]');
    await page.click('[data-testid="layer-tickets"]');
    expect(await page.locator('[data-testid="layer-tickets"]').getAttribute('aria-pressed')).toBe('false');
    expect(await netShown()).toBe('none');
    await expect.poll(deckIds, { timeout: 10_000 }).not.toContain('tickets-open');
    expect(new URL(page.url()).searchParams.get('layers')).toBe('workers');

    await page.reload();
    await waitForWall(page); // the first render is reported with the net off too
    expect(await page.locator('[data-testid="layer-net"]').getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('[data-testid="layer-tickets"]').getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('[data-testid="layer-workers"]').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(netShown, { timeout: 10_000 }).toBe('none');
    expect(await deckIds()).not.toContain('tickets-open');

    await page.click('[data-testid="layer-net"]');
    await page.click('[data-testid="layer-tickets"]');
    expect(await netShown()).toBe('visible');
    await expect.poll(deckIds, { timeout: 10_000 }).toContain('tickets-open');
    expect(new URL(page.url()).searchParams.get('layers')).toBe('net,tickets,workers');
    await page.context().close();
  }, 300_000);

  it('turns the carousel through its views and holds it while someone touches the wall', async () => {
    const page = await openWall({ width: 1920, height: 1080 }, '&carousel=320402,320411:overdue&every=2&quiet=3');
    const badge = page.locator('[data-testid="carousel"]');
    const at = () => Promise.all([badge.getAttribute('data-index'), badge.getAttribute('data-state'), new URL(page.url()).searchParams.get('area')]);
    await expect.poll(at, { timeout: 10_000 }).toEqual(['0', 'playing', '320402']);
    expect(await badge.textContent()).toMatch(/^轮播中1\/2/);
    await expect.poll(at, { timeout: 10_000 }).toEqual(['1', 'playing', '320411']);
    expect(new URL(page.url()).searchParams.get('kpi')).toBe('overdue');
    await expect.poll(at, { timeout: 10_000 }).toEqual(['0', 'playing', '320402']);
    // Someone puts a hand on the wall (on the header, so no grid is picked).
    const head = (await page.locator('.wall > .header').boundingBox())!;
    await page.mouse.click(head.x + head.width / 2, head.y + head.height / 2);
    // Held where it was when touched (on a busy machine that may be either stop).
    const [index, state, area] = await at();
    expect(state).toBe('paused');
    expect(await badge.textContent()).toMatch(/^已暂停/);
    await page.waitForTimeout(2500); // past an interval: still held
    expect(await at()).toEqual([index, 'paused', area]);
    await expect.poll(at, { timeout: 10_000 }).toEqual([index, 'playing', area]); // the quiet time over
    const next = index === '0' ? ['1', 'playing', '320411'] : ['0', 'playing', '320402'];
    await expect.poll(at, { timeout: 10_000 }).toEqual(next);
    await page.context().close();
  }, 300_000);
});
