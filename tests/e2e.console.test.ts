// End to end: the dispatcher console (调度台) at /console in Debian's Chromium. A street
// dispatcher signs in, sees the queue counts, verifies a report (the catalogue's suggested
// item) and dispatches it with one click; the department's handler accepts it and feeds back
// through the API, with a photo; the dispatcher finds it in 待核查 (the photo as a thumbnail); a grid worker checks it on site (API)
// while the dispatcher's own 核查 form is open, so the dispatcher's stale submit is a 409
// that reloads the ticket, closed; the dispatcher rates it. All along a wall display of the
// street (a second page) follows the ticket's state. The console and the wall are separate
// chunks: neither page loads the other's code. Screenshots at 1920×1080 and 1366×768 go to
// var/e2e/ (docs/console.png and docs/console-1366.png with UPDATE_SCREENSHOTS=1).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { clientDist } from '../scripts/client-build.ts';
import { TEST_PASSWORD, TEST_PASSWORD_HASH, type Credentials } from '../scripts/local-app.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import sharp from 'sharp';
import { gridOf, postJson, report, theNet, type TestApp } from './helpers.ts';
import { e2eHarness, noonClock, screenshotPath } from './e2e-harness.ts';
import { photoForm } from './routes.examples.ts';

const LARGE = { width: 1920, height: 1080 };
const SMALL = { width: 1366, height: 768 };
/** docs/<name>.png with UPDATE_SCREENSHOTS=1, else var/e2e/<name>.png. */
const shot = screenshotPath;

// As the wall's e2e: the app's clock and the pages' run from 12:00 CST of today, so the
// wall's "today" cannot turn during the file and the report stays on its map.
const now = noonClock();

const e2e = e2eHarness(now);
const contexts = e2e.contexts;
let t: TestApp;
let browser: Browser;
let admin: Credentials;
beforeAll(() => ({ t, browser, admin } = e2e));

/** Uncaught errors in any page: none expected. */
const pageErrors: string[] = [];
/** The scripts each page fetched, by file name. */
const scripts = new Map<Page, string[]>();

async function newPage(viewport = LARGE): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  await context.clock.setSystemTime(now());
  const page = await context.newPage();
  const loaded: string[] = [];
  scripts.set(page, loaded);
  page.on('pageerror', (e) => {
    pageErrors.push(`${e.message}\n${e.stack ?? ''}`);
    console.log('page error:', e.message, e.stack);
  });
  page.on('request', (r) => {
    const name = new URL(r.url()).pathname.split('/').pop()!;
    if (name.endsWith('.js')) loaded.push(name);
  });
  return page;
}

/** The built chunks whose text contains `marker`. */
const chunksWith = (marker: string): string[] =>
  readdirSync(join(clientDist, 'assets')).filter((f) => f.endsWith('.js') && readFileSync(join(clientDist, 'assets', f), 'utf8').includes(marker));

const STATUS_NAME: Record<string, string> = { reported: '已上报', registered: '已立案', dispatched: '已派遣', handling: '处置中', feedback: '已反馈', closed: '已结案' };

/** The ticket's state on the wall: its own status if the wall tells (`__wall.statusOf`),
 * else its live-feed entry's text. */
async function onWall(wall: Page, id: string, status: string): Promise<boolean> {
  return wall.evaluate(({ id, status, name }) => {
    const w = (window as unknown as { __wall?: { statusOf?: (id: string) => string | undefined } }).__wall;
    const s = w?.statusOf?.(id);
    if (s !== undefined) return s === status;
    const el = document.querySelector(`[data-testid="feed-item"][data-id="${id}"]`);
    return el?.getAttribute('data-status') === status || (el?.textContent ?? '').includes(name);
  }, { id, status, name: STATUS_NAME[status]! });
}

/** Kilobytes of the named built chunks. */
const kB = (files: string[]): number => Math.round([...new Set(files)].reduce((sum, f) => sum + statSync(join(clientDist, 'assets', f)).size, 0) / 1024);
const count = (page: Page, queue: string) => page.locator(`[data-testid="queue-${queue}"] [data-testid="queue-count"]`).textContent();
const detailStatus = (page: Page) => page.locator('[data-testid="detail"]').getAttribute('data-status');

/** What is wrong with the console's layout at this size: page scroll, regions outside the
 * window or over each other, a column wider than itself. */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const de = document.documentElement;
    if (de.scrollWidth > de.clientWidth) problems.push(`page scrolls sideways: ${de.scrollWidth} > ${de.clientWidth}`);
    if (de.scrollHeight > de.clientHeight) problems.push(`page scrolls: ${de.scrollHeight} > ${de.clientHeight}`);
    const overlap = (a: DOMRect, b: DOMRect) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
    // Parts inside a scrolling column may run below the window; never beside it.
    const check = (selectors: string[], what: string, scrolls = false) => {
      const rects = selectors.map((s) => [s, document.querySelector(s)] as const).filter(([, el]) => el).map(([s, el]) => [s, el!.getBoundingClientRect(), el!] as const);
      for (const [s, r, el] of rects) {
        if (r.left < -0.5 || r.right > innerWidth + 0.5 || (!scrolls && (r.top < -0.5 || r.bottom > innerHeight + 0.5))) problems.push(`${what} ${s} outside the window`);
        if (el.scrollWidth > el.clientWidth + 1) problems.push(`${what} ${s} overflows sideways: ${el.scrollWidth} > ${el.clientWidth}`);
      }
      for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) if (overlap(rects[i]![1], rects[j]![1])) problems.push(`${rects[i]![0]} overlaps ${rects[j]![0]}`);
    };
    check(['.cs-header', '[data-testid="queues"]', '[data-testid="list"]', '[data-testid="detail"]', '.cs-statusline'], 'region');
    check([...document.querySelectorAll('.cs-header > *')].map((_, i) => `.cs-header > :nth-child(${i + 1})`), 'header part');
    check(['.cs-detail-head', '.cs-detail-top', '[data-testid="actions"]', '[data-testid="timeline"]'], 'detail part', true);
    return problems;
  });
}

describe('the dispatcher console in Chromium', () => {
  const { net } = theNet();
  const g = gridOf(net, '320402');
  const street = net.areas.get(g.code.slice(0, 9))!;
  const username = 'console-dispatcher';
  /** The dispatcher's console, signed in by the first test. */
  let page: Page;

  it('takes one report through the loop, the wall following', async () => {
    await t.stores.access.createAccount({ username, name: '李调度', role: 'dispatcher', scope: street.code, department: null, grids: [], passwordHash: TEST_PASSWORD_HASH }, now());
    // A dispute: its catalogue item (其他矛盾纠纷, 司法局) asks no photo before closing.
    const res = await postJson(`${t.url}/api/tickets`, report(g.label[0], g.label[1], {
      category: 'dispute', source: 'hotline', description: '楼上漏水引发邻里纠纷，双方争执', reporter: { name: '陈小梅', phone: '13912345678' },
    }), admin.headers);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    // Elsewhere in the city: not the street dispatcher's.
    const far = gridOf(net, '320404');
    expect((await postJson(`${t.url}/api/tickets`, report(far.label[0], far.label[1], { category: 'dispute' }), admin.headers)).status).toBe(201);
    const handler = await t.as('handler', CITY_CODE, { department: 'sfj' });
    const worker = await t.as('worker', street.code, { grids: [g.code] });
    const api = async (who: Credentials, body: Record<string, unknown>) => {
      const r = await postJson(`${t.url}/api/tickets/${id}/actions`, body, who.headers);
      expect(r.status, await r.clone().text()).toBe(200);
    };

    // The wall: a display of the street, a page of its own.
    const d = await postJson(`${t.url}/api/displays`, { name: '街道指挥大屏', scope: street.code }, admin.headers);
    expect(d.status).toBe(201);
    const wall = await newPage();
    await wall.goto(t.url + ((await d.json()) as { url: string }).url);
    await wall.waitForFunction(() => (window as any).__wall?.ready === true, null, { timeout: 120_000 });
    await expect.poll(() => onWall(wall, id, 'reported'), { timeout: 20_000 }).toBe(true);

    // The console: its sign-in page, then the queues of the street.
    page = await newPage();
    await page.goto(`${t.url}/console`);
    await page.locator('[data-testid="signin-page"]').waitFor({ timeout: 30_000 });
    await page.fill('[data-testid="signin-username"]', username);
    await page.fill('[data-testid="signin-password"]', TEST_PASSWORD);
    await page.click('[data-testid="signin-submit"]');
    await page.locator('[data-testid="console"]').waitFor({ timeout: 30_000 });
    expect(await page.title()).toContain('调度台');
    expect(await page.locator('[data-testid="user-name"]').textContent()).toBe('李调度');
    await expect.poll(() => count(page, 'to_verify'), { timeout: 20_000 }).toBe('1');
    for (const q of ['to_dispatch', 'returned', 'to_accept', 'handling', 'to_check', 'overdue', 'supervised']) expect(await count(page, q), q).toBe('0');
    await expect.poll(() => page.locator('[data-testid="ticket-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual([id]);
    expect(await page.locator('[data-testid="to-wall"]').getAttribute('href')).toBe('/');

    // Code-split: the console did not load the wall's code (deck.gl), nor the wall the console's.
    const wallChunks = chunksWith('deck.gl');
    const consoleChunks = chunksWith('dispatch-suggested');
    expect(wallChunks.length).toBeGreaterThan(0);
    expect(consoleChunks.length).toBeGreaterThan(0);
    for (const c of wallChunks) expect(consoleChunks).not.toContain(c);
    const consoleLoaded = scripts.get(page)!;
    const wallLoaded = scripts.get(wall)!;
    for (const c of wallChunks) expect(consoleLoaded, `console page loaded ${c}`).not.toContain(c);
    for (const c of consoleChunks) expect(wallLoaded, `wall page loaded ${c}`).not.toContain(c);
    expect(wallLoaded.some((s) => wallChunks.includes(s))).toBe(true);
    console.log(JSON.stringify({ e2e: 'console', consoleJsKB: kB(consoleLoaded), wallJsKB: kB(wallLoaded) }));

    // The report: the reporter in full (a dispatcher of the street may see it), and exactly
    // the actions the server allows now.
    await page.click(`[data-testid="ticket-row"][data-id="${id}"]`);
    await expect.poll(() => detailStatus(page), { timeout: 20_000 }).toBe('reported');
    expect(await page.locator('[data-testid="detail-reporter"]').textContent()).toContain('陈小梅 13912345678');
    const allowed = () => page.evaluate((id) => fetch(`/api/tickets/${id}/timeline`).then((r) => r.json()).then((j: { actions: string[] }) => j.actions.sort()), id);
    const shown = () => page.locator('[data-testid="action"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')!).sort());
    expect(await allowed()).toContain('verify');
    expect(await shown()).toEqual(await allowed());

    // 核实立案: the catalogue's suggestion is prefilled; the dispatcher finds it by search and takes it.
    await page.click('[data-testid="action"][data-action="verify"]');
    const verify = page.locator('[data-testid="action-form"][data-action="verify"]');
    expect(await verify.locator('[data-testid="item-chosen"]').getAttribute('data-code')).toBe('PA-99-001');
    expect(await verify.textContent()).toContain('合成样例');
    await verify.locator('[data-testid="item-search"]').fill('矛盾纠纷');
    const suggested = verify.locator('[data-testid="item-option"][data-code="PA-99-001"]');
    expect(await suggested.textContent()).toContain('建议');
    await suggested.click();
    expect(await verify.locator('[data-testid="field-level"]').inputValue()).toBe('general');
    await page.setViewportSize(SMALL); // the tallest form fits the small screen too
    expect(await layoutProblems(page)).toEqual([]);
    await page.screenshot({ path: shot('console-verify-1366', false) });
    await page.setViewportSize(LARGE);
    await verify.locator('[data-testid="action-submit"]').click();
    await expect.poll(() => detailStatus(page), { timeout: 20_000 }).toBe('registered');
    await expect.poll(() => onWall(wall, id, 'registered'), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => shown(), { timeout: 10_000 }).toEqual(await allowed());

    // 一键派遣 to the suggested department.
    const oneClick = page.locator('[data-testid="dispatch-suggested"]');
    expect(await oneClick.textContent()).toContain('司法局');
    await oneClick.click();
    await expect.poll(() => detailStatus(page), { timeout: 20_000 }).toBe('dispatched');
    expect(await page.locator('[data-testid="detail-department"]').textContent()).toContain('司法局');
    await expect.poll(() => count(page, 'to_accept'), { timeout: 20_000 }).toBe('1');
    expect(await count(page, 'to_verify')).toBe('0');
    await expect.poll(() => onWall(wall, id, 'dispatched'), { timeout: 20_000 }).toBe(true);
    expect(await page.locator('[data-testid="notice"]').getAttribute('data-kind')).toBe('ok');

    // The department (司法局) accepts and feeds back, through the API.
    await api(handler, { action: 'accept' });
    await expect.poll(() => onWall(wall, id, 'handling'), { timeout: 20_000 }).toBe(true);
    // …with a photo after handling, which the console shows as a thumbnail.
    const photo = photoForm(await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 70, g: 110, b: 150 } } }).jpeg().toBuffer(), 'after');
    const up = await fetch(`${t.url}/api/tickets/${id}/photos`, { method: 'POST', body: new Uint8Array(photo.payload), headers: { ...handler.headers, ...photo.headers } });
    expect(up.status, await up.clone().text()).toBe(201);
    await api(handler, { action: 'feedback', note: '已上门调解，修复漏水管道，双方达成和解' });
    await expect.poll(() => onWall(wall, id, 'feedback'), { timeout: 20_000 }).toBe(true);

    // The console finds it in 待核查 on its own (the 10-second refresh).
    await expect.poll(() => count(page, 'to_check'), { timeout: 25_000 }).toBe('1');
    await page.click('[data-testid="queue-to_check"]');
    await page.locator(`[data-testid="ticket-row"][data-id="${id}"]`).click();
    await expect.poll(() => detailStatus(page), { timeout: 20_000 }).toBe('feedback');
    const timeline = () => page.locator('[data-testid="timeline-entry"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    expect(await timeline()).toEqual(['report', 'verify', 'dispatch', 'accept', 'attach', 'feedback']);
    await expect.poll(() => page.locator('[data-testid="photo"] img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 10_000 }).toBe(true);
    const tlText = (await page.locator('[data-testid="timeline"]').textContent())!;
    for (const word of ['采集上报', '核实立案', '分流交办', '签收', '结果反馈', '其他矛盾纠纷', '司法局', '已上门调解']) expect(tlText).toContain(word);
    expect(await shown()).toEqual(await allowed());

    // The pictures, with the map drawn: 1920×1080, then 1366×768; nothing overlaps or scrolls sideways.
    await page.waitForFunction((id) => window.__console?.mapIdle === true && window.__console.mapTicket === id, id, { timeout: 60_000 });
    console.log(JSON.stringify({ e2e: 'console', consoleWithMapJsKB: kB(scripts.get(page)!) }));
    expect(scripts.get(page)!.some((s) => wallChunks.includes(s))).toBe(false);
    expect(await layoutProblems(page)).toEqual([]);
    await page.screenshot({ path: shot('console') });
    await page.setViewportSize(SMALL);
    await page.waitForTimeout(500);
    expect(await layoutProblems(page)).toEqual([]);
    await page.screenshot({ path: shot('console-1366') });
    await page.setViewportSize(LARGE);

    // The dispatcher opens 核查 while the grid worker checks on site (API): the dispatcher's
    // submit carries the version they saw, is refused (409), and the ticket reloads, closed.
    await page.click('[data-testid="action"][data-action="check"]');
    const check = page.locator('[data-testid="action-form"][data-action="check"]');
    await check.locator('[data-testid="field-pass-yes"]').click();
    await api(worker, { action: 'check', pass: true, note: '现场核查，已无漏水' });
    await check.locator('[data-testid="action-submit"]').click();
    await expect.poll(() => page.locator('[data-testid="notice"]').getAttribute('data-kind'), { timeout: 10_000 }).toBe('warn');
    expect(await page.locator('[data-testid="notice"]').textContent()).toContain('已重新加载');
    await expect.poll(() => check.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => detailStatus(page), { timeout: 20_000 }).toBe('closed');
    await expect.poll(() => onWall(wall, id, 'closed'), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => count(page, 'to_check'), { timeout: 20_000 }).toBe('0');
    expect(await shown()).toEqual(await allowed());

    // 评价: satisfaction 1–5.
    await page.click('[data-testid="action"][data-action="rate"]');
    const rate = page.locator('[data-testid="action-form"][data-action="rate"]');
    await rate.locator('[data-testid="field-satisfaction-5"]').click();
    await rate.locator('[data-testid="action-submit"]').click();
    await expect.poll(() => timeline(), { timeout: 20_000 }).toEqual(['report', 'verify', 'dispatch', 'accept', 'attach', 'feedback', 'check', 'rate']);
    expect(await page.locator('[data-testid="detail"]').textContent()).toContain('5/5');
    expect(await shown()).toEqual(await allowed());
    expect(pageErrors).toEqual([]);
  }, 300_000);

  it('批量派遣: ticked reports go each to its own suggested department in one action', async () => {
    // Two reports of the street, registered through the API (each with its catalogue item).
    const ids: string[] = [];
    for (const [category, item] of [['security', 'PA-99-002'], ['livelihood', 'MS-99-001']] as const) {
      const r = await postJson(`${t.url}/api/tickets`, report(g.label[0], g.label[1], { category, description: `${category} 批量派遣` }), admin.headers);
      const { id } = (await r.json()) as { id: string };
      expect((await postJson(`${t.url}/api/tickets/${id}/actions`, { action: 'verify', item, level: 'general' }, admin.headers)).status).toBe(200);
      ids.push(id);
    }
    await page.click('[data-testid="queue-to_dispatch"]');
    await expect.poll(() => page.locator('[data-testid="ticket-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort()), { timeout: 20_000 }).toEqual(ids.sort());
    // Another ticket opens in the same map (one WebGL context for the console's life).
    await page.evaluate(() => ((window.__console!.map as unknown as { mark: number }).mark = 1));
    await page.click(`[data-testid="ticket-row"][data-id="${ids[0]}"]`);
    await page.waitForFunction((id) => window.__console?.mapIdle === true && window.__console.mapTicket === id, ids[0], { timeout: 60_000 });
    expect(await page.evaluate(() => (window.__console!.map as unknown as { mark?: number }).mark)).toBe(1);
    await page.click('[data-testid="check-all"]');
    expect(await page.locator('[data-testid="checked-count"]').textContent()).toBe('已选 2 件');
    await page.click('[data-testid="bulk-action"][data-action="dispatch"]');
    const form = page.locator('[data-testid="action-form"][data-action="dispatch"]');
    expect(await form.locator('[data-testid="field-department"]').inputValue()).toBe(''); // each its own suggestion
    await form.locator('[data-testid="action-submit"]').click();
    await expect.poll(() => page.locator('[data-testid="notice"]').textContent(), { timeout: 10_000 }).toContain('2 件全部完成');
    // The queue counts follow the live events one by one: 待派遣 may reach 0 before 待签收 shows both.
    await expect.poll(() => count(page, 'to_dispatch'), { timeout: 20_000 }).toBe('0');
    await expect.poll(() => count(page, 'to_accept'), { timeout: 20_000 }).toBe('2');
    for (const [id, department] of [[ids[0], 'gaj'], [ids[1], 'sj12345']]) {
      const r = await fetch(`${t.url}/api/tickets/${id}/timeline`, { headers: admin.headers });
      expect(((await r.json()) as { ticket: { status: string; department: string } }).ticket).toMatchObject({ status: 'dispatched', department });
    }
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
