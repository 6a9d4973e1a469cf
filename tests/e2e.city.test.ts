// End to end in Chromium: the city's 120,000 components (部件, synthetic) on the city wall at
// full size, their class filter, a click opening a component's panel, a report naming it
// turning it damaged on the wall live; places (重点场所, 一键报警柱, 服务中心); a grid's six
// elements. Script time per frame while the map pans with all components on, against the
// same pans with the layer off, is printed (figures go to the bench, not asserted as timings).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Credentials } from '../scripts/local-app.ts';
import { decodeComponents } from '../client/src/city/components.ts';
import { e2eHarness, noonClock, screenshotPath, jumpMap } from './e2e-harness.ts';
import { postJson, type TestApp } from './helpers.ts';

const now = noonClock();
const e2e = e2eHarness(now);
let t: TestApp;
let browser: Browser;
let admin: Credentials;
beforeAll(() => ({ t, browser, admin } = e2e));

const jump = jumpMap;

/** deck.gl's own CPU time per frame (luma.gl's timer) over `n` pans of the map by 40 px. */
function panFrames(page: Page, n: number): Promise<number[]> {
  return page.evaluate(async (n) => {
    const w = (window as any).__wall;
    const out: number[] = [];
    for (let k = 0; k < n; k++) {
      w.map.panBy([k % 2 ? -40 : 40, 0], { duration: 0 });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      out.push(w.deckFrameMs());
    }
    return out;
  }, n);
}
const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

describe('city components and places on the wall in Chromium', () => {
  it('draws all 120,000 components, filters by class, opens one, and shows it damaged once a report names it', async () => {
    const res = await postJson(`${t.url}/api/displays`, { name: '常州市指挥大屏', scope: '320400' }, admin.headers);
    const display = (await res.json()) as { url: string };
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    e2e.contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${t.url}${display.url}&layers=net,components,places`);
    await page.waitForFunction(() => (window as any).__wall?.ready === true && (window as any).__wall?.deckFrameMs, null, { timeout: 120_000 });
    await page.waitForFunction(() => (window as any).__city?.get().points?.n === 120_000, null, { timeout: 60_000 });
    await page.waitForFunction(() => (window as any).__city?.get().places !== null, null, { timeout: 60_000 });
    const filter = page.locator('[data-testid="component-filter"]');
    expect(await filter.locator('input[type="checkbox"]').count()).toBe(6);
    expect(await filter.textContent()).toContain('合成数据');

    // Legible at any volume: at city zoom the points wait (放大显示); at street zoom they are drawn.
    expect(await page.locator('[data-testid="layer-components"]').getAttribute('data-waiting')).toBe('true');
    const centre = t.net.areas.get('320402')!.label;
    await jump(page, centre, 14);
    expect(await page.locator('[data-testid="layer-components"]').getAttribute('data-waiting')).toBeNull();
    // Script time per frame while the map pans over the city centre: components on, then off.
    const on = await panFrames(page, 30);
    await page.click('[data-testid="layer-components"]');
    await expect.poll(() => page.evaluate(() => new URL(location.href).searchParams.get('layers'))).toBe('net,places');
    const off = await panFrames(page, 30);
    console.log(JSON.stringify({ e2e: 'components-layer', components: 120_000, zoom: 14, deckMsPerFrame: { on: { p50: p(on, 0.5), p95: p(on, 0.95) }, off: { p50: p(off, 0.5), p95: p(off, 0.95) } } }));
    await page.click('[data-testid="layer-components"]');

    // Back on: one component of 天宁区 at street zoom, clicked.
    const street = t.net.areas.get('320402001')!;
    const bin = await fetch(`${t.url}/api/components?bbox=${street.bbox.join(',')}`, { headers: admin.headers });
    expect(bin.status).toBe(200);
    const pts = decodeComponents(await bin.arrayBuffer());
    expect(pts.n).toBeGreaterThan(100);
    const meta = (await (await fetch(`${t.url}/api/components/meta`, { headers: admin.headers })).json()) as { runs: { prefix: string; start: number; count: number }[] };
    const k = pts.state.findIndex((s) => s === 0); // one in its own 完好 state
    const [lon, lat] = [pts.positions[2 * k]!, pts.positions[2 * k + 1]!];
    const run = meta.runs.filter((r) => r.start <= pts.ids[k]!).at(-1)!;
    const code = run.prefix + String(pts.ids[k]! - run.start + 1).padStart(6, '0');
    await jump(page, [lon, lat], 18.5);
    const [x, y] = await page.evaluate((at) => (window as any).__wall.project(at), [lon, lat] as [number, number]);
    expect(await page.evaluate((id) => { const p = (window as any).__city.get().points; return p.state[p.ids.indexOf(id)]; }, pts.ids[k]!)).toBe(0);
    await page.mouse.click(x, y);
    const panel = page.locator('[data-testid="component-panel"]');
    await expect.poll(() => panel.getAttribute('data-code'), { timeout: 20_000 }).toBe(code);
    await expect.poll(() => page.locator('[data-testid="component-state"]').textContent(), { timeout: 20_000 }).toBe('完好');

    // A worker's report names it: damaged on the wall, live, and the ticket in its panel.
    const r = await postJson(`${t.url}/api/tickets`, { component: code, category: 'city_appearance', source: 'patrol', description: '部件破损，需要维修' }, admin.headers);
    expect(r.status, await r.clone().text()).toBe(201);
    const ticket = (await r.json()) as { id: string; lon: number; lat: number };
    expect([ticket.lon, ticket.lat].map((v) => Math.round(v * 1e4))).toEqual([lon, lat].map((v) => Math.round(v * 1e4)));
    // (The page holds the whole city: find the component there by its id.)
    const stateOnWall = () => page.evaluate((id) => { const p = (window as any).__city.get().points; return p.state[p.ids.indexOf(id)]; }, pts.ids[k]!);
    await expect.poll(stateOnWall, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.locator('[data-testid="component-state"]').textContent(), { timeout: 20_000 }).toBe('破损');
    expect(await page.locator('[data-testid="component-tickets"]').textContent()).toContain(ticket.id);
    await page.screenshot({ path: screenshotPath('wall-components') });
    expect(errors).toEqual([]);
  }, 300_000);

  it("shows a grid's six elements (人、地、事、物、情、组织), synthetic ones labelled", async () => {
    const r = await fetch(`${t.url}/api/areas/320402001001001/elements`, { headers: admin.headers });
    expect(r.status).toBe(200);
    const el = (await r.json()) as Record<string, { synthetic?: boolean }>;
    for (const k of ['people', 'places', 'events', 'things', 'situations', 'organisations']) expect(el, k).toHaveProperty(k);
  });
});
