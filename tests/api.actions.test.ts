// The loop over HTTP, each step by the account whose job it is: a street's dispatcher
// verifies and dispatches, the department's handler accepts and feeds back, the grid's
// worker checks and it closes; the timeline has every step. Illegal steps are 409 and
// change nothing; two conflicting actions at once: one wins, the other is a 409.
// Reports take a datum (crs) and an idempotency key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gcoord from 'gcoord';
import { gridOf, report, storeHash, testApp, theNet, type TestApp } from './helpers.ts';
import type { Credentials } from '../scripts/local-app.ts';

let t: TestApp;
const T0 = Date.UTC(2026, 10, 23, 1, 30); // Monday 09:30 CST
let clock = T0;
let dispatcher: Credentials, handler: Credentials, worker: Credentials, otherDispatcher: Credentials;
let item: { code: string; department: string; platform: string; evidence: { before: boolean; after: boolean } };
let selfItem: { code: string };
const g = () => gridOf(theNet().net, '320402');
const street = () => g().code.slice(0, 9);

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  const admin = await t.as('admin');
  const cat = (await t.app.inject({ url: '/api/catalogue', headers: admin.headers })).json() as { items: (typeof item & { selfHandle: boolean })[] };
  item = cat.items.find((i) => !i.selfHandle && !i.evidence.after)!;
  selfItem = cat.items.find((i) => i.selfHandle && !i.evidence.before && !i.evidence.after)!;
  expect(item && selfItem).toBeTruthy();
  dispatcher = await t.as('dispatcher', street());
  otherDispatcher = await t.as('dispatcher', '320481');
  handler = await t.as('handler', '320400', { department: item.department });
  worker = await t.as('worker', g().code, { grids: [g().code] });
});
afterAll(() => t?.close());

const post = (who: Credentials, url: string, payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload, headers: { ...who.headers, ...headers } });
const actOn = (who: Credentials, id: string, body: object) => post(who, `/api/tickets/${id}/actions`, body);
async function newTicket(): Promise<string> {
  const r = await post(dispatcher, '/api/tickets', report(g().label[0], g().label[1]));
  expect(r.statusCode).toBe(201);
  return r.json().id;
}

describe('the loop over HTTP', () => {
  it('takes a ticket from report to close, each step by its role, with a timeline', async () => {
    const id = await newTicket();
    const step = async (who: Credentials, body: object, status: string) => {
      clock += 3_600_000;
      const r = await actOn(who, id, body);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().ticket.status).toBe(status);
      return r.json();
    };
    const verified = await step(dispatcher, { action: 'verify', item: item.code, level: 'general' }, 'registered');
    expect(verified.ticket).toMatchObject({ item: item.code, department: item.department, platform: item.platform, light: 'green' });
    expect(verified.actions).toContain('dispatch');
    await step(dispatcher, { action: 'dispatch' }, 'dispatched');
    const accepted = await step(handler, { action: 'accept' }, 'handling');
    expect(accepted.actions).toEqual(expect.arrayContaining(['feedback', 'request_extension']));
    await step(handler, { action: 'feedback', note: '已处理完毕' }, 'feedback');
    const closed = await step(worker, { action: 'check', pass: true, note: '现场核查通过' }, 'closed');
    expect(closed.ticket).toMatchObject({ onTime: true, light: 'green' });
    const tl = (await t.app.inject({ url: `/api/tickets/${id}/timeline`, headers: dispatcher.headers })).json();
    expect(tl.items.map((e: { action: string }) => e.action)).toEqual(['report', 'verify', 'dispatch', 'accept', 'feedback', 'check']);
    expect(tl.items.map((e: { actor: string }) => e.actor)).toEqual([`account:${dispatcher.username}`, dispatcher.username, dispatcher.username, handler.username, handler.username, worker.username]);
    expect(tl.actions).toEqual(['rate']);
  });

  it('refuses an illegal step with a 409, a wrong role or another street with a 403, and changes nothing', async () => {
    const id = await newTicket();
    const before = storeHash(t);
    const checks: [Credentials, object, number][] = [
      [dispatcher, { action: 'dispatch' }, 409], // not verified yet
      [handler, { action: 'accept' }, 403], // not dispatched to them
      [worker, { action: 'verify', item: item.code, level: 'general' }, 403],
      [otherDispatcher, { action: 'verify', item: item.code, level: 'general' }, 403], // another district
      [dispatcher, { action: 'verify', item: 'NO-SUCH', level: 'general' }, 400],
      [dispatcher, { action: 'verify', level: 'general' }, 400], // no item
      [dispatcher, { action: 'accept', hours: 3 }, 400], // a field accept does not take
    ];
    for (const [who, body, status] of checks) {
      const r = await actOn(who, id, body);
      expect(r.statusCode, `${JSON.stringify(body)}: ${r.body}`).toBe(status);
      expect(r.json().message.length).toBeGreaterThan(5);
    }
    expect(storeHash(t)).toBe(before);
  });

  it('of two conflicting actions at once, one wins and the other is a 409', async () => {
    const id = await newTicket();
    await actOn(dispatcher, id, { action: 'verify', item: item.code, level: 'general' });
    const [a, b] = await Promise.all([
      actOn(dispatcher, id, { action: 'dispatch', version: 2 }),
      actOn(dispatcher, id, { action: 'escalate', version: 2, note: '超出街道权限' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const tl = (await t.app.inject({ url: `/api/tickets/${id}/timeline`, headers: dispatcher.headers })).json();
    expect(tl.items).toHaveLength(3);
    expect(tl.ticket.version).toBe(3);
  });

  it('a grid worker handles an allowed item on the spot', async () => {
    const r = await post(worker, '/api/tickets', report(g().label[0], g().label[1]));
    const done = await actOn(worker, r.json().id, { action: 'self_handle', item: selfItem.code, note: '已当场清理' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().ticket).toMatchObject({ status: 'closed', selfHandled: true });
  });
});

describe('reports', () => {
  it('convert GCJ-02 and BD-09 to WGS-84 before locating them', async () => {
    const [lon, lat] = g().label;
    for (const [crs, datum] of [['gcj02', gcoord.GCJ02], ['bd09', gcoord.BD09]] as const) {
      const [x, y] = gcoord.transform([lon, lat], gcoord.WGS84, datum) as [number, number];
      expect(Math.hypot(x - lon, y - lat)).toBeGreaterThan(0.003); // ~500 m off: another grid if taken as WGS-84
      const r = await post(dispatcher, '/api/tickets', { ...report(x, y), crs });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().grid.code).toBe(g().code);
      expect(Math.abs(r.json().lon - lon)).toBeLessThan(1e-5);
      expect(Math.abs(r.json().lat - lat)).toBeLessThan(1e-5);
    }
    expect((await post(dispatcher, '/api/tickets', { ...report(lon, lat), crs: 'cgcs2000' })).statusCode).toBe(400);
  });

  it('store once per idempotency key and answer the same ticket', async () => {
    const body = report(g().label[0], g().label[1]);
    const total = await t.store.total();
    const first = await post(dispatcher, '/api/tickets', body, { 'idempotency-key': 'retry-key-0001' });
    const again = await post(dispatcher, '/api/tickets', body, { 'idempotency-key': 'retry-key-0001' });
    const viaBody = await post(dispatcher, '/api/tickets', { ...body, clientId: 'retry-key-0001' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    expect(viaBody.json().id).toBe(first.json().id);
    expect(await t.store.total()).toBe(total + 1);
    // Another reporter's same key is their own report.
    const other = await post(worker, '/api/tickets', body, { 'idempotency-key': 'retry-key-0001' });
    expect(other.json().id).not.toBe(first.json().id);
    expect((await post(dispatcher, '/api/tickets', { ...body, clientId: 'retry-key-0002' }, { 'idempotency-key': 'retry-key-0003' })).statusCode).toBe(400);
  });
});
