// End to end, in Chromium: the net drilled down. A city-wide wall colours the districts by
// open tickets, with the numbers of GET /api/kpi/map; clicking the map drills city → district
// → street → community → grid (its panel opens), the view breadcrumb leads back up; the URL
// restores area, KPI and range after a reload; hovering a 月度考核 bar outlines its area on the
// map, and the charts' numbers are the KPI API's. Screenshots: wall-choropleth(-street).png.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Grid } from '../server/net/types.ts';
import { postJson, report, theNet } from './helpers.ts';
import { e2eHarness, noonClock, screenshotPath } from './e2e-harness.ts';

const now = noonClock();
const e2e = e2eHarness(now);
const { net } = theNet();
const grids = [...net.areas.values()].filter((a): a is Grid => a.level === 'grid' && (a as Grid).type === 'base');
// The drill path: a base grid of 天宁区; tickets in it, its street's others and every district.
const target = grids.find((g) => g.code.startsWith('320402'))!;
const path = [target.code.slice(0, 6), target.code.slice(0, 9), target.code.slice(0, 12), target.code];

type W = any; // the page's window handles (window.__wall, window.__netmap)

async function painted(page: Page, area: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction((a) => {
    const w = window as W;
    const map = w.__wall?.map;
    return w.__netmap?.choropleth?.area === a && Object.keys(w.__netmap.choropleth.shown).length > 0 && map && !map.isMoving() && map.areTilesLoaded();
  }, area, { timeout });
}

/** Centre the map on an area's label point (the panels may cover it), then click it there. */
async function clickArea(page: Page, code: string): Promise<void> {
  const label = net.areas.get(code)!.label;
  await page.evaluate((p) => new Promise<void>((resolve) => {
    const map = (window as W).__wall.map;
    map.once('idle', () => resolve());
    map.jumpTo({ center: p });
  }), label);
  const [x, y] = await page.evaluate((p) => (window as W).__wall.project(p), label);
  await page.mouse.move(x, y);
  await page.mouse.click(x, y);
}

const viewArea = (page: Page) => page.evaluate(() => new URLSearchParams(location.search).get('area'));

describe('the net drilled down', () => {
  it('colours, drills five levels by the map and back by the breadcrumb, restores a URL, links hover, with the API\'s numbers', async () => {
    const { t, browser, admin } = e2e;
    const spots = [target, ...grids.filter((g) => g.code.startsWith(path[1])).slice(0, 4), ...['320404', '320411', '320412', '320413', '320481'].map((d) => grids.find((g) => g.code.startsWith(d))!)];
    for (const [i, g] of spots.entries()) {
      for (let k = 0; k <= i % 3; k++) expect((await postJson(`${t.url}/api/tickets`, report(g.label[0], g.label[1]), admin.headers)).status).toBe(201);
    }
    const res = await postJson(`${t.url}/api/displays`, { name: '市指挥大屏', scope: '320400' }, admin.headers);
    const display = (await res.json()) as { url: string };
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    e2e.contexts.push(context);
    await context.clock.setSystemTime(now());
    const page = await context.newPage();
    await page.goto(t.url + display.url);
    await page.waitForFunction(() => (window as W).__wall?.gridsDrawn === true, null, { timeout: 120_000 });
    const firstRenderMs = await page.evaluate(() => (window as W).__wall.firstRenderMs as number);
    await painted(page, '320400');
    console.log(JSON.stringify({ e2e: 'netmap', level: 'city', firstRenderMs: Math.round(firstRenderMs) }));

    // The choropleth's numbers are the map route's, which equal /api/kpi per child (tests/api.kpi-map.test.ts).
    const check = () => page.evaluate(async () => {
      const c = (window as W).__netmap.choropleth;
      const api = await (await fetch(`/api/kpi/map?area=${c.area}&from=${c.from}&to=${c.to}`)).json();
      const key = ({ open: 'open', overdue: 'overdueNow' } as Record<string, string>)[c.kpi];
      const wrong = api.children.filter((ch: Record<string, number>) => c.shown[ch.code]?.value !== ch[key]).map((ch: { code: string }) => ch.code);
      const overdue = await Promise.all(api.children.map(async (ch: { code: string; overdueNow: number }) => (await (await fetch(`/api/kpi?area=${ch.code}`)).json()).overdueNow === ch.overdueNow));
      return { n: api.children.length, wrong, overdueOk: overdue.every(Boolean), nonZero: api.children.filter((ch: { open: number }) => ch.open > 0).length };
    });
    expect(await check()).toEqual({ n: 6, wrong: [], overdueOk: true, nonZero: 6 });
    await page.screenshot({ path: screenshotPath('wall-choropleth'), timeout: 120_000 });

    // Hovering a 月度考核 bar (the city's streets) outlines that street on the map, and back.
    const bar = await page.evaluate(() => {
      const c = (window as W).__netmap.charts['area-ranking-chart'];
      return { key: c.keys[c.keys.length - 1] as string, at: c.point(c.keys.length - 1) as [number, number] };
    });
    await page.mouse.move(bar.at[0], bar.at[1]);
    await page.waitForFunction((k) => (window as W).__netmap.mapHover === k, bar.key, { timeout: 5_000 });
    const ranking = await page.evaluate(async () => {
      const c = (window as W).__netmap.charts['area-ranking-chart'];
      const api = await (await fetch(c.query)).json();
      return { shown: c.keys, api: api.items.slice(0, c.keys.length).map((r: { key: string }) => r.key).reverse() };
    });
    expect(ranking.shown).toEqual(ranking.api);
    const trend = await page.evaluate(async () => {
      const el = document.querySelector('[data-testid="trend-chart"]')!;
      const c = (window as W).__netmap.charts['trend-chart'];
      const api = await (await fetch(c.query)).json();
      return { shown: Number(el.getAttribute('data-received')), sum: c.values.reduce((a: number, b: number) => a + b, 0), api: api.received };
    });
    expect(trend).toEqual({ shown: trend.api, sum: trend.api, api: spots.reduce((n, _g, i) => n + (i % 3) + 1, 0) });

    // Down five levels by clicking the map.
    for (const code of path) {
      await clickArea(page, code);
      await expect.poll(() => viewArea(page), { timeout: 10_000 }).toBe(code);
      if (code.length < 15) {
        await painted(page, code);
        expect((await check()).wrong, code).toEqual([]);
      }
      if (code.length === 9) {
        await page.screenshot({ path: screenshotPath('wall-choropleth-street'), timeout: 120_000 });
        // The sources chart follows the view to the street, with the API's numbers: every
        // ticket of the street came by patrol.
        await page.waitForFunction((a) => (window as W).__netmap.charts['source-chart']?.query.includes(`area=${a}&`), code, { timeout: 20_000 });
        const sources = await page.evaluate(async () => {
          const c = (window as W).__netmap.charts['source-chart'];
          const api = await (await fetch(c.query)).json();
          return { keys: c.keys, values: c.values, api: api.items.filter((r: { received: number }) => r.received > 0).map((r: { key: string; received: number }) => [r.key, r.received]) };
        });
        const inStreet = spots.reduce((n, g, i) => n + (g.code.startsWith(code) ? (i % 3) + 1 : 0), 0);
        expect(sources).toEqual({ keys: ['patrol'], values: [inStreet], api: [['patrol', inStreet]] });
      }
      // Hovering the map outlines the child under the pointer; the bar of that child lights up.
      if (code.length === 6) {
        await page.waitForFunction(() => (window as W).__netmap.mapHover !== null, null, { timeout: 5_000 });
      }
    }
    await expect.poll(() => page.evaluate(() => document.querySelector('[data-testid="grid-panel"]')?.getAttribute('data-state') ?? 'none'), { timeout: 45_000 }).toBe('ready');
    expect(await page.locator('[data-testid="view-breadcrumb"] .crumb').count()).toBe(5);
    // Back up by the breadcrumb.
    for (const code of [path[2], path[1], path[0], '320400']) {
      await page.click(`[data-testid="view-breadcrumb"] .crumb[data-code="${code}"]`);
      await expect.poll(() => viewArea(page), { timeout: 10_000 }).toBe(code);
      await painted(page, code);
    }
    expect(await page.locator('[data-testid="grid-panel"]').count()).toBe(0);

    // A URL sets the view: a street, on-time rate, the last 7 days; kept across a reload.
    await page.goto(`${t.url}/?area=${path[1]}&kpi=overdue&range=7d`);
    await painted(page, path[1], 150_000); // a whole page load: on a busy machine the first render alone took a minute
    expect(await page.evaluate(() => (window as W).__netmap.choropleth.kpi)).toBe('overdue');
    expect(await page.locator('[data-testid="range-picker"] button.on').getAttribute('data-range')).toBe('7d');
    expect((await check()).wrong).toEqual([]);
    await page.click('[data-testid="choropleth-legend"] button[data-kpi="open"]');
    await page.reload();
    await painted(page, path[1], 150_000);
    expect(await page.evaluate(() => [(window as W).__netmap.choropleth.kpi, new URLSearchParams(location.search).get('range')])).toEqual(['open', '7d']);
  }, 600_000);
});
