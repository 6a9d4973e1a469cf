// End to end: Changzhou's 8,500 grid phones walking on the city's wall in Chromium. Frames
// are made here with the shared codec and fed through the socket's own path in the page
// (window.__wall.workers.feed: decode, apply, layers), so the test does not depend on the
// server's patrol code. Measured, not asserted: the JS time per frame (performance marks in
// the page round decode, apply and layers, plus deck.gl's next frame, where the buffers are
// uploaded and drawn), printed as one JSON line. Asserted: every phone where its last frame put it, in its status colour on the map,
// with a trail; a garbage frame refused; the legend; a click picks a phone, not the grid.
// The picture goes to var/e2e/wall-workers.png (docs/wall-workers.png with UPDATE_SCREENSHOTS=1).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { measureFrames, percentiles, walkingPhones } from '../scripts/bench/lib/walking-phones.ts';
import { DEVICE_STATUS } from '../server/domain/fix.ts';
import { TRAIL, WORKER_RGBA } from '../client/src/live/workers.ts';
import { postJson, theNet, type TestApp } from './helpers.ts';
import { e2eHarness, screenshotPath, jumpMap } from './e2e-harness.ts';
import type { Credentials } from '../scripts/local-app.ts';

const VIEWPORT = { width: 1920, height: 1080 };
const PHONES = 8_500;
const FRAMES = 40;
/** Deltas fed before measuring: the first few run before V8 has optimised the code. */
const WARMUP = 10;

const e2e = e2eHarness(() => Date.now());
let t: TestApp;
let browser: Browser;
let admin: Credentials;
beforeAll(() => ({ t, browser, admin } = e2e));

const shot = screenshotPath;

type Slot = { lon: number; lat: number; status: number; trail: [number, number][] } | null;
const slot = (page: Page, i: number) => page.evaluate((i) => (window as any).__wall.workers.slot(i) as Slot, i);
const picked = (page: Page) => page.evaluate(() => (window as any).__wall.workers.picked() as number);

const jump = jumpMap;

/** The RGB of the page at CSS pixel (x, y), from a fresh screenshot. */
async function pixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const png = await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } });
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return [data[0], data[1], data[2]];
}

/** The home point with the most other homes within ~2 km (every tenth one tried). */
function busiest(home: Float64Array): [number, number] {
  const n = home.length / 2;
  let best = 0;
  let most = -1;
  for (let i = 0; i < n; i += 10) {
    let c = 0;
    for (let j = 0; j < n; j++) if (Math.abs(home[j * 2] - home[i * 2]) < 0.02 && Math.abs(home[j * 2 + 1] - home[i * 2 + 1]) < 0.018) c++;
    if (c > most) [best, most] = [i, c];
  }
  return [home[best * 2], home[best * 2 + 1]];
}

describe('the workers layer in Chromium', () => {
  it('8,500 grid phones walk on the city wall: where their frames put them, coloured by status, with trails; a click picks one', async () => {
    const res = await postJson(`${t.url}/api/displays`, { name: '常州市指挥大屏', scope: '320400' }, admin.headers);
    expect(res.status).toBe(201);
    const display = (await res.json()) as { url: string };
    const context = await browser.newContext({ viewport: VIEWPORT });
    e2e.contexts.push(context);
    const page = await context.newPage();
    await page.goto(t.url + display.url);
    await page.waitForFunction(() => (window as any).__wall?.gridsDrawn === true, null, { timeout: 120_000 });
    await page.waitForFunction(() => (window as any).__wall?.ready === true, null, { timeout: 30_000 });

    // A snapshot, then deltas of every phone moving (one 5-second fix each), 0.5 s apart as the
    // server sends them at most; the last 40 measured. The map frames the whole city: every
    // phone is in view.
    const { net } = theNet();
    const phones = walkingPhones(net, PHONES);
    const t0 = Date.now();
    const frames = [phones.step(t0, 5, { snapshot: true })];
    for (let k = 1; k <= WARMUP + FRAMES; k++) frames.push(phones.step(t0 + k * 5000, 5));
    // (The server may have sent its own snapshot when the wall joined: count from here.)
    const frames0 = await page.evaluate(() => (window as any).__wall.workers.frames as number);
    const figures = await measureFrames(page, frames, 500);
    const deltas = (xs: number[]) => xs.slice(1 + WARMUP);
    console.log(JSON.stringify({
      e2e: 'workers',
      figure: 'jsMsPerPositionsFrame',
      devices: PHONES,
      frames: FRAMES,
      warmup: WARMUP,
      frameBytes: frames[1].byteLength,
      total: { what: 'marks + deck.gl frame', ...percentiles(deltas(figures.totalMs)) },
      marks: { what: 'decode+apply+layers (performance marks)', ...percentiles(deltas(figures.marksMs)) },
      decode: percentiles(deltas(figures.decodeMs)),
      apply: percentiles(deltas(figures.applyMs)),
      layers: percentiles(deltas(figures.layersMs)),
      deckFrame: { what: "deck.gl's next frame: buffer uploads + draw (luma.gl timer)", ...percentiles(deltas(figures.deckMs)) },
      targetMs: 8,
      viewport: '1920x1080',
      gl: 'swiftshader',
    }));

    // Every phone is on the wall where its last frame put it (micro-degrees, then float32:
    // within 4.5e-6°, ≤ 0.43 m).
    const w = await page.evaluate(() => { const h = (window as any).__wall.workers; return { devices: h.devices, refused: h.refused, gaps: h.gaps, frames: h.frames }; });
    expect(w).toEqual({ devices: PHONES, refused: 0, gaps: 0, frames: frames0 + frames.length });
    for (const i of [0, 17, 4321, PHONES - 1]) {
      const s = (await slot(page, i))!;
      expect(Math.abs(s.lon - phones.lon[i])).toBeLessThan(4.5e-6);
      expect(Math.abs(s.lat - phones.lat[i])).toBeLessThan(4.5e-6);
      expect(s.status).toBe(phones.statusAt(i, frames.length - 1));
      // A walking phone trails its last six positions; an offline one (17 | i) stands, with none.
      expect(s.trail).toHaveLength(s.status === DEVICE_STATUS.offline ? 0 : TRAIL);
    }
    expect(await page.locator('[data-testid="legend"]').textContent()).toContain('网格员在线离线任务中');

    // A frame cut short on the way is refused whole; the wall keeps what it had.
    const before = await slot(page, 4321);
    const refused = await page.evaluate(() => {
      const h = (window as any).__wall.workers;
      return h.feed(((window as any).__frames[3] as ArrayBuffer).slice(0, 1000));
    });
    expect(refused).toBe(false);
    expect(await slot(page, 4321)).toEqual(before);
    expect(await page.evaluate(() => (window as any).__wall.workers.refused)).toBe(1);

    // Down at street level where the city's phones are thickest: the phone standing furthest
    // from any other is drawn in its colour.
    await jump(page, busiest(phones.home), 15.5);
    await page.screenshot({ path: shot('wall-workers') });
    const target = await page.evaluate(({ n, viewport }) => {
      const { map, workers } = (window as any).__wall;
      const pts: { i: number; x: number; y: number; status: number }[] = [];
      for (let i = 0; i < n; i++) {
        const s = workers.slot(i);
        const p = map.project([s.lon, s.lat]);
        if (p.x > 300 && p.x < viewport.width - 500 && p.y > 150 && p.y < viewport.height - 200) pts.push({ i, x: p.x, y: p.y, status: s.status });
      }
      let best = { i: -1, x: 0, y: 0, gap: 0 };
      for (const a of pts) {
        if (a.status !== 1) continue;
        let gap = Infinity;
        for (const b of pts) if (b !== a) gap = Math.min(gap, Math.hypot(a.x - b.x, a.y - b.y));
        if (gap > best.gap) best = { i: a.i, x: a.x, y: a.y, gap };
      }
      return { ...best, inView: pts.length };
    }, { n: PHONES, viewport: VIEWPORT });
    expect(target.inView).toBeGreaterThan(5);
    expect(target.gap).toBeGreaterThan(40);
    const [x, y] = await page.evaluate(([lon, lat]) => (window as any).__wall.project([lon, lat]), [(await slot(page, target.i))!.lon, (await slot(page, target.i))!.lat]);
    const online = WORKER_RGBA[DEVICE_STATUS.online];
    const [r, g, b] = await pixel(page, x, y);
    expect(Math.hypot(r - online[0], g - online[1], b - online[2])).toBeLessThan(45);

    // A click on it picks that phone (highlighted white), and does not open the grid under it.
    await page.mouse.click(x, y);
    await expect.poll(() => picked(page), { timeout: 10_000 }).toBe(target.i);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(Math.min(...(await pixel(page, x, y)))).toBeGreaterThan(200);
    expect(await page.locator('[data-testid="grid-code"]').count()).toBe(0);
    // A click beside it (no phone within reach) is the grid's again.
    await page.mouse.click(x + Math.min(target.gap / 2, 60), y);
    await expect.poll(() => picked(page), { timeout: 10_000 }).toBe(-1);
    await page.locator('[data-testid="grid-code"]').waitFor({ timeout: 20_000 });
  }, 300_000);
});
