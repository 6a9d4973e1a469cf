// The dispatcher's queues: counts and pages by area under the console's filters, a search
// that finds Chinese text, a handler's view of their department only, and bulk dispatch
// where each ticket succeeds or fails on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridOf, report, testApp, theNet, type TestApp } from './helpers.ts';
import type { Credentials } from '../scripts/local-app.ts';

let t: TestApp;
const T0 = Date.UTC(2026, 10, 23, 1); // Monday 09:00 CST
let clock = T0;
let dispatcher: Credentials, handler: Credentials;
let item: { code: string; department: string };
const ids: string[] = [];
const g = () => gridOf(theNet().net, '320402');
const out = () => gridOf(theNet().net, '320481');

beforeAll(async () => {
  t = await testApp({ now: () => clock, sessions: { refreshTtlMs: 365 * 86_400_000 } });
  const admin = await t.as('admin');
  const items = (await t.app.inject({ url: '/api/catalogue', headers: admin.headers })).json().items as { code: string; department: string; selfHandle: boolean }[];
  item = items.find((i) => !i.selfHandle)!;
  dispatcher = await t.as('dispatcher', '320402');
  handler = await t.as('handler', '320400', { department: item.department });
  const texts = ['小区门口井盖缺失，夜间有安全隐患', '楼道内电动车充电', '沿街商铺占道经营', '噪声扰民', '垃圾堆放未清运'];
  for (const description of texts) {
    const r = await t.app.inject({ method: 'POST', url: '/api/tickets', payload: report(g().label[0], g().label[1], { description }), headers: admin.headers });
    ids.push(r.json().id);
  }
  await t.app.inject({ method: 'POST', url: '/api/tickets', payload: report(out().label[0], out().label[1], { description: '井盖缺失' }), headers: admin.headers });
});
afterAll(() => t?.close());

const get = (who: Credentials, url: string) => t.app.inject({ url, headers: who.headers }).then((r) => ({ status: r.statusCode, body: r.json() }));
const count = (body: { queues: { code: string; count: number }[] }, code: string) => body.queues.find((q) => q.code === code)!.count;

describe('queues', () => {
  it('count and page what waits in the area, and search Chinese text', async () => {
    const c = await get(dispatcher, '/api/queues');
    expect(c.status).toBe(200);
    expect(count(c.body, 'to_verify')).toBe(5); // not the other district's
    const page = await get(dispatcher, '/api/queues/to_verify?limit=2');
    expect(page.body.total).toBe(5);
    expect(page.body.items.map((i: { ticket: { id: string } }) => i.ticket.id)).toEqual([ids[4], ids[3]]);
    expect(page.body.items[0].actions).toEqual(expect.arrayContaining(['verify', 'reject']));
    const next = await get(dispatcher, `/api/queues/to_verify?limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.items.map((i: { ticket: { id: string } }) => i.ticket.id)).toEqual([ids[2], ids[1]]);
    for (const [q, want] of [['井盖缺失', [ids[0]]], ['电动车', [ids[1]]], ['噪声', [ids[3]]], [theNet().net.areas.get(g().code.slice(0, 9))!.name, [...ids].reverse()]] as const) {
      const r = await get(dispatcher, `/api/queues/to_verify?q=${encodeURIComponent(q)}`);
      expect(r.body.items.map((i: { ticket: { id: string } }) => i.ticket.id), q).toEqual(want);
    }
  });

  it('bulk-dispatch a selection: each ticket on its own', async () => {
    for (const id of ids.slice(0, 3)) await t.app.inject({ method: 'POST', url: `/api/tickets/${id}/actions`, payload: { action: 'verify', item: item.code, level: 'general' }, headers: dispatcher.headers });
    const r = await t.app.inject({ method: 'POST', url: '/api/tickets/bulk-actions', payload: { ids: [...ids.slice(0, 4), 'T0000099999'], action: 'dispatch' }, headers: dispatcher.headers });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().results.map((x: { status: number }) => x.status)).toEqual([200, 200, 200, 409, 404]);
    expect(r.json().ok).toBe(3);
    const c = await get(dispatcher, '/api/queues');
    expect(count(c.body, 'to_accept')).toBe(3);
    expect(count(c.body, 'to_verify')).toBe(2);
    // The handler sees their department's, whatever department they ask for.
    const h = await get(handler, '/api/queues/to_accept?department=gaj');
    expect(h.body.total).toBe(3);
    expect((await t.app.inject({ method: 'POST', url: '/api/tickets/bulk-actions', payload: { ids: [ids[0]], action: 'verify' }, headers: dispatcher.headers })).statusCode).toBe(400);
  });

  it('an overdue ticket is in the overdue queue once its deadline passes', async () => {
    const before = count((await get(dispatcher, '/api/queues')).body, 'overdue');
    clock = T0 + 40 * 86_400_000;
    const after = await get(dispatcher, '/api/queues/overdue?light=red');
    expect(before).toBe(0);
    expect(after.body.total).toBe(5);
  });
});
