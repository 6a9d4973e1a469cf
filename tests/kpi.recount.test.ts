// KPIs kept as tickets move equal a brute-force recount over the timelines of a random
// history: 120 tickets over ten days in two districts, each taken down a random path of
// the loop (rejected, closed on time or late, returned, extended, reworked, escalated,
// supervised, self-handled, rated, reopened), on a fake clock. Compared for the city, a
// district, a street, a grid and a department, over the whole range and one day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridOf, report, testApp, theNet, type TestApp } from './helpers.ts';
import type { Credentials } from '../scripts/local-app.ts';
import { dateCST, dayCST } from '../server/domain/day.ts';
import { CITY_CODE } from '../server/net/codes.ts';

let t: TestApp;
const START = Date.UTC(2026, 10, 9, 1); // Monday 2026-11-09 09:00 CST
let clock = START;
const HOUR = 3_600_000;
let seed = 20261123;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];

type Item = { code: string; department: string; selfHandle: boolean; evidence: { before: boolean; after: boolean } };
let items: Item[];
const who: Record<string, Credentials> = {};
const grids = () => [gridOf(theNet().net, '320402'), gridOf(theNet().net, '320481')];

beforeAll(async () => {
  t = await testApp({ now: () => clock, sessions: { refreshTtlMs: 365 * 86_400_000 } });
  const admin = await t.as('admin');
  items = ((await t.app.inject({ url: '/api/catalogue', headers: admin.headers })).json() as { items: (Item & { evidence: Item['evidence'] })[] }).items
    .filter((i) => !i.evidence.after && !i.evidence.before);
  who.admin = admin;
  who.dispatcher = await t.as('dispatcher', CITY_CODE);
  for (const g of grids()) who[g.code] = await t.as('worker', g.code, { grids: [g.code] });
  const departments = [...new Set(items.map((i) => i.department))];
  for (const d of departments) who[`h:${d}`] = await t.as('handler', CITY_CODE, { department: d });
}, 60_000);
afterAll(() => t?.close());

async function act(as: Credentials, id: string, body: object): Promise<{ statusCode: number; body: string }> {
  clock += Math.floor(rnd() * 6 * HOUR);
  return t.app.inject({ method: 'POST', url: `/api/tickets/${id}/actions`, payload: body, headers: as.headers });
}

async function history() {
  for (let n = 0; n < 120; n++) {
    clock = START + Math.floor((n / 120) * 10 * 24 * HOUR);
    const g = pick(grids());
    const r = await t.app.inject({ method: 'POST', url: '/api/tickets', payload: report(g.label[0], g.label[1], { source: pick(['patrol', 'hotline', 'citizen', 'camera'] as const) }), headers: who.dispatcher.headers });
    const id = r.json().id as string;
    const path = pick(['reject', 'close', 'close', 'close', 'self', 'open'] as const);
    if (path === 'reject') { await act(who.dispatcher, id, { action: 'reject', reason: 'invalid', note: '不属实' }); continue; }
    if (path === 'self') {
      const it = items.find((i) => i.selfHandle)!;
      await act(who[g.code], id, { action: 'self_handle', item: it.code, note: '已处理' });
      continue;
    }
    const it = pick(items.filter((i) => !i.selfHandle));
    const h = who[`h:${it.department}`];
    await act(who.dispatcher, id, { action: 'verify', item: it.code, level: pick(['general', 'major', 'serious']) });
    if (rnd() < 0.2) await act(who.dispatcher, id, { action: 'escalate', note: '升级' });
    await act(who.dispatcher, id, { action: 'dispatch' });
    if (rnd() < 0.2) {
      await act(h, id, { action: 'return', note: '非本部门' });
      await act(who.dispatcher, id, { action: 'dispatch' });
    }
    if (path === 'open') { if (rnd() < 0.5) await act(who.dispatcher, id, { action: 'supervise', note: '督办' }); continue; }
    await act(h, id, { action: 'accept' });
    if (rnd() < 0.2) {
      await act(h, id, { action: 'request_extension', hours: 8, note: '延期' });
      await act(who.dispatcher, id, { action: pick(['approve_extension', 'deny_extension']), note: '意见' });
    }
    if (rnd() < 0.3) await act(who.dispatcher, id, { action: 'remind' });
    await act(h, id, { action: 'feedback', note: '完成' });
    if (rnd() < 0.2) {
      await act(who[g.code], id, { action: 'check', pass: false, note: '未完成' });
      await act(h, id, { action: 'feedback', note: '返工完成' });
    }
    await act(who[g.code], id, { action: 'check', pass: true });
    if (rnd() < 0.6) {
      const satisfaction = 1 + Math.floor(rnd() * 5);
      await act(who.dispatcher, id, { action: 'rate', satisfaction });
      if (satisfaction < 3 && rnd() < 0.7) await act(who.dispatcher, id, { action: 'reopen', note: '重办' });
    }
  }
}

/** The recount: every timeline entry of every ticket, counted where and when it happened. */
function recount(area: string | null, department: string | null, fromDay: number, toDay: number, source: string | null = null, item: string | null = null) {
  const db = t.stores.db;
  const rows = db.prepare(`SELECT tl.*, t.grid_code, t.department AS dep, t.source AS src FROM timeline tl JOIN tickets t ON t.seq = tl.ticket ORDER BY tl.seq`).all() as
    { action: string; at: number; from_status: string | null; to_status: string; data: string | null; grid_code: string; dep: string | null; src: string; ticket: number }[];
  const c = { received: 0, registered: 0, rejected: 0, closed: 0, closedOnTime: 0, rework: 0, supervised: 0, returned: 0, escalated: 0, reopened: 0, satisfactionSum: 0, satisfactionN: 0 };
  // The department a ticket had at each entry: replayed from dispatch entries' data.
  const depNow = new Map<number, string | null>();
  const itemNow = new Map<number, string>();
  for (const e of rows) {
    const data = e.data ? JSON.parse(e.data) : {};
    if (e.action === 'verify' || e.action === 'self_handle') depNow.set(e.ticket, data.suggested?.department ?? null);
    if (e.action === 'self_handle') depNow.set(e.ticket, items.find((i) => i.code === data.item)!.department);
    if (e.action === 'dispatch') depNow.set(e.ticket, data.department);
    if (e.action === 'verify' || e.action === 'self_handle') itemNow.set(e.ticket, data.item);
    const day = dayCST(e.at);
    if (day < fromDay || day >= toDay) continue;
    if (area !== null && !(area === CITY_CODE || e.grid_code.startsWith(area))) continue;
    if (department !== null && depNow.get(e.ticket) !== department) continue;
    if (source !== null && e.src !== source) continue;
    if (item !== null && itemNow.get(e.ticket) !== item) continue;
    if (e.action === 'report') c.received++;
    if (e.action === 'verify' || e.action === 'self_handle') c.registered++;
    if (e.action === 'reject') c.rejected++;
    if (e.to_status === 'closed' && e.from_status !== 'closed') { c.closed++; if (data.onTime) c.closedOnTime++; }
    if (e.action === 'check' && e.to_status === 'handling') c.rework++;
    if (e.action === 'supervise') c.supervised++;
    if (e.action === 'return') c.returned++;
    if (e.action === 'escalate') c.escalated++;
    if (e.action === 'reopen') c.reopened++;
    if (e.action === 'rate') { c.satisfactionSum += data.satisfaction; c.satisfactionN++; }
  }
  return c;
}

describe('KPIs kept as tickets move', () => {
  it('equal a brute-force recount over a random history', async () => {
    await history();
    const first = dayCST(START), last = dayCST(clock);
    const g = grids()[0];
    const dep = items.find((i) => !i.selfHandle)!.department;
    const cases: { q: string; area: string | null; department: string | null; from: number; to: number }[] = [];
    for (const [from, to] of [[first, last + 1], [first + 3, first + 4]]) {
      for (const area of [CITY_CODE, '320402', g.code.slice(0, 9), g.code]) cases.push({ q: `area=${area}`, area, department: null, from, to });
      cases.push({ q: `department=${dep}`, area: null, department: dep, from, to });
    }
    let compared = 0;
    for (const k of cases) {
      const res = await t.app.inject({ url: `/api/kpi?${k.q}&from=${dateCST(k.from * 86_400_000)}&to=${dateCST((k.to - 1) * 86_400_000)}`, headers: who.admin.headers });
      expect(res.statusCode, res.body).toBe(200);
      const got = res.json();
      const want = recount(k.area, k.department, k.from, k.to);
      const key = `${k.q} ${k.from}..${k.to}`;
      expect({ received: got.received, registered: got.registered, rejected: got.rejected, closed: got.closed, supervised: got.supervised, returned: got.returned, escalated: got.escalated, reopened: got.reopened }, key)
        .toEqual({ received: want.received, registered: want.registered, rejected: want.rejected, closed: want.closed, supervised: want.supervised, returned: want.returned, escalated: want.escalated, reopened: want.reopened });
      expect(got.onTimeRate, key).toBe(want.closed ? Math.round((want.closedOnTime / want.closed) * 10000) / 10000 : null);
      expect(got.reworkRate, key).toBe(want.closed ? Math.round((want.rework / want.closed) * 10000) / 10000 : null);
      expect(got.satisfaction, key).toBe(want.satisfactionN ? Math.round((want.satisfactionSum / want.satisfactionN) * 100) / 100 : null);
      compared++;
    }
    // The monthly ranking of districts: every district with tickets, not the city itself,
    // and their figures add up to the city's.
    const range = `from=${dateCST(first * 86_400_000)}&to=${dateCST(last * 86_400_000)}`;
    const ranking = (await t.app.inject({ url: `/api/kpi/ranking?by=district&${range}`, headers: who.admin.headers })).json();
    expect(ranking.items.map((x: { key: string }) => x.key).sort()).toEqual(['320402', '320481']);
    const city = (await t.app.inject({ url: `/api/kpi?${range}`, headers: who.admin.headers })).json();
    expect(ranking.items.reduce((n: number, x: { received: number }) => n + x.received, 0)).toBe(city.received);
    expect(ranking.items.map((x: { rank: number }) => x.rank)).toEqual([1, 2]);
    // Departments and sources of an area (area-bound counters): a district's, a street's, and
    // a grid's (answered with its street's, named as the basis); equal to the recount.
    for (const [by, area, basis] of [['department', '320402', '320402'], ['source', g.code.slice(0, 9), g.code.slice(0, 9)], ['source', g.code, g.code.slice(0, 9)], ['source', CITY_CODE, CITY_CODE], ['item', g.code.slice(0, 9), '320402']] as const) {
      const res = await t.app.inject({ url: `/api/kpi/ranking?by=${by}&area=${area}&${range}`, headers: who.admin.headers });
      expect(res.statusCode, res.body).toBe(200);
      const got = res.json() as { basis: string; items: { key: string; received: number; closed: number; onTimeRate: number | null }[] };
      expect(got.basis).toBe(basis);
      expect(got.items.length, `${by} of ${area}`).toBeGreaterThan(by === 'source' ? 2 : 0);
      if (by === 'item') expect(got.items.length).toBeGreaterThan(1);
      for (const x of got.items) {
        const want = by === 'department' ? recount(basis, x.key, first, last + 1) : by === 'item' ? recount(basis, null, first, last + 1, null, x.key) : recount(basis, null, first, last + 1, x.key);
        expect({ received: x.received, closed: x.closed, onTimeRate: x.onTimeRate }, `${by} ${x.key} of ${basis}`)
          .toEqual({ received: want.received, closed: want.closed, onTimeRate: want.closed ? Math.round((want.closedOnTime / want.closed) * 10000) / 10000 : null });
      }
    }
    // A community's dispatcher may not see its street's figures (wider than its scope), but
    // may see the community's own ranking of grids.
    const community = await t.as('dispatcher', g.code.slice(0, 12));
    const refused = await t.app.inject({ url: `/api/kpi/ranking?by=source&area=${g.code}&${range}`, headers: community.headers });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toContain('wider than your scope');
    expect((await t.app.inject({ url: `/api/kpi/ranking?by=grid&area=${g.code.slice(0, 12)}&${range}`, headers: community.headers })).statusCode).toBe(200);
    const whole = recount(CITY_CODE, null, first, last + 1);
    expect(whole.received).toBe(120);
    expect(whole.closed).toBeGreaterThan(30);
    expect(whole.rework + whole.reopened + whole.returned + whole.escalated).toBeGreaterThan(5);
    expect(compared).toBe(cases.length);
  }, 120_000);
});
