// End to end: 网格通, the grid worker's phone page at /phone, in Debian's Chromium on a
// 360×800 phone that knows where it is. A worker of one grid signs in, goes on patrol (the
// phone's fixes reach their track), reports 暴露垃圾 with a photo, self-handles a small ad
// (自处置). Then the phone walks into a dead zone: a report and fixes made offline wait on
// the phone, through a reload, and when the network comes back the answers to the first
// sends are lost on the way — yet the server holds the report once, with the moment it was
// made, and every fix once, with its own time. A task pushed to the worker rings on the
// phone (a dispatcher's 派给网格员, clicked in the console on a desk), and the worker checks it on site (核查) from there. The page is its own chunk.
// Screenshots go to var/e2e/ (docs/phone.png with UPDATE_SCREENSHOTS=1).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { clientDist } from '../scripts/client-build.ts';
import { TEST_PASSWORD, TEST_PASSWORD_HASH, type Credentials } from '../scripts/local-app.ts';
import { itemCategories } from '../server/domain/open311.ts';
import { loadCatalogue } from '../server/domain/catalogue.ts';
import { loadDepartments } from '../server/domain/departments.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import { categoryOf, itemsOf, CATEGORIES } from '../client/src/phone/items.ts';
import { gridOf, postJson, report, theNet, type TestApp } from './helpers.ts';
import { e2eHarness, noonClock, screenshotPath } from './e2e-harness.ts';
import { photoForm } from './routes.examples.ts';

const PHONE = { width: 360, height: 800 };
const shot = screenshotPath;

// As the other e2e files: the app's clock and the page's run from 12:00 CST of today, so
// "today" cannot turn during the file.
const now = noonClock();

const e2e = e2eHarness(now);
let t: TestApp;
let browser: Browser;
let admin: Credentials;
beforeAll(() => ({ t, browser, admin } = e2e));

const pageErrors: string[] = [];

const chunksWith = (marker: string): string[] =>
  readdirSync(join(clientDist, 'assets')).filter((f) => f.endsWith('.js') && readFileSync(join(clientDist, 'assets', f), 'utf8').includes(marker));
const kB = (files: string[]): number => Math.round([...new Set(files)].reduce((sum, f) => sum + statSync(join(clientDist, 'assets', f)).size, 0) / 1024);

interface Handle {
  ready: boolean;
  fixesMade: { t: number; lon: number; lat: number }[];
  fixesSent: number[];
  waiting: { fixes: number; jobs: number; failed: number };
  jobsSent: { label: string; ticketId: string | null; clientId: string | null }[];
  pushed: string[];
}
const handle = (page: Page): Promise<Handle> => page.evaluate(() => JSON.parse(JSON.stringify(window.__phone)) as Handle);

/** What is wrong with the page's layout on the phone: sideways scroll, the tab bar off
 * screen, a visible control smaller than a thumb. */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const de = document.documentElement;
    if (de.scrollWidth > de.clientWidth) problems.push(`page scrolls sideways: ${de.scrollWidth} > ${de.clientWidth}`);
    const tabs = document.querySelector('.ph-tabs')!.getBoundingClientRect();
    if (tabs.bottom > innerHeight + 0.5 || tabs.top < innerHeight - 100) problems.push(`tab bar not at the bottom: ${tabs.top}–${tabs.bottom}`);
    for (const el of document.querySelectorAll<HTMLElement>('button, input:not([type=file]), textarea, select')) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || r.bottom < 0 || r.top > innerHeight) continue;
      if (r.right > innerWidth + 0.5 || r.left < -0.5) problems.push(`${el.dataset.testid ?? el.textContent?.trim()} outside the screen`);
      if (r.height < 30 || r.width < 30) problems.push(`${el.dataset.testid ?? el.textContent?.trim()} too small to touch: ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return problems;
  });
}

async function api<T>(path: string, who: Credentials = admin): Promise<T> {
  const r = await fetch(`${t.url}${path}`, { headers: who.headers });
  expect(r.status, `${path}: ${await r.clone().text()}`).toBe(200);
  return (await r.json()) as T;
}

interface TimelineAnswer {
  ticket: { id: string; status: string; version: number; createdAt: string; description: string; category: string; selfHandled: boolean };
  items: { action: string; at: string; actor: string; data: Record<string, unknown> | null }[];
}

describe('网格通, the grid worker\u2019s phone, in Chromium', () => {
  const { net } = theNet();
  const g = gridOf(net, '320402');
  const [lon0, lat0] = g.label;
  /** A point `east` and `north` metres from the grid's label point (the walk stays within
   * 50 m of it: inside the grid, where the worker may report). */
  const at = (east: number, north: number) => ({ longitude: lon0 + east / 94_000, latitude: lat0 + north / 111_000, accuracy: 6 });

  it('lists each catalogue item under the category its reports are filed under', () => {
    const catalogue = loadCatalogue(loadDepartments());
    const filed = itemCategories(catalogue);
    for (const item of catalogue.items) {
      const under = CATEGORIES.filter((c) => itemsOf(c.code, catalogue.items).some((i) => i.code === item.code)).map((c) => c.code);
      expect(under, item.code).toEqual([filed.get(item.code)]);
      expect(categoryOf(item.code), item.code).toBe(filed.get(item.code));
    }
  });

  it('patrols, reports, self-handles, works through a dead zone and gets a pushed task', async () => {
    const worker = await t.as('worker', g.code, { grids: [g.code] });
    const named = await fetch(`${t.url}/api/accounts/${worker.username}`, { method: 'PATCH', headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify({ name: '张晓红' }) });
    expect(named.status, await named.clone().text()).toBe(200);

    const context: BrowserContext = await browser.newContext({
      viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
      geolocation: at(0, 0), permissions: ['geolocation'],
    });
    e2e.contexts.push(context);
    await context.clock.setSystemTime(now());
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('pageerror', (e) => {
      pageErrors.push(`${e.message}\n${e.stack ?? ''}`);
      console.log('page error:', e.message);
    });
    page.on('request', (r) => {
      const name = new URL(r.url()).pathname.split('/').pop()!;
      if (name.endsWith('.js')) scripts.push(name);
    });

    // ---- sign in, on the phone's own page ------------------------------------------------
    await page.goto(`${t.url}/phone`);
    await page.locator('[data-testid="signin-page"]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: shot('phone-signin', false) });
    await page.fill('[data-testid="signin-username"]', worker.username);
    await page.fill('[data-testid="signin-password"]', TEST_PASSWORD);
    await page.click('[data-testid="signin-submit"]');
    await page.locator('[data-testid="phone"]').waitFor({ timeout: 30_000 });
    expect(await page.title()).toContain('网格通');
    expect(await page.locator('[data-testid="worker-name"]').textContent()).toBe('张晓红');
    await expect.poll(() => page.locator('[data-testid="worker-grid"]').textContent(), { timeout: 10_000 }).toBe(g.name);
    await expect.poll(() => page.locator('[data-testid="net-status"]').getAttribute('data-online'), { timeout: 10_000 }).toBe('true');
    // At the phone's width, not the wall's.
    expect(await page.evaluate(() => innerWidth)).toBe(PHONE.width);

    // Its own chunk: neither the wall's map nor the console.
    const wallChunks = chunksWith('deck.gl');
    const consoleChunks = chunksWith('dispatch-suggested');
    const phoneChunks = chunksWith('patrol-toggle');
    expect(phoneChunks.length).toBeGreaterThan(0);
    for (const c of [...wallChunks, ...consoleChunks]) expect(scripts, `the phone loaded ${c}`).not.toContain(c);
    expect(scripts.some((s) => phoneChunks.includes(s))).toBe(true);
    console.log(JSON.stringify({ e2e: 'phone', phoneJsKB: kB(scripts) }));

    // ---- 巡查: the switch, then a short walk -------------------------------------------------
    await page.click('[data-testid="patrol-toggle"]');
    expect(await page.locator('[data-testid="patrol"]').getAttribute('data-on')).toBe('true');
    await expect.poll(async () => (await handle(page)).fixesMade.length, { timeout: 15_000 }).toBeGreaterThan(0);
    for (const [e, n] of [[30, 0], [30, 30], [0, 30]]) {
      await page.waitForTimeout(1200);
      await context.setGeolocation(at(e, n));
    }
    await expect.poll(async () => (await handle(page)).fixesMade.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
    expect(await page.locator('[data-testid="gps-line"]').textContent()).toContain('±6 米');
    // Sent within the outbox's 10 s, and today's figures are the server's.
    await expect.poll(async () => { const h = await handle(page); return h.fixesMade.every((f) => h.fixesSent.includes(f.t)); }, { timeout: 25_000 }).toBe(true);
    const today = await api<{ device: string; distanceM: number; fixes: number }>('/api/patrol/today', worker);
    expect(today.fixes).toBeGreaterThanOrEqual(4);
    expect(today.distanceM).toBeGreaterThan(50);
    await expect.poll(() => page.locator('[data-testid="today-distance"]').textContent(), { timeout: 20_000 }).toMatch(/米|公里/);
    expect(await layoutProblems(page)).toEqual([]);

    // ---- 上报 with a photo --------------------------------------------------------------------
    const jpeg = (r: number, gr: number, b: number) => sharp({ create: { width: 640, height: 480, channels: 3, background: { r, g: gr, b } } }).jpeg().toBuffer();
    const photo1 = await jpeg(120, 110, 90);
    await page.click('[data-testid="tab-button-report"]');
    await page.click('[data-testid="category"][data-code="city_appearance"]');
    await page.click('[data-testid="item"][data-code="SR-01-001"]');
    expect(await page.locator('[data-testid="item-chosen"]').textContent()).toContain('暴露垃圾');
    await page.fill('[data-testid="report-description"]', '菜场北门口垃圾堆放，约 2 平方米');
    // 暴露垃圾 asks for a photo before handling: not without one.
    await page.click('[data-testid="report-submit"]');
    expect(await page.locator('[data-testid="report-problem"]').textContent()).toContain('照片');
    await page.setInputFiles('[data-testid="photos-before-input"]', { name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo1 });
    await page.locator('[data-testid="photos-before"] img').waitFor();
    expect(await layoutProblems(page)).toEqual([]);
    await page.screenshot({ path: shot('phone-report', false) });
    await page.click('[data-testid="report-submit"]');
    await expect.poll(async () => (await handle(page)).jobsSent.length, { timeout: 20_000 }).toBe(1);
    const first = (await handle(page)).jobsSent[0]!;
    const tl1 = await api<TimelineAnswer>(`/api/tickets/${first.ticketId}/timeline`);
    expect(tl1.ticket).toMatchObject({ status: 'reported', category: 'city_appearance' });
    expect(tl1.ticket.description).toContain('暴露垃圾');
    expect(tl1.ticket.description).toContain('菜场北门口');
    expect(tl1.items.map((e) => e.action)).toEqual(['report', 'attach']);
    expect(tl1.items[1]!.data).toMatchObject({ kind: 'before', photo: createHash('sha256').update(photo1).digest('hex') });
    expect(await page.locator('[data-testid="notice"]').textContent()).toContain('已送达');

    // ---- 自处置: a small ad torn down on the spot ------------------------------------------------
    await page.click('[data-testid="category"][data-code="advertising"]');
    await page.click('[data-testid="item"][data-code="SR-02-001"]');
    await page.setInputFiles('[data-testid="photos-before-input"]', { name: 'before.jpg', mimeType: 'image/jpeg', buffer: await jpeg(200, 60, 60) });
    await page.check('[data-testid="self-handle"]');
    await page.fill('[data-testid="self-note"]', '已清除电线杆上小广告 3 张');
    await page.setInputFiles('[data-testid="photos-after-input"]', { name: 'after.jpg', mimeType: 'image/jpeg', buffer: await jpeg(60, 160, 60) });
    await page.click('[data-testid="report-submit"]');
    await expect.poll(async () => (await handle(page)).jobsSent.length, { timeout: 20_000 }).toBe(2);
    const selfHandled = (await handle(page)).jobsSent[1]!;
    const tl2 = await api<TimelineAnswer>(`/api/tickets/${selfHandled.ticketId}/timeline`);
    expect(tl2.ticket).toMatchObject({ status: 'closed', category: 'advertising', selfHandled: true });
    expect(tl2.items.map((e) => e.action)).toEqual(['report', 'attach', 'attach', 'self_handle']);

    // ---- the dead zone -------------------------------------------------------------------
    await context.setOffline(true);
    await expect.poll(() => page.locator('[data-testid="net-status"]').getAttribute('data-online'), { timeout: 10_000 }).toBe('false');
    const offlinePhoto = await jpeg(90, 90, 140);
    await page.click('[data-testid="category"][data-code="street_order"]');
    await page.click('[data-testid="item"][data-code="JM-02-001"]');
    await page.fill('[data-testid="report-description"]', '地下车库入口堆放建材');
    await page.setInputFiles('[data-testid="photos-before-input"]', { name: 'IMG_0002.jpg', mimeType: 'image/jpeg', buffer: offlinePhoto });
    const madeFrom = await page.evaluate(() => Date.now());
    await page.click('[data-testid="report-submit"]');
    await expect.poll(() => page.locator('[data-testid="notice"]').textContent(), { timeout: 10_000 }).toContain('离线');
    const madeTo = await page.evaluate(() => Date.now());
    // Walking on without a network: the fixes wait too.
    const before = (await handle(page)).fixesMade.length;
    for (const [e, n] of [[-30, 30], [-30, 0], [-30, -30]]) {
      await page.waitForTimeout(1200);
      await context.setGeolocation(at(e, n));
    }
    await expect.poll(async () => (await handle(page)).fixesMade.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(before + 3);
    await page.click('[data-testid="tab-button-patrol"]');
    const waiting = page.locator('[data-testid="outbox-count"]');
    await expect.poll(() => waiting.getAttribute('data-jobs'), { timeout: 10_000 }).toBe('1');
    expect(Number(await waiting.getAttribute('data-fixes'))).toBeGreaterThanOrEqual(3);
    expect(await page.locator('[data-testid="outbox-pill"]').textContent()).toMatch(/待发送 \d+/);
    await page.screenshot({ path: shot('phone-offline', false) });

    // Still in the dead zone, the page is reloaded (the phone has the page, the server is out of
    // reach): what waits is still there.
    let madeSoFar = (await handle(page)).fixesMade;
    let mode: 'unreachable' | 'answers-lost' = 'unreachable';
    const lost = { tickets: 0, positions: 0 };
    const deadZone = async (route: Route, kind: 'tickets' | 'positions') => {
      if (route.request().method() !== 'POST') return route.continue();
      if (mode === 'unreachable') return route.abort('internetdisconnected');
      // The request gets through, its answer does not: the phone cannot tell it arrived.
      if (lost[kind]++ === 0) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    };
    await page.route('**/api/tickets', (r) => deadZone(r, 'tickets'));
    await page.route('**/api/positions', (r) => deadZone(r, 'positions'));
    await context.setOffline(false);
    await page.reload();
    await page.locator('[data-testid="phone"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => waiting.getAttribute('data-jobs'), { timeout: 10_000 }).toBe('1');
    expect(await page.locator('[data-testid="patrol"]').getAttribute('data-on')).toBe('true'); // still on patrol
    // Back in reach, but the first answers are lost: the phone sends again, and again.
    mode = 'answers-lost';
    await page.click('[data-testid="outbox-send"]');
    // (Polled with the refusals the outbox shows, so a refusal fails here with its reason.)
    const outcome = async () => ({ sent: (await handle(page)).jobsSent.length, refused: await page.locator('[data-testid="outbox-failed"]').allTextContents() });
    await expect.poll(outcome, { timeout: 60_000 }).toEqual({ sent: 1, refused: [] });
    expect(lost.tickets).toBeGreaterThanOrEqual(2);
    await expect.poll(() => lost.positions, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);

    // Once: one ticket for the report, with the moment it was made on the phone.
    const offlineId = (await handle(page)).jobsSent[0]!.ticketId!;
    const page1 = await api<{ items: { id: string; description: string }[] }>(`/api/tickets?area=${g.code}&limit=50`);
    const mine = page1.items.filter((x) => x.description.includes('地下车库入口堆放建材'));
    expect(mine.map((x) => x.id)).toEqual([offlineId]);
    const tl3 = await api<TimelineAnswer>(`/api/tickets/${offlineId}/timeline`);
    // The report's own moment, as the server keeps it: on the report's timeline entry.
    const observed = Date.parse(String(tl3.items[0]!.data?.observedAt));
    expect(observed).toBeGreaterThanOrEqual(madeFrom);
    expect(observed).toBeLessThanOrEqual(madeTo);
    expect(tl3.items.map((e) => e.action)).toEqual(['report', 'attach']);
    expect(tl3.items[1]!.data).toMatchObject({ photo: createHash('sha256').update(offlinePhoto).digest('hex') });

    // Off patrol; everything sent; every fix the phone made is on the track once, at its own time.
    await page.click('[data-testid="patrol-toggle"]');
    await expect.poll(async () => (await handle(page)).waiting, { timeout: 30_000 }).toEqual({ fixes: 0, jobs: 0, failed: 0 });
    madeSoFar = [...madeSoFar, ...(await handle(page)).fixesMade];
    const track = await api<{ fixes: number; points: { t: number; lon: number; lat: number }[] }>(`/api/devices/${encodeURIComponent(today.device)}/track`);
    const made = [...new Map(madeSoFar.map((f) => [f.t, f])).values()].sort((a, b) => a.t - b.t);
    expect(track.points.map((p) => p.t)).toEqual(made.map((f) => f.t));
    for (let i = 0; i < made.length; i++) {
      expect(track.points[i]!.lon).toBeCloseTo(made[i]!.lon, 6);
      expect(track.points[i]!.lat).toBeCloseTo(made[i]!.lat, 6);
    }
    await expect.poll(() => page.locator('[data-testid="outbox-empty"]').count(), { timeout: 10_000 }).toBe(1);
    await page.click('[data-testid="patrol-toggle"]'); // out again

    // ---- a task: a department fed back on a case in the grid; the worker is to check it ----
    const handler = await t.as('handler', CITY_CODE, { department: 'cgj' });
    const r = await postJson(`${t.url}/api/tickets`, report(lon0, lat0, { category: 'city_appearance', source: 'hotline', description: '12345：小区东门垃圾满溢' }), admin.headers);
    expect(r.status).toBe(201);
    const task = (await r.json()) as { id: string };
    const step = async (who: Credentials, body: Record<string, unknown>) => {
      const s = await postJson(`${t.url}/api/tickets/${task.id}/actions`, body, who.headers);
      expect(s.status, await s.clone().text()).toBe(200);
      return ((await s.json()) as { ticket: unknown }).ticket;
    };
    await step(admin, { action: 'verify', item: 'SR-01-001', level: 'general' });
    await step(admin, { action: 'dispatch' });
    await step(handler, { action: 'accept' });
    const after = photoForm(await jpeg(80, 150, 90), 'after');
    const up = await fetch(`${t.url}/api/tickets/${task.id}/photos`, { method: 'POST', body: new Uint8Array(after.payload), headers: { ...handler.headers, ...after.headers } });
    expect(up.status, await up.clone().text()).toBe(201);
    await step(handler, { action: 'feedback', note: '已清运，地面冲洗干净' });
    // The street's dispatcher, at the console on a desk, pushes the check to the nearest
    // online phone — this worker's (派给网格员, 智能推送).
    await t.stores.access.createAccount({ username: 'desk-dispatcher', name: '王调度', role: 'dispatcher', scope: g.code.slice(0, 9), department: null, grids: [], passwordHash: TEST_PASSWORD_HASH }, now());
    const deskContext = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    e2e.contexts.push(deskContext);
    const desk = await deskContext.newPage();
    desk.on('pageerror', (err) => pageErrors.push(`console: ${err.message}`));
    await desk.goto(`${t.url}/console`);
    await desk.locator('[data-testid="signin-page"]').waitFor({ timeout: 30_000 });
    await desk.fill('[data-testid="signin-username"]', 'desk-dispatcher');
    await desk.fill('[data-testid="signin-password"]', TEST_PASSWORD);
    await desk.click('[data-testid="signin-submit"]');
    await desk.locator('[data-testid="console"]').waitFor({ timeout: 30_000 });
    await desk.click('[data-testid="queue-to_check"]');
    await desk.locator(`[data-testid="ticket-row"][data-id="${task.id}"]`).click({ timeout: 20_000 });
    await expect.poll(() => desk.locator('[data-testid="detail"]').getAttribute('data-status'), { timeout: 20_000 }).toBe('feedback');
    await desk.click('[data-testid="action"][data-action="assign"]');
    const form = desk.locator('[data-testid="action-form"][data-action="assign"]');
    const nearest = form.locator(`[data-testid="nearest-worker"][data-device="${today.device}"]`);
    await nearest.waitFor({ timeout: 20_000 });
    expect(await form.locator('[data-testid="nearest-worker"]').first().getAttribute('data-device')).toBe(today.device); // the nearest
    await nearest.click();
    await form.locator('[data-testid="field-note"]').fill('请现场核查');
    await form.locator('[data-testid="action-submit"]').click();
    const alert = page.locator('[data-testid="task-alert"]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain('核查 · 暴露垃圾');
    expect(await alert.getAttribute('data-id')).toBe(task.id);
    await page.screenshot({ path: shot('phone') });
    await page.click('[data-testid="task-alert-open"]');
    const card = page.locator(`[data-testid="task"][data-id="${task.id}"]`);
    await expect.poll(() => card.getAttribute('data-actions'), { timeout: 15_000 }).toContain('check');
    expect(await card.getAttribute('data-step')).toBe('check');
    expect(await card.getAttribute('data-assigned')).toBe('true');
    expect(await layoutProblems(page)).toEqual([]);
    await page.screenshot({ path: shot('phone-tasks', false) });

    // 核查 on site: passed, closed.
    await card.locator('[data-testid="task-action"][data-action="check"]').click();
    await card.locator('[data-testid="check-pass"]').click();
    await card.locator('[data-testid="task-note"]').fill('现场核查，已清理干净');
    await card.locator('[data-testid="task-submit"]').click();
    await expect.poll(async () => (await api<TimelineAnswer>(`/api/tickets/${task.id}/timeline`)).ticket.status, { timeout: 20_000 }).toBe('closed');
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
