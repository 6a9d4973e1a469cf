// The wall shows the loop consistently, on the server's clock. A wall that reads today's
// figures (or dots) at watermark W ignores the live events at or below W (already in them)
// and applies those above; the figures and the push carry the server's time; the day's dots
// (GET /api/tickets/day-dots) are exactly the day's tickets of the area, with no personal
// data, and the wall's own code (client/src/live/…) loads them and applies events on top.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { gridOf, report, testApp, theNet, type TestApp } from './helpers.ts';
import type { Credentials } from '../scripts/local-app.ts';
import { dateCST, startOfDayCST } from '../server/domain/day.ts';
import { isNews, replacesFigures } from '../client/src/live/watermark.ts';
import { decodeDayDots } from '../client/src/live/dayDots.ts';
import { noteServerTime, serverDayStart, serverNow } from '../client/src/live/serverClock.ts';
import { TicketBuffer } from '../client/src/live/ticketBuffer.ts';
import { applyTicket, replaceDay } from '../client/src/live/tickets.ts';
import { getState } from '../client/src/store.ts';
import type { LiveTicket, Ticket, TodayStats } from '../client/src/types.ts';

const T0 = Date.UTC(2026, 10, 24, 1); // Tuesday 2026-11-24 09:00 CST
let clock = T0;
let t: TestApp;
let dispatcher: Credentials;
let admin: Credentials;
let display: Credentials;
let wall: Socket;
const got: { ticket: LiveTicket[]; stats: TodayStats[] } = { ticket: [], stats: [] };
let item: { code: string };
const IN = '320402';
const g = () => gridOf(theNet().net, IN);

beforeAll(async () => {
  t = await testApp({ now: () => clock, listen: true, statsIntervalMs: 100, sessions: { refreshTtlMs: 365 * 86_400_000 } });
  admin = await t.as('admin');
  dispatcher = await t.as('dispatcher', IN);
  display = await t.as('display', IN);
  const items = (await t.app.inject({ url: '/api/catalogue', headers: admin.headers })).json().items as { code: string; selfHandle: boolean }[];
  item = items.find((i) => !i.selfHandle)!;
  wall = connect(t.url, { transports: ['websocket'], auth: { token: display.token }, forceNew: true, reconnection: false });
  wall.on('ticket', (x: LiveTicket) => got.ticket.push(x));
  wall.on('stats', (x: TodayStats) => got.stats.push(x));
  await new Promise<void>((r) => wall.once('connect', () => r()));
});
afterAll(async () => {
  wall?.close();
  await t?.close();
});

const waitFor = async <T>(f: () => T | undefined | false, ms = 5000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function post(lonLat: readonly number[], who = dispatcher, extra: Record<string, unknown> = {}): Promise<Ticket> {
  const r = await t.app.inject({ method: 'POST', url: '/api/tickets', payload: report(lonLat[0], lonLat[1], extra), headers: who.headers });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}
const act = async (id: string, body: object) => {
  const r = await t.app.inject({ method: 'POST', url: `/api/tickets/${id}/actions`, payload: body, headers: dispatcher.headers });
  expect(r.statusCode, r.body).toBe(200);
  return r.json().ticket as Ticket;
};
const stats = async (area = IN, who = dispatcher): Promise<TodayStats> => (await t.app.inject({ url: `/api/stats/today?area=${area}`, headers: who.headers })).json();
async function dayDots(query: string, who = display) {
  const r = await t.app.inject({ url: `/api/tickets/day-dots?${query}`, headers: who.headers });
  expect(r.statusCode, r.body).toBe(200);
  expect(r.headers['content-type']).toBe('application/octet-stream');
  const bytes = r.rawPayload;
  // Its own ArrayBuffer at offset 0, as fetch's arrayBuffer() gives the wall.
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { bytes, dots: decodeDayDots(ab) };
}
const idOf = (seq: number) => 'T' + String(seq).padStart(10, '0');

describe('the watermark rule (client/src/live/watermark.ts)', () => {
  it('ignores a change at or below the watermark, applies one above, and never an older version', () => {
    expect(isNews({ change: 7, version: 2 }, 7)).toBe(false);
    expect(isNews({ change: 3, version: 1 }, 7)).toBe(false);
    expect(isNews({ change: 8, version: 2 }, 7)).toBe(true);
    expect(isNews({ change: 8, version: 2 }, 7, 1)).toBe(true);
    // A light turned by the clock carries no change: news, unless the wall holds a later state.
    expect(isNews({ version: 3 }, 7, 3)).toBe(true);
    expect(isNews({ version: 2 }, 7, 3)).toBe(false);
    // Figures: a later watermark (or the same, time having passed) or a later day replaces.
    expect(replacesFigures(null, { date: '2026-11-24', watermark: 1 })).toBe(true);
    expect(replacesFigures({ date: '2026-11-24', watermark: 9 }, { date: '2026-11-24', watermark: 9 })).toBe(true);
    expect(replacesFigures({ date: '2026-11-24', watermark: 9 }, { date: '2026-11-24', watermark: 8 })).toBe(false);
    expect(replacesFigures({ date: '2026-11-24', watermark: 9 }, { date: '2026-11-25', watermark: 1 })).toBe(true);
    expect(replacesFigures({ date: '2026-11-25', watermark: 1 }, { date: '2026-11-24', watermark: 9 })).toBe(false);
  });

  it('a wall reading the figures at W then receiving events ignores those ≤ W and applies those > W; the push then equals REST', async () => {
    let c: Ticket | undefined;
    let d: Ticket | undefined;
    const a = await post(g().label);
    const b = await post(g().label);
    const mine = () => got.ticket.filter((x) => [a.id, b.id, c?.id, d?.id].includes(x.id));
    await waitFor(() => mine().length >= 2);
    const before = await stats();
    const W = before.watermark;
    c = await post(g().label);
    d = await post(g().label);
    const aRegistered = await act(a.id, { action: 'verify', item: item.code, level: 'general' });
    await waitFor(() => mine().length >= 5);

    const events = mine();
    expect(events.map((x) => x.id)).toEqual([a.id, b.id, c.id, d.id, a.id]);
    const applied = events.filter((x) => isNews(x, W));
    const ignored = events.filter((x) => !isNews(x, W));
    expect(ignored.map((x) => x.id)).toEqual([a.id, b.id]);
    expect(applied.map((x) => [x.id, x.status])).toEqual([[c.id, 'reported'], [d.id, 'reported'], [a.id, 'registered']]);
    for (const x of ignored) expect(x.change).toBeLessThanOrEqual(W);

    // What the applied events add is what the server counts since W: no double count.
    const after = await stats();
    expect(after.reported).toBe(before.reported + applied.filter((x) => x.status === 'reported').length);
    expect(after.registered).toBe(before.registered! + 1);
    expect(after.watermark).toBe(Math.max(...applied.map((x) => x.change!)));
    expect(aRegistered.version).toBe(applied[2].version);
    // …and the coalesced push comes to the same figures, with the same watermark.
    const pushed = await waitFor(() => got.stats.find((s) => s.watermark === after.watermark));
    const { serverTime: _a, ...pushedRest } = pushed;
    const { serverTime: _b, ...restRest } = after;
    expect(pushedRest).toEqual(restRest);
  });
});

describe("the server's time", () => {
  it("the wall's clock (client/src/live/serverClock.ts): set by an answer, moved forward only by a push", () => {
    const server = Date.UTC(2026, 10, 24, 4); // 12:00 CST
    noteServerTime(server, performance.now());
    expect(Math.abs(serverNow() - server)).toBeLessThan(50);
    expect(serverDayStart()).toBe(startOfDayCST(server));
    // A push replayed late (two minutes old) leaves it; one ahead of it moves it on.
    noteServerTime(server - 120_000);
    expect(Math.abs(serverNow() - server)).toBeLessThan(50);
    noteServerTime(server + 3_600_000);
    expect(Math.abs(serverNow() - server - 3_600_000)).toBeLessThan(50);
  });

  it('is in GET /api/stats/today and in the stats push: the clock "today" was decided by', async () => {
    clock = T0 + 3 * 3_600_000 + 1234;
    const rest = await stats();
    expect(rest.serverTime).toBe(clock);
    expect(rest.date).toBe(dateCST(clock));
    got.stats.length = 0;
    await post(g().label);
    const pushed = await waitFor(() => got.stats[0]);
    expect(pushed.serverTime).toBe(clock);
    expect(pushed.date).toBe('2026-11-24');
  });
});

describe('GET /api/tickets/day-dots', () => {
  it("decodes to exactly the day's tickets of the area: not another area's, not another day's", async () => {
    const yesterday = T0 - 86_400_000;
    clock = yesterday;
    const old = await post(g().label);
    clock = T0 + 4 * 3_600_000;
    const elsewhere = await post(gridOf(theNet().net, '320404').label, admin);
    const mine = await post(g().label);

    const { dots } = await dayDots(`area=${IN}`);
    const today = (await t.app.inject({ url: `/api/tickets?area=${IN}&from=${new Date(startOfDayCST(clock)).toISOString()}&limit=1000`, headers: dispatcher.headers })).json().items as Ticket[];
    expect(today.length).toBeGreaterThan(5);
    const ids = Array.from(dots.seq, idOf);
    expect(ids.sort()).toEqual(today.map((x) => x.id).sort());
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(old.id);
    expect(ids).not.toContain(elsewhere.id);
    expect(dots).toMatchObject({ format: 'day-dots/1', area: IN, date: '2026-11-24', count: today.length, serverTime: clock });
    expect(dots.watermark).toBe((await stats()).watermark);

    // Each dot as the ticket is: its point, version, state, light and category.
    const byId = new Map(today.map((x) => [x.id, x]));
    for (let i = 0; i < dots.count; i++) {
      const x = byId.get(idOf(dots.seq[i]))!;
      expect(dots.lon[i]).toBeCloseTo(x.lon, 5);
      expect(dots.lat[i]).toBeCloseTo(x.lat, 5);
      expect(dots.version[i]).toBe(x.version);
      expect(dots.statuses[dots.status[i]]).toBe(x.status);
      expect(dots.lights[dots.light[i]]).toBe(x.light ?? 'none');
      expect(dots.categories[dots.category[i]]).toBe(x.category);
    }

    // Another day by its date; the whole city for the city's admin; not outside the scope.
    const y = await dayDots(`area=${IN}&date=2026-11-23`);
    expect(Array.from(y.dots.seq, idOf)).toEqual([old.id]);
    const city = await dayDots('area=320400', admin);
    expect(Array.from(city.dots.seq, idOf)).toEqual(expect.arrayContaining([mine.id, elsewhere.id]));
    expect(city.dots.count).toBe(dots.count + 1);
    expect((await t.app.inject({ url: '/api/tickets/day-dots?area=320404', headers: display.headers })).statusCode).toBe(403);
    const bad = await t.app.inject({ url: `/api/tickets/day-dots?area=${IN}&date=2026-02-30`, headers: display.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^date:/);
  });

  it('carries each light and state: green, yellow, red, closed, rejected', async () => {
    clock = T0 + 5 * 3_600_000;
    const rejected = await post(g().label);
    await act(rejected.id, { action: 'reject', reason: 'invalid', note: '不属实' });
    const reported = await post(g().label);
    clock += 2 * 86_400_000; // two working days on: the unverified report is long overdue
    const { dots } = await dayDots('area=320402&date=2026-11-24');
    const lightOf = (id: string) => {
      const i = Array.from(dots.seq, idOf).indexOf(id);
      return [dots.statuses[dots.status[i]], dots.lights[dots.light[i]]];
    };
    expect(lightOf(rejected.id)).toEqual(['rejected', 'none']);
    expect(lightOf(reported.id)).toEqual(['reported', 'red']);
    const shown = (await t.app.inject({ url: `/api/tickets/${reported.id}`, headers: dispatcher.headers })).json();
    expect(shown.light).toBe('red');
    // 督办 given: counted in its column, and the wall's buffer marks it (always a dot).
    await act(reported.id, { action: 'verify', item: item.code, level: 'general' });
    await act(reported.id, { action: 'supervise', note: '督办' });
    const after = (await dayDots('area=320402&date=2026-11-24')).dots;
    const at = Array.from(after.seq, idOf).indexOf(reported.id);
    expect([after.supervised[at], after.supervised[Array.from(after.seq, idOf).indexOf(rejected.id)]]).toEqual([1, 0]);
    const buf = new TicketBuffer();
    buf.load(after);
    expect(buf.supervisedOpen().count).toBe(1);
    expect(Array.from(buf.supervisedOpen().positions.subarray(0, 2))).toEqual([after.lon[at], after.lat[at]]);
    expect(buf.split(3).dots.length).toBeGreaterThanOrEqual(1); // even above every light
    clock = T0 + 6 * 3_600_000;
  });

  it('gives a display no personal data: no reporter, no description, only the columns', async () => {
    clock = T0 + 6 * 3_600_000;
    const secret = { name: '张三丰', phone: '13812345678' };
    const tk = await post(g().label, dispatcher, { reporter: secret, description: '邻居家中存放大量烟花爆竹' });
    expect((await t.app.inject({ url: `/api/tickets/${tk.id}`, headers: dispatcher.headers })).json().reporter).toEqual(secret);
    for (const who of [display, dispatcher]) {
      const { bytes, dots } = await dayDots(`area=${IN}`, who);
      expect(Array.from(dots.seq, idOf)).toContain(tk.id);
      const text = bytes.toString('utf8') + bytes.toString('latin1');
      for (const s of [secret.name, secret.phone, '烟花爆竹', '楼道内电动车充电']) expect(text).not.toContain(s);
      const headerLength = bytes.readUInt32LE(0);
      const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8'));
      expect(Object.keys(header).sort()).toEqual(['area', 'categories', 'columns', 'count', 'date', 'format', 'lights', 'serverTime', 'statuses', 'watermark']);
      expect(header.columns.map((c: { name: string }) => c.name)).toEqual(['lon', 'lat', 'seq', 'version', 'status', 'light', 'category', 'supervised']);
      // Nothing but the header and the columns: 4 + 4 + 4 + 4 + 1 + 1 + 1 + 1 bytes a ticket.
      expect(bytes.length).toBe(4 + headerLength + 20 * dots.count);
    }
  });

  it("the wall's code loads the dots and applies live events on top by the watermark", async () => {
    clock = T0 + 7 * 3_600_000;
    const early = await post(g().label);
    const events = (id: string) => got.ticket.filter((x) => x.id === id);
    const [reportedEarly] = await waitFor(() => events(early.id).length === 1 && events(early.id));
    const { dots } = await dayDots(`area=${IN}`);
    const feed = (await t.app.inject({ url: `/api/tickets?area=${IN}&limit=50`, headers: display.headers })).json().items as Ticket[];
    replaceDay(dots, feed, await stats());
    const s = getState();
    expect(s.day).toEqual({ date: '2026-11-24', start: startOfDayCST(clock) });
    expect(s.tickets.watermark).toBe(dots.watermark);
    expect(s.tickets.ids().sort()).toEqual(Array.from(dots.seq, idOf).sort());
    expect(s.feed[0].id).toBe(early.id);

    const late = await post(g().label);
    await act(early.id, { action: 'verify', item: item.code, level: 'general' });
    const [reportedLate] = await waitFor(() => events(late.id).length === 1 && events(late.id));
    const [, registeredEarly] = await waitFor(() => events(early.id).length === 2 && events(early.id));
    const versionBefore = s.tickets.version;
    // The early report (≤ W), as a queue after a re-sync would hold it: it changes nothing.
    expect(reportedEarly.change).toBeLessThanOrEqual(dots.watermark);
    applyTicket(reportedEarly, s.day!);
    expect(s.tickets.version).toBe(versionBefore);
    for (const x of [reportedLate, registeredEarly]) applyTicket(x, getState().day!);
    const now = getState();
    expect(now.tickets.has(late.id)).toBe(true);
    expect(now.tickets.ids().length).toBe(dots.count + 1);
    expect(now.tickets.statusOf(early.id)).toBe('registered');
    expect(now.feed.map((x) => x.id).slice(0, 2)).toEqual([late.id, early.id]);
    expect(now.feed[1].status).toBe('registered');
    // A stale state (an older version, no change: a light queued behind the re-sync) is dropped.
    const stale = { ...reportedEarly, change: undefined, light: 'yellow' as const };
    applyTicket(stale, now.day!);
    expect(getState().tickets.statusOf(early.id)).toBe('registered');
    expect(getState().feed[1].status).toBe('registered');
    // The figures were never counted on the wall: they are the server's, as read.
    expect(getState().stats!.watermark).toBeLessThan(registeredEarly.change!);
    expect(new TicketBuffer().ids()).toEqual([]);
  });
});
