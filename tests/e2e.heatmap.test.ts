// End to end: the heatmap layer and its time slider (热力时间轴) on the city's wall in Chromium.
// 9,000 tickets over the last 90 days are stored first (straight into the store, with their
// KPI counters, as the history seeder does). Asserted: the slider shows with the layer on,
// the year's points arrive, each move of the range input shows the window's tickets (as many
// as the server's points for those dates), hex mode shows the server's hexagon total, and the
// layer is gone with the heatmap off. Measured, not asserted (figures go to the bench: npm run
// bench -- heatmap): the browser's script time per move, printed as JSON lines.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { postJson, theNet, type TestApp } from './helpers.ts';
import { e2eHarness, noonClock, screenshotPath } from './e2e-harness.ts';
import type { Credentials } from '../scripts/local-app.ts';
import { dateCST, dayCST, dayStartMs } from '../server/domain/day.ts';
import { reportedState } from '../server/domain/loop.ts';
import { kpiDelta } from '../server/domain/kpi.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import { decodeHeatPoints } from '../server/domain/heat-points.ts';
import type { Grid } from '../server/net/types.ts';
import { measureSlider, summarise, waitForHeatLoaded } from '../scripts/bench/lib/heat-slider.ts';

const now = noonClock();
const e2e = e2eHarness(now);
let t: TestApp;
let browser: Browser;
let admin: Credentials;
const TICKETS = 9_000;
const DAYS = 90;

beforeAll(async () => {
  ({ t, browser, admin } = e2e);
  const grids = [...theNet().net.areas.values()].filter((a): a is Grid => a.level === 'grid');
  const today = dayCST(now());
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < TICKETS; i++) {
    // Denser in a few grids, as tickets are: a square of a uniform number picks the grid.
    const g = grids[Math.floor(rnd() ** 2 * grids.length)];
    const at = dayStartMs(today - DAYS + 1) + Math.floor((i / TICKETS) * (DAYS - 0.6) * 86_400_000);
    const state = reportedState(g.code, at);
    const entry = { at, actor: 'account:seed', role: 'dispatcher', action: 'report' as const, from: null, to: 'reported' as const, note: null, data: null };
    await t.store.insert({
      input: { lon: g.label[0] + (rnd() - 0.5) * 2e-3, lat: g.label[1] + (rnd() - 0.5) * 2e-3, category: 'city_appearance', source: 'patrol', description: '道路积水' },
      gridCode: g.code, createdAt: at, state, reportedBy: 'account:seed', reporterRole: 'dispatcher', kpi: kpiDelta(null, state, entry, CITY_CODE, (a, b) => b - a),
    });
  }
}, 300_000);

async function serverCount(from: number, to: number): Promise<number> {
  const r = await fetch(`${t.url}/api/heatmap/points?from=${dateCST(dayStartMs(from))}&to=${dateCST(dayStartMs(to))}`, { headers: admin.headers });
  expect(r.status).toBe(200);
  return decodeHeatPoints(await r.arrayBuffer()).header.count;
}

describe('the heatmap and its time slider in Chromium', () => {
  it('the slider moves through the history and the map shows each window; points and hexagons; timings printed', async () => {
    const res = await postJson(`${t.url}/api/displays`, { name: '常州市指挥大屏', scope: '320400' }, admin.headers);
    expect(res.status).toBe(201);
    const display = (await res.json()) as { url: string };
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    e2e.contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.url}${display.url}&layers=net,heatmap`);
    await page.waitForFunction(() => (window as any).__wall?.gridsDrawn === true, null, { timeout: 120_000 });
    await page.getByTestId('heat-slider').waitFor({ state: 'attached', timeout: 30_000 }).catch((e) => {
      throw new Error(`${e.message}\npage errors: ${errors.join('\n')}`);
    });
    const year = await waitForHeatLoaded(page, 120_000);
    expect(year.lastDay).toBe(dayCST(now()));

    // The range input, as a hand moves it: the dates and the count follow.
    for (const back of [0, 10, 45]) {
      const end = year.lastDay - back;
      await page.getByTestId('heat-range').fill(String(end));
      await expect.poll(() => page.getByTestId('heat-slider').getAttribute('data-end')).toBe(dateCST(dayStartMs(end)));
      const shown = Number(await page.getByTestId('heat-slider').getAttribute('data-shown'));
      expect(shown).toBe(await serverCount(end - 29, end));
      expect(shown).toBeGreaterThan(2_000);
      expect(await page.evaluate(() => (window as any).__heat.last)).toMatchObject({ mode: 'points', count: shown });
    }
    await page.screenshot({ path: screenshotPath('wall-heatmap') });

    const points = await measureSlider(page, 'points', { moves: 12, windowDays: 30 });
    for (const m of points) expect(m.shown).toBeGreaterThan(2_000);
    console.log(JSON.stringify({ test: 'heatmap-slider', mode: 'points', tickets: TICKETS, ...summarise(points) }));

    const hex = await measureSlider(page, 'hex', { moves: 12, windowDays: 30 });
    const st = await page.evaluate(() => (window as any).__heat.state());
    expect(st.mode).toBe('hex');
    expect(hex[hex.length - 1].shown).toBe(await serverCount(st.endDay - 29, st.endDay));
    expect(await page.evaluate(() => (window as any).__heat.last)).toMatchObject({ mode: 'hex' });
    console.log(JSON.stringify({ test: 'heatmap-slider', mode: 'hex', tickets: TICKETS, ...summarise(hex) }));
    await page.screenshot({ path: screenshotPath('wall-heatmap-hex') });

    // Off: no slider without the layer (a wall opened with the net only).
    const plain = await context.newPage();
    await plain.goto(`${t.url}${display.url}&layers=net`);
    await plain.waitForFunction(() => (window as any).__wall?.gridsDrawn === true, null, { timeout: 120_000 });
    expect(await plain.getByTestId('heat-slider').count()).toBe(0);
    expect(await plain.evaluate(() => (window as any).__heat?.last ?? null)).toBeNull();
    expect(errors).toEqual([]);
  }, 600_000);
});
