// Lights turn by themselves, in working time: under a fake clock a registered ticket goes
// yellow at 80 % of its limit and red at 100 %, pushed live to a wall each time, and red
// brings one automatic 督办 (not two, however often the clock ticks); "overdue now" counts
// it; the wall's `stats` push carries a watermark and arrives at most once per interval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { gridOf, report, testApp, theNet, type TestApp } from './helpers.ts';
import type { Credentials } from '../scripts/local-app.ts';
import { defaultWorkClock } from '../server/domain/workclock.ts';

let t: TestApp;
const T0 = Date.UTC(2026, 10, 23, 1); // Monday 2026-11-23 09:00 CST
let clock = T0;
let dispatcher: Credentials;
let wall: Socket;
const got: { ticket: { id: string; light: string; supervised: number; change?: number }[]; stats: { watermark: number; overdueNow: number }[] } = { ticket: [], stats: [] };
const g = () => gridOf(theNet().net, '320402');

beforeAll(async () => {
  t = await testApp({ now: () => clock, listen: true, statsIntervalMs: 200, sessions: { refreshTtlMs: 365 * 86_400_000 } });
  dispatcher = await t.as('dispatcher', '320402');
  const display = await t.as('display', '320402');
  wall = connect(t.url, { transports: ['websocket'], auth: { token: display.token }, forceNew: true, reconnection: false });
  wall.on('ticket', (x) => got.ticket.push(x));
  wall.on('stats', (x) => got.stats.push(x));
  await new Promise<void>((r) => wall.once('connect', () => r()));
});
afterAll(async () => {
  wall?.close();
  await t?.close();
});

const waitFor = async <T>(f: () => T | undefined, ms = 5000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the deadline clock', () => {
  it('turns a light yellow then red in working time, gives one 督办, and counts it overdue', async () => {
    const admin = await t.as('admin');
    const items = (await t.app.inject({ url: '/api/catalogue', headers: admin.headers })).json().items as { code: string; selfHandle: boolean; limits: { general: Record<string, number> } }[];
    const item = items.find((i) => !i.selfHandle)!;
    const r = await t.app.inject({ method: 'POST', url: '/api/tickets', payload: report(g().label[0], g().label[1]), headers: dispatcher.headers });
    const id = r.json().id;
    const v = await t.app.inject({ method: 'POST', url: `/api/tickets/${id}/actions`, payload: { action: 'verify', item: item.code, level: 'general' }, headers: dispatcher.headers });
    expect(v.statusCode, v.body).toBe(200);
    const ticket = v.json().ticket;
    expect(ticket.light).toBe('green');
    const L = item.limits.general;
    const limitMs = (L.dispatch + L.accept + L.handle + L.check) * 3_600_000;
    expect(Date.parse(ticket.deadline)).toBe(defaultWorkClock.addWorkingMs(T0, limitMs));
    const yellowAt = defaultWorkClock.addWorkingMs(T0, Math.ceil(limitMs * 0.8));

    clock = yellowAt - 1;
    expect(await t.app.deadlineClock.tick()).toEqual({ changed: 0, supervised: 0 });
    clock = yellowAt;
    expect(await t.app.deadlineClock.tick()).toEqual({ changed: 1, supervised: 0 });
    expect((await waitFor(() => got.ticket.find((x) => x.id === id && x.light === 'yellow'))).supervised).toBe(0);

    clock = Date.parse(ticket.deadline);
    expect(await t.app.deadlineClock.tick()).toEqual({ changed: 1, supervised: 1 });
    const red = await waitFor(() => got.ticket.find((x) => x.id === id && x.light === 'red'));
    expect(red.supervised).toBe(1);
    expect(red.change).toBeGreaterThan(0);
    clock += 3_600_000;
    expect(await t.app.deadlineClock.tick()).toEqual({ changed: 0, supervised: 0 });
    const tl = (await t.app.inject({ url: `/api/tickets/${id}/timeline`, headers: dispatcher.headers })).json();
    expect(tl.items.filter((e: { action: string; role: string }) => e.action === 'supervise' && e.role === 'system')).toHaveLength(1);
    const kpi = (await t.app.inject({ url: '/api/kpi?area=320402', headers: dispatcher.headers })).json();
    expect(kpi.overdueNow).toBe(1);
    expect(kpi.supervised).toBe(1);

    // The wall's figures: pushed, with the watermark of the last change they include.
    const stats = await waitFor(() => got.stats.find((s) => s.overdueNow === 1));
    const rest = (await t.app.inject({ url: '/api/stats/today?area=320402', headers: dispatcher.headers })).json();
    expect(stats.watermark).toBe(rest.watermark);
    expect(rest.watermark).toBe(red.change);
  });
});
