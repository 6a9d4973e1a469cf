// End to end: the app on a free port, Debian's Chromium opens the wall. A street
// dispatcher signs in on the sign-in page and sees only their street's tickets, live and
// listed; their session expires (renewed silently) and then ends (the sign-in form comes up
// over the wall, which keeps its state, and the click that hit the ended session carries on
// after signing in). A wall display opens by its URL and shows a clicked grid's team with
// masked phones. The loop on the wall: open tickets by their light, finished ones muted,
// the header's figures the server's own. Screenshots go to var/e2e/ (docs/ with
// UPDATE_SCREENSHOTS=1).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../scripts/client-build.ts';
import { TEST_PASSWORD, TEST_PASSWORD_HASH, type Credentials } from '../scripts/local-app.ts';
import type { Grid, Net } from '../server/net/types.ts';
import { startOfDayCST } from '../server/domain/day.ts';
import { gridOf, postJson, report, theNet, type TestApp } from './helpers.ts';
import { e2eHarness } from './e2e-harness.ts';

const VIEWPORT = { width: 1920, height: 1080 };
const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';
/** docs/e2e-<name>.png (or the docs file named) for the pictures the docs show (with
 * UPDATE_SCREENSHOTS=1), else var/e2e/<name>.png. */
function shot(name: string, forDocs: boolean | string = false): string {
  const dir = UPDATE && forDocs ? join(root, 'docs') : join(root, 'var', 'e2e');
  mkdirSync(dir, { recursive: true });
  return join(dir, UPDATE && forDocs ? (typeof forDocs === 'string' ? forDocs : `e2e-${name}.png`) : `${name}.png`);
}

// The app's clock and every page's run from 12:00 (CST) of the day the file starts, so the
// wall's "today" (the server's counts, the browser's list) cannot turn during the file,
// whenever it runs. Not a fixed date: Chromium judges cookie expiry, and @fastify/jwt token
// expiry, by the real clock, so the app's clock must stay within hours of it.
const NOON_SHIFT = startOfDayCST(Date.now()) + 12 * 3600_000 - Date.now();
let shift = NOON_SHIFT;
const now = () => Date.now() + shift;

const e2e = e2eHarness(now);
const contexts = e2e.contexts;
let t: TestApp;
let browser: Browser;
let admin: Credentials;
beforeAll(() => ({ t, browser, admin } = e2e));

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  contexts.push(context);
  await context.clock.setSystemTime(now()); // and flowing from there, as the app's
  return context.newPage();
}

/** A base grid of `district` outside `street`. */
function gridElsewhere(net: Net, district: string, street: string): Grid {
  for (const a of net.areas.values()) {
    if (a.level === 'grid' && a.code.startsWith(district) && !a.code.startsWith(street) && (a as Grid).type === 'base') return a as Grid;
  }
  throw new Error(`no grid in ${district} outside ${street}`);
}

/** A second base grid of the street, for a second click. */
function otherGridOf(net: Net, street: string, not: string): Grid {
  for (const a of net.areas.values()) {
    if (a.level === 'grid' && a.code.startsWith(street) && a.code !== not && (a as Grid).type === 'base') return a as Grid;
  }
  throw new Error(`no second grid in ${street}`);
}

async function post(lonLat: [number, number], extra: Record<string, unknown> = {}): Promise<{ id: string }> {
  const res = await postJson(`${t.url}/api/tickets`, report(lonLat[0], lonLat[1], extra), admin.headers);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

/** The header's figures (data-value) that differ from GET /api/stats/today's, read by the same page. */
const FIGURES = ['reported', 'registered', 'closed', 'closureRate', 'onTimeRate', 'overdueNow', 'supervised'];
const headerVsStats = (page: Page) => page.evaluate(async (keys) => {
  const rest = (await (await fetch('/api/stats/today')).json()) as Record<string, unknown>;
  return keys.flatMap((k) => {
    const shown = document.querySelector(`[data-testid="today-${k}"]`)?.getAttribute('data-value');
    const want = rest[k] === null || rest[k] === undefined ? '' : String(rest[k]);
    return shown === want ? [] : [`${k}: shown ${shown}, server ${want}`];
  });
}, FIGURES);

const feedIds = (page: Page) => page.locator('[data-testid="feed-item"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
const ticketIds = (page: Page) => page.evaluate(() => (window as any).__wall.ticketIds() as string[]);

async function waitForWall(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as any).__wall?.gridsDrawn === true, null, { timeout: 120_000 });
  await page.waitForFunction(() => (window as any).__wall?.ready === true, null, { timeout: 30_000 });
}

async function jumpTo(page: Page, g: Grid, zoom = 14): Promise<void> {
  await page.evaluate(({ p, zoom }) => new Promise<void>((resolve) => {
    const map = (window as any).__wall.map;
    map.once('idle', () => resolve());
    map.jumpTo({ center: p, zoom });
  }), { p: g.label, zoom });
}

async function click(page: Page, g: Grid): Promise<void> {
  const [x, y] = await page.evaluate((p) => (window as any).__wall.project(p), g.label);
  await page.mouse.click(x, y);
}

/** Moves the map to a grid and clicks it, as a dispatcher would. */
async function clickGrid(page: Page, g: Grid, zoom = 14): Promise<void> {
  await jumpTo(page, g, zoom);
  await click(page, g);
}

describe('the wall in Chromium', () => {
  const { net } = theNet();
  const g = gridOf(net, '320402');
  const street = net.areas.get(g.code.slice(0, 9))!;
  const elsewhere = gridElsewhere(net, '320402', street.code);
  const farAway = gridOf(net, '320404');
  const username = 'street-dispatcher';
  let inside: { id: string };

  it("a street dispatcher signs in and sees their street's tickets only; an ended session is signed back into over the wall", async () => {
    await t.stores.access.createAccount({ username, name: '王调度', role: 'dispatcher', scope: street.code, department: null, grids: [], passwordHash: TEST_PASSWORD_HASH }, now());
    inside = await post(g.label, { reporter: { name: '张三丰', phone: '13812345678' } });
    const outside = [await post(elsewhere.label), await post(farAway.label)];

    const page = await newPage();
    await page.goto(t.url);
    const form = page.locator('[data-testid="signin-page"]');
    await form.waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="map"]').count()).toBe(0); // nothing of the wall before signing in
    await page.screenshot({ path: shot('signin', true), timeout: 120_000 });

    // Wrong password, then a locked-out answer (faked: the real lockout would lock this
    // address for the rest of the file), then the right password.
    await page.fill('[data-testid="signin-username"]', username);
    await page.fill('[data-testid="signin-password"]', 'not-the-password');
    await page.click('[data-testid="signin-submit"]');
    await expect.poll(() => page.locator('[data-testid="signin-error"]').textContent()).toBe('用户名或密码错误');
    await page.route('**/api/auth/login', (route) => route.fulfill({
      status: 429, headers: { 'retry-after': '2', 'content-type': 'application/json' },
      body: JSON.stringify({ statusCode: 429, error: 'Too Many Requests', message: 'too many failed sign-ins; try again in 2 s' }),
    }), { times: 1 });
    await page.fill('[data-testid="signin-password"]', TEST_PASSWORD);
    await page.click('[data-testid="signin-submit"]');
    await expect.poll(() => page.locator('[data-testid="signin-error"]').textContent()).toMatch(/^尝试次数过多，请 [12] 秒后再试$/);
    expect(await page.locator('[data-testid="signin-submit"]').isDisabled()).toBe(true);
    await expect.poll(() => page.locator('[data-testid="signin-submit"]').isDisabled(), { timeout: 5000 }).toBe(false);
    await page.fill('[data-testid="signin-password"]', TEST_PASSWORD);
    await page.click('[data-testid="signin-submit"]');

    await waitForWall(page);
    expect(await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight])).toEqual([1920, 1080]);
    expect(await page.locator('[data-testid="user-name"]').textContent()).toBe('王调度');
    expect(await page.locator('[data-testid="user-role"]').textContent()).toBe(`座席员/调度员 · ${street.name}`);
    expect(await page.locator('[data-testid="sign-out"]').isVisible()).toBe(true);

    // The map frames the street.
    const [lon, lat] = await page.evaluate(() => (window as any).__wall.map.getCenter().toArray() as [number, number]);
    const [w, s, e, n] = street.bbox;
    expect(lon).toBeGreaterThan(w);
    expect(lon).toBeLessThan(e);
    expect(lat).toBeGreaterThan(s);
    expect(lat).toBeLessThan(n);

    // Today's list: the street's ticket, not the others; the same live.
    expect(await ticketIds(page)).toEqual([inside.id]);
    expect(await feedIds(page)).toEqual([inside.id]);
    expect(await page.locator('[data-testid="today-reported"]').textContent()).toBe('1');
    outside.push(await post(elsewhere.label), await post(farAway.label));
    // Its description is markup, as an attacker would report it: shown as text, never run.
    const markup = '<img src=x onerror="window.__xss=1"><b>井盖缺失</b>';
    const live = await post(g.label, { description: markup });
    await expect.poll(() => feedIds(page), { timeout: 10_000 }).toEqual([live.id, inside.id]);
    expect((await ticketIds(page)).sort()).toEqual([inside.id, live.id].sort());
    // The figures are the server's, pushed (coalesced, at most one a second): not counted here.
    await expect.poll(() => page.locator('[data-testid="today-reported"]').textContent(), { timeout: 10_000 }).toBe('2');
    await expect.poll(() => headerVsStats(page), { timeout: 10_000 }).toEqual([]);
    for (const o of outside) expect(await page.locator(`[data-id="${o.id}"]`).count()).toBe(0);

    // A grid of the street: its tickets, with the real-name reporter in full (a dispatcher may).
    await clickGrid(page, g);
    const panel = page.locator('[data-testid="grid-panel"]');
    await expect.poll(() => page.locator('[data-testid="grid-code"]').textContent(), { timeout: 20_000 }).toBe(g.code);
    await expect.poll(() => page.locator('[data-testid="grid-tickets"] li').count(), { timeout: 10_000 }).toBe(2);
    expect(await panel.textContent()).toContain('张三丰');
    expect(await panel.textContent()).toContain(markup);
    expect(await panel.locator('img, b').count()).toBe(0);
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
    // A grid of another street: shown, but not its tickets.
    await clickGrid(page, elsewhere);
    await expect.poll(() => page.locator('[data-testid="grid-code"]').textContent(), { timeout: 20_000 }).toBe(elsewhere.code);
    await page.locator('[data-testid="grid-out-of-scope"]').waitFor({ timeout: 10_000 });
    await clickGrid(page, g);
    await expect.poll(() => page.locator('[data-testid="grid-tickets"] li').count(), { timeout: 20_000 }).toBe(2);
    await page.waitForTimeout(1500); // let the fly-to settle for the picture
    await page.screenshot({ path: shot('wall', true), timeout: 120_000 });

    // The access token expires: the next request refreshes quietly, no form.
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'one_net_session')!;
    expect(session.httpOnly).toBe(true);
    const { sid } = JSON.parse(Buffer.from(session.value.split('.')[1], 'base64url').toString()) as { sid: string };
    // Expired on the app's clock, which judges `exp` (server/auth/sessions.ts).
    const nowS = Math.floor(now() / 1000);
    const expired = t.app.jwt.sign({ sid, iat: nowS - 3600, exp: nowS - 3000 });
    await page.context().addCookies([{ ...session, value: expired }]);
    const second = otherGridOf(net, street.code, g.code);
    await clickGrid(page, second);
    await expect.poll(() => page.locator('[data-testid="grid-code"]').textContent(), { timeout: 20_000 }).toBe(second.code);
    expect(await page.locator('[data-testid="signin-overlay"]').count()).toBe(0);
    // (The panel may show from cached answers first; the tickets' request meets the 401 and renews.)
    const sessionCookie = async () => (await page.context().cookies()).find((c) => c.name === 'one_net_session')!.value;
    await expect.poll(sessionCookie, { timeout: 20_000 }).not.toBe(expired);

    // The session ends (signed out elsewhere, revoked): the click's request meets a 401 the
    // refresh cannot cure, and the form comes up over the wall, which keeps its state.
    // (The map is moved first: tiles it would fetch after the revocation bring the form up too.)
    await jumpTo(page, g, 14);
    await t.stores.access.revokeSessionsOf('account', username, now());
    const center = await page.evaluate(() => (window as any).__wall.map.getCenter().toArray() as [number, number]);
    const feedBefore = await feedIds(page);
    await page.evaluate(() => ((window as any).__notReloaded = true));
    await click(page, g);
    const overlay = page.locator('[data-testid="signin-overlay"]');
    await overlay.waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid="signin-notice"]').textContent()).toContain('登录已过期');
    expect(await page.locator('[data-testid="signin-username"]').inputValue()).toBe(username);
    expect(await page.locator('[data-testid="grid-code"]').textContent()).toBe(second.code); // still the last selection
    expect(await feedIds(page)).toEqual(feedBefore);
    const centerNow = await page.evaluate(() => (window as any).__wall.map.getCenter().toArray() as [number, number]);
    expect(centerNow).toEqual(center);
    await page.screenshot({ path: shot('signin-overlay'), timeout: 120_000 });
    await page.fill('[data-testid="signin-password"]', TEST_PASSWORD);
    await page.click('[data-testid="signin-submit"]');
    await overlay.waitFor({ state: 'detached', timeout: 20_000 });
    // …and the click carries on: the grid it hit opens.
    await expect.poll(() => page.locator('[data-testid="grid-code"]').textContent(), { timeout: 20_000 }).toBe(g.code);
    expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);
    const after = await page.evaluate(() => (window as any).__wall.map.getCenter().toArray() as [number, number]);
    expect(Math.hypot(after[0] - center[0], after[1] - center[1])).toBeLessThan(0.05); // at the grid, not back at the start
    const later = await post(g.label);
    await expect.poll(() => feedIds(page), { timeout: 10_000 }).toEqual([later.id, ...feedBefore]);

    // 退出: back to the sign-in page, and the API says no.
    // The click navigates (a full page load of the sign-in page: slow in software GL under load).
    await page.click('[data-testid="sign-out"]', { timeout: 120_000 });
    await page.locator('[data-testid="signin-page"]').waitFor({ timeout: 90_000 });
    expect(await page.evaluate(() => fetch('/api/auth/me').then((r) => r.status))).toBe(401);
  }, 300_000);

  it("a wall display opens by its URL, without signing in, and masks a grid team's phones", async () => {
    const res = await postJson(`${t.url}/api/displays`, { name: '天宁区指挥大屏', scope: '320402' }, admin.headers);
    expect(res.status).toBe(201);
    const display = (await res.json()) as { url: string; token: string };

    const page = await newPage();
    await page.goto(t.url + display.url);
    await waitForWall(page);
    const firstRenderMs = await page.evaluate(() => (window as any).__wall.firstRenderMs as number);
    console.log(JSON.stringify({ e2e: 'wall', display: '320402', firstRenderMs: Math.round(firstRenderMs) }));
    expect(firstRenderMs).toBeGreaterThan(0);
    expect(await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight])).toEqual([1920, 1080]);
    expect(await page.locator('[data-testid="signin-page"]').count()).toBe(0);
    expect(page.url()).not.toContain(display.token); // not left in the address bar
    expect(await page.locator('[data-testid="user-name"]').textContent()).toBe('天宁区指挥大屏');
    expect(await page.locator('[data-testid="user-role"]').textContent()).toBe('大屏 · 天宁区');
    expect(await page.locator('[data-testid="sign-out"]').count()).toBe(0);
    expect(await feedIds(page)).toContain(inside.id);

    // A ticket posted through the API appears in the live feed.
    const tk = await post(g.label);
    await expect.poll(() => feedIds(page).then((ids) => ids[0]), { timeout: 10_000 }).toBe(tk.id);
    expect(await page.locator('[data-testid="feed-item"]').first().textContent()).toContain(g.name);

    // A clicked grid: its hierarchy, its team with phones masked to their last 2 digits, and
    // the real-name reporter masked.
    await clickGrid(page, g);
    await expect.poll(() => page.locator('[data-testid="grid-code"]').textContent(), { timeout: 20_000 }).toBe(g.code);
    const crumbs = await page.locator('[data-testid="breadcrumb"]').textContent();
    for (const name of ['常州市', '天宁区', street.name, net.areas.get(g.code.slice(0, 12))!.name]) expect(crumbs).toContain(name);
    const phones = await page.locator('[data-testid="worker-phone"]').allTextContents();
    expect(phones.length).toBeGreaterThan(0);
    for (const p of phones) expect(p).toMatch(/^\*+\d{2}$/);
    await expect.poll(() => page.locator('[data-testid="grid-tickets"] li').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const panel = (await page.locator('[data-testid="grid-panel"]').textContent())!;
    expect(panel).toContain('张*');
    expect(panel).not.toContain('张三丰');
    expect(panel).not.toContain('13812345678');
    await page.waitForTimeout(1500);
    await page.screenshot({ path: shot('display'), timeout: 120_000 });
  }, 240_000);

  it('the loop on the wall: open tickets by their light, finished ones muted, the header the server\'s', async () => {
    const items = ((await (await fetch(`${t.url}/api/catalogue`, { headers: admin.headers })).json()) as { items: { code: string; department: string; selfHandle: boolean; evidence: { before: boolean; after: boolean } }[] }).items;
    const plain = items.find((i) => !i.selfHandle && !i.evidence.before && !i.evidence.after)!;
    const dispatcher = await t.as('dispatcher', street.code);
    const handler = await t.as('handler', '320400', { department: plain.department });
    const worker = await t.as('worker', g.code, { grids: [g.code] });
    const act = async (who: Credentials, id: string, body: object) => {
      const res = await postJson(`${t.url}/api/tickets/${id}/actions`, body, who.headers);
      expect(res.status, await res.clone().text()).toBe(200);
    };
    // Grids across the whole street, so the picture shows it (every few of its base grids).
    const all = [...net.areas.values()].filter((a): a is Grid => a.level === 'grid' && a.code.startsWith(street.code) && a.code !== g.code && (a as Grid).type === 'base');
    const grids = all.filter((_, i) => i % Math.max(1, Math.floor(all.length / 14)) === 0);
    const day0 = startOfDayCST(now());
    /** Reports in grid `i` of the street at hh:mm today (the app's clock set back for it). */
    const reportAt = async (hhmm: string, i: number, category = 'fire_safety') => {
      const [h, m] = hhmm.split(':').map(Number);
      shift = day0 + (h * 60 + m) * 60_000 - Date.now();
      const res = await postJson(`${t.url}/api/tickets`, report(grids[i % grids.length].label[0], grids[i % grids.length].label[1], { category }), dispatcher.headers);
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const closeIt = async (id: string) => {
      await act(dispatcher, id, { action: 'verify', item: plain.code, level: 'general' });
      await act(dispatcher, id, { action: 'dispatch' });
      await act(handler, id, { action: 'accept' });
      await act(handler, id, { action: 'feedback', note: '已清理完毕' });
      await act(worker, id, { action: 'check', pass: true, note: '现场核查通过' });
    };
    // The worker checks on site in their own grid (grid 0 is g).
    grids.unshift(g);
    // Finished and in-hand ones first, then today's open reports in time order (the feed's top).
    const closed = await reportAt('09:30', 0, 'environment');
    await closeIt(closed);
    await closeIt(await reportAt('09:40', 0, 'city_appearance'));
    const rejected = await reportAt('09:50', 9, 'street_order');
    await act(dispatcher, rejected, { action: 'reject', reason: 'invalid', note: '经核实不属实' });
    const handling = await reportAt('10:05', 8, 'livelihood');
    await act(dispatcher, handling, { action: 'verify', item: plain.code, level: 'general' });
    await act(dispatcher, handling, { action: 'dispatch' });
    await act(handler, handling, { action: 'accept' });
    const dispatched = await reportAt('10:10', 7, 'city_appearance');
    await act(dispatcher, dispatched, { action: 'verify', item: plain.code, level: 'general' });
    await act(dispatcher, dispatched, { action: 'dispatch' });
    // Office hours 09:00–12:00, 13:30–18:00; a fire-safety report is to be verified within one
    // working hour. At noon (the lunch break: no working time passes while the test runs):
    const red = await reportAt('10:20', 1); // 1 h 40 min: overdue
    await reportAt('10:45', 2, 'security'); // 1 h 15 min: overdue
    const yellow = await reportAt('11:08', 3); // 52 min: past 80 %
    await reportAt('11:10', 4, 'work_safety'); // 50 min
    await reportAt('11:35', 6, 'dispute');
    const green = await reportAt('11:40', 5); // 20 min
    await reportAt('11:50', 10, 'food_drug');
    shift = NOON_SHIFT;

    const res = await postJson(`${t.url}/api/displays`, { name: `${street.name}大屏`, scope: street.code }, admin.headers);
    const display = (await res.json()) as { url: string };
    const page = await newPage();
    await page.goto(t.url + display.url);
    await waitForWall(page);
    const item = (id: string) => page.locator(`[data-testid="feed-item"][data-id="${id}"]`);
    const seen = async (id: string) => [await item(id).getAttribute('data-status'), await item(id).getAttribute('data-light')];
    expect(await seen(red)).toEqual(['reported', 'red']);
    expect(await seen(yellow)).toEqual(['reported', 'yellow']);
    expect(await seen(green)).toEqual(['reported', 'green']);
    expect(await seen(dispatched)).toEqual(['dispatched', 'green']);
    expect(await seen(handling)).toEqual(['handling', 'green']);
    expect(await seen(rejected)).toEqual(['rejected', '']);
    expect(await seen(closed)).toEqual(['closed', 'green']);
    expect(await item(red).textContent()).toContain('超期');
    expect(await item(yellow).textContent()).toContain('预警');
    expect(await item(rejected).textContent()).toContain('不予立案');
    expect(await page.locator('[data-testid="legend"]').textContent()).toBe('在办正常预警超期督办已结案不予立案');
    expect(await ticketIds(page)).toEqual(expect.arrayContaining([red, yellow, green, dispatched, handling, rejected, closed]));
    // The header: the server's figures, 超期 among them.
    await expect.poll(() => headerVsStats(page), { timeout: 10_000 }).toEqual([]);
    expect(Number(await page.locator('[data-testid="today-overdueNow"]').getAttribute('data-value'))).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-testid="today-closed"]').getAttribute('data-value')).toBe('2');
    // A step taken while the wall looks: the ticket moves on in the feed, and the figures follow.
    await act(dispatcher, yellow, { action: 'verify', item: plain.code, level: 'general' });
    await expect.poll(() => seen(yellow), { timeout: 10_000 }).toEqual(['registered', 'green']);
    await expect.poll(() => headerVsStats(page), { timeout: 10_000 }).toEqual([]);
    // The header clock is the server's (the page's own clock was set to the same instant here).
    // (It ticks once a second on the page's main thread, which software GL on a busy machine
    // can hold for seconds: polled, so a late tick is waited for.)
    const clockOff = async () => Math.abs(Number(await page.locator('[data-testid="clock"]').getAttribute('data-server-time')) - now());
    await expect.poll(clockOff, { timeout: 20_000 }).toBeLessThan(5000);
    await page.waitForTimeout(1200);
    await page.screenshot({ path: shot('wall-loop', 'wall-loop.png'), timeout: 120_000 });
  }, 240_000);
});
