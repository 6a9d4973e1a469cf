// End to end in Chromium: patrol on a street's wall. Four grid phones of one street walked
// their grids for the past hour (fixes sent through POST /api/positions with their own past
// times); the wall shows them. A click on one opens its worker's panel (name, distance, its
// track drawn); its day, with a second phone added, is replayed at 64×: the marker moves and
// the camera follows it. The coverage layer on, the street is in the ranking. Nothing is
// measured by time. Pictures: var/e2e/ (docs/wall-replay.png and docs/wall-coverage.png with
// UPDATE_SCREENSHOTS=1).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { root } from '../scripts/client-build.ts';
import type { Credentials } from '../scripts/local-app.ts';
import type { Worker } from '../server/net/types.ts';
import { startOfDayCST } from '../server/domain/day.ts';
import { positionAt, type TrackPoint } from '../client/src/patrol/replay.ts';
import { postJson, type TestApp } from './helpers.ts';
import { e2eHarness } from './e2e-harness.ts';

const VIEWPORT = { width: 1920, height: 1080 };
const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';
// The app's and the page's clock at 12:00 CST today: the hour walked is today's, whenever it runs.
const SHIFT = startOfDayCST(Date.now()) + 12 * 3600_000 - Date.now();
const now = () => Date.now() + SHIFT;

const e2e = e2eHarness(now);
let t: TestApp;
let browser: Browser;
let admin: Credentials;
beforeAll(() => ({ t, browser, admin } = e2e));

/** docs/<name>.png for the pictures the docs show (with UPDATE_SCREENSHOTS=1), else var/e2e/. */
function shot(name: string, forDocs = true): string {
  const dir = UPDATE && forDocs ? join(root, 'docs') : join(root, 'var', 'e2e');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

const STEP_MS = 20_000;
const HOUR = 3600_000;

/** An hour around the grid's label point: a loop of ~180 m a side walked three times, a
 * six-minute stop at a corner half way, the last fix 30 s ago (so the phone is online). */
function walk(w: Worker, label: [number, number], end: number, k: number): { device: string; t: number; lon: number; lat: number }[] {
  const d = 0.0009 + k * 0.0001;
  const corners: [number, number][] = [[-d, -d], [d, -d], [d, d], [-d, d]];
  const fixes = [];
  const n = HOUR / STEP_MS;
  for (let i = 0; i <= n; i++) {
    const at = end - HOUR + i * STEP_MS;
    const stopped = i >= 80 && i < 98; // 6 minutes
    const s = stopped ? 80 : i < 80 ? i : i - 18;
    const phase = ((s / (n - 18)) * 3 * 4) % 4; // three loops
    const c = Math.floor(phase);
    const f = phase - c;
    const [ax, ay] = corners[c]!;
    const [bx, by] = corners[(c + 1) % 4]!;
    fixes.push({ device: w.id, t: at, lon: label[0] + ax + (bx - ax) * f, lat: label[1] + ay + (by - ay) * f });
  }
  return fixes;
}

async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

async function jump(page: Page, center: [number, number], zoom: number): Promise<void> {
  await page.evaluate(({ center, zoom }) => new Promise<void>((resolve) => {
    const map = (window as any).__wall.map;
    map.once('idle', () => resolve());
    map.jumpTo({ center, zoom });
  }), { center, zoom });
  await settle(page);
}

async function pixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const png = await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } });
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return [data[0], data[1], data[2]];
}

const near = (a: readonly number[], b: readonly number[], within: number) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!) < within;

describe('patrol on the wall in Chromium', () => {
  it("a phone's worker, its track, a replay at 64× with the camera following, and the coverage ranking", async () => {
    // A street with four phones in four grids of it.
    const byStreet = new Map<string, Worker[]>();
    for (const w of t.net.workers.values()) {
      const s = w.grid.slice(0, 9);
      const list = byStreet.get(s) ?? [];
      if (!list.some((x) => x.grid === w.grid)) list.push(w);
      byStreet.set(s, list);
    }
    const [streetCode, phones] = [...byStreet].find(([, ws]) => ws.length >= 4)!;
    const walkers = phones.slice(0, 4);
    const street = t.net.areas.get(streetCode)!;
    const labelOf = (w: Worker) => t.net.areas.get(w.grid)!.label as [number, number];
    const end = now() - 30_000;
    const fixes = walkers.flatMap((w, k) => walk(w, labelOf(w), end, k));
    const sent = await postJson(`${t.url}/api/positions`, { fixes }, admin.headers);
    expect(sent.status).toBe(200);
    expect(((await sent.json()) as { accepted: number }).accepted).toBe(fixes.length);

    const res = await postJson(`${t.url}/api/displays`, { name: `${street.name}大屏`, scope: street.code }, admin.headers);
    expect(res.status).toBe(201);
    const display = (await res.json()) as { url: string };
    const context = await browser.newContext({ viewport: VIEWPORT });
    e2e.contexts.push(context);
    await context.clock.setSystemTime(now());
    const page = await context.newPage();
    await page.goto(t.url + display.url);
    await page.waitForFunction(() => (window as any).__wall?.gridsDrawn === true, null, { timeout: 120_000 });
    await page.waitForFunction(() => (window as any).__wall?.ready === true, null, { timeout: 30_000 });
    await page.waitForFunction((n) => (window as any).__wall.workers.devices >= n, walkers.length, { timeout: 30_000 });

    // The roster names the frames' indices.
    const roster = await page.evaluate(async (area) => (await (await fetch(`/api/patrol/devices?area=${area}`)).json()).items as { index: number; id: string }[], street.code);
    const indexOf = (w: Worker) => roster.find((d) => d.id === w.id)!.index;
    const [first, second] = walkers;

    // A click on the first phone: its worker's panel, with today's distance (three loops of
    // ~720 m, and more) and its track.
    const clickPhone = async (w: Worker) => {
      const s = await page.evaluate((i) => (window as any).__wall.workers.slot(i), indexOf(w));
      await jump(page, [s.lon, s.lat], 16);
      const [x, y] = await page.evaluate(([lon, lat]) => (window as any).__wall.project([lon, lat]), [s.lon, s.lat]);
      await page.mouse.click(x, y);
      await expect.poll(() => page.evaluate(() => (window as any).__wall.workers.picked()), { timeout: 10_000 }).toBe(indexOf(w));
      await page.locator('[data-testid="worker-panel"][data-state="ready"]').waitFor({ timeout: 20_000 });
    };
    await clickPhone(first);
    expect(await page.locator('[data-testid="worker-name"]').textContent()).toBe(first.name);
    const distance = Number(await page.locator('[data-testid="worker-distance"]').getAttribute('data-value'));
    expect(distance).toBeGreaterThan(2000);
    expect(distance).toBeLessThan(3500);
    expect(await page.locator('[data-testid="worker-grid"]').textContent()).toContain(t.net.areas.get(first.grid)!.name);
    expect(await page.locator('[data-testid="worker-patrol"]').textContent()).toMatch(/分/);
    // The track is drawn: half way along the loop's south side (the phone stands at its
    // south-west corner, ~90 m away) is in the track's colour.
    const label = labelOf(first);
    const corner: [number, number] = [label[0], label[1] - 0.0009];
    await settle(page);
    const [cx, cy] = await page.evaluate((p) => (window as any).__wall.project(p), corner);
    await page.screenshot({ path: shot('wall-worker', false) });
    expect(await pixel(page, cx, cy)).toSatisfy((c: number[]) => near(c, [120, 240, 255], 90));

    // Replay it, then add the second phone to the replay.
    await page.locator('[data-testid="worker-replay"]').click();
    await page.locator('[data-testid="replay-panel"]').waitFor();
    await clickPhone(second);
    await page.locator('[data-testid="worker-replay"]').click();
    await expect.poll(() => page.locator('[data-testid="replay-entry"]').count()).toBe(2);

    // At 64×, playing: the instant moves on, and the camera keeps the first phone at the centre.
    const track = (await page.evaluate(async (id) => (await (await fetch(`/api/devices/${id}/track?tolerance=2`)).json()).points, first.id)) as TrackPoint[];
    await page.locator('[data-testid="replay-speed-64"]').click();
    const t0 = Number(await page.locator('[data-testid="replay-panel"]').getAttribute('data-t'));
    await page.locator('[data-testid="replay-play"]').click();
    // 20 minutes of the day at 64× is ~19 s of frames at full speed; a frame that takes longer
    // (software GL under load: the camera follows every frame) moves the clock at most 1 s × 64.
    await expect.poll(async () => Number(await page.locator('[data-testid="replay-panel"]').getAttribute('data-t')), { timeout: 150_000 }).toBeGreaterThan(t0 + 20 * 60_000);
    await page.locator('[data-testid="replay-play"]').click(); // pause
    await settle(page);
    const t1 = Number(await page.locator('[data-testid="replay-panel"]').getAttribute('data-t'));
    expect(await page.locator('[data-testid="replay-panel"]').getAttribute('data-playing')).toBe('false');
    const at = positionAt(track, t1)!;
    const start = positionAt(track, t0)!;
    expect(Math.hypot(at[0] - start[0], at[1] - start[1])).toBeGreaterThan(0.0003); // the marker moved
    const center = await page.evaluate(() => (window as any).__wall.map.getCenter().toArray() as [number, number]);
    expect(Math.abs(center[0] - at[0])).toBeLessThan(2e-5);
    expect(Math.abs(center[1] - at[1])).toBeLessThan(2e-5);
    // The marker, in the first replay colour, is at the centre of the map.
    const [mx, my] = await page.evaluate((p) => (window as any).__wall.project(p), at);
    expect(near(await pixel(page, mx, my), [255, 196, 92], 80)).toBe(true);
    await page.screenshot({ path: shot('wall-replay') });

    // The coverage layer on (the panels closed): the street ranked, with its coverage.
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="replay-panel"] .close').click();
    await page.locator('[data-testid="worker-panel"]').waitFor({ state: 'detached' });
    await page.locator('[data-testid="coverage-toggle"]').click();
    const row = page.locator(`[data-testid="coverage-ranking"] li[data-code="${street.code}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain(street.name);
    expect(Number(await row.getAttribute('data-coverage'))).toBeGreaterThan(0);
    const bbox = (await page.evaluate(async (code) => (await (await fetch(`/api/areas/${code}`)).json()).bbox, street.code)) as number[];
    await page.evaluate((b) => new Promise<void>((resolve) => {
      const map = (window as any).__wall.map;
      map.once('idle', () => resolve());
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: { top: 130, bottom: 60, left: 60, right: 560 }, duration: 0 });
    }), bbox);
    await settle(page);
    await page.screenshot({ path: shot('wall-coverage') });
  }, 300_000);
});
