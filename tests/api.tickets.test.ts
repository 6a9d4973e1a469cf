import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridOf, report, testApp, theNet, type TestApp, injectAs } from './helpers.ts';
import { reportedState } from '../server/domain/loop.ts';

let t: TestApp;
let inject: Awaited<ReturnType<typeof injectAs>>;
// A fixed clock: 10:00 on Wednesday 2026-11-18 in Changzhou. Every ticket of this file is
// reported "today" whenever the file runs (near midnight CST too).
const clock = Date.parse('2026-11-18T02:00:00.000Z');
beforeAll(async () => { t = await testApp({ now: () => clock }); inject = await injectAs(t); });
afterAll(async () => t.close());

const post = (body: unknown) =>
  inject({ method: 'POST', url: '/api/tickets', payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('reporting a ticket', () => {
  it('a ticket reported in a 天宁区 grid is stored with its grid, community, street and district', async () => {
    const g = gridOf(theNet().net, '320402');
    const r = await post(report(g.label[0], g.label[1]));
    expect(r.statusCode).toBe(201);
    const tk = r.json();
    expect(tk).toMatchObject({
      id: expect.stringMatching(/^T\d{10}$/), status: 'reported', category: 'fire_safety', source: 'patrol',
      grid: { code: g.code, name: g.name }, community: { code: g.code.slice(0, 12) }, street: { code: g.code.slice(0, 9) },
      district: { code: '320402', name: '天宁区' },
    });
    expect(tk.createdAt).toBe('2026-11-18T02:00:00.000Z'); // the app's clock
    expect((await inject(`/api/tickets/${tk.id}`)).json()).toEqual(tk);
  });

  it('outside the city: 422 and nothing stored', async () => {
    const before = (await t.store.total());
    const r = await post(report(121.47, 31.23)); // 上海
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity', message: expect.stringMatching(/outside/) });
    expect((await t.store.total())).toBe(before);
  });

  it.each([
    ['lon', { lat: 31.7, category: 'fire_safety', source: 'patrol' }],
    ['lat', { lon: 119.9, lat: 'north', category: 'fire_safety', source: 'patrol' }],
    ['lat', { lon: 119.9, lat: 120, category: 'fire_safety', source: 'patrol' }],
    ['category', { lon: 119.9, lat: 31.7, category: 'ufo', source: 'patrol' }],
    ['source', { lon: 119.9, lat: 31.7, category: 'fire_safety' }],
    ['description', { lon: 119.9, lat: 31.7, category: 'fire_safety', source: 'patrol', description: 'x'.repeat(2001) }],
    ['colour', { lon: 119.9, lat: 31.7, category: 'fire_safety', source: 'patrol', colour: 'red' }],
  ])('bad field %s: 400 naming it, nothing stored', async (field, body) => {
    const before = (await t.store.total());
    const r = await post(body);
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(r.json().message).toContain(field);
    expect((await t.store.total())).toBe(before);
  });

  it('bad JSON: 400, nothing stored', async () => {
    const before = (await t.store.total());
    const r = await post('{"lon": 119.9, "lat": ');
    expect(r.statusCode).toBe(400);
    expect(r.json().statusCode).toBe(400);
    expect((await t.store.total())).toBe(before);
  });
});

describe('listing tickets', () => {
  it('by area, status and time, newest first, page by page with a cursor', async () => {
    const { net } = theNet();
    const a = gridOf(net, '320411');
    const b = gridOf(net, '320413');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post(report(a.label[0], a.label[1], { category: 'dispute' }))).json().id);
    await post(report(b.label[0], b.label[1]));

    const p1 = (await inject('/api/tickets?area=320411&limit=2')).json();
    expect(p1.items.map((x: { id: string }) => x.id)).toEqual([ids[4], ids[3]]);
    const p2 = (await inject(`/api/tickets?area=320411&limit=2&cursor=${p1.nextCursor}`)).json();
    expect(p2.items.map((x: { id: string }) => x.id)).toEqual([ids[2], ids[1]]);
    const p3 = (await inject(`/api/tickets?area=320411&limit=2&cursor=${p2.nextCursor}`)).json();
    expect(p3.items.map((x: { id: string }) => x.id)).toEqual([ids[0]]);
    expect(p3.nextCursor).toBeNull();

    const inGrid = (await inject(`/api/tickets?area=${a.code}&limit=100`)).json().items;
    expect(inGrid).toHaveLength(5);
    const city = (await inject('/api/tickets?area=320400&limit=100')).json().items;
    expect(city.length).toBe((await t.store.total()));
    expect((await inject('/api/tickets?area=320413&status=closed')).json().items).toEqual([]);
    const future = new Date(clock + 3600_000).toISOString();
    expect((await inject(`/api/tickets?from=${future}`)).json().items).toEqual([]);
    expect((await inject(`/api/tickets?to=${future}&limit=1000`)).json().items.length).toBe((await t.store.total()));
  });

  it('a ticket stored under a grid the redrawn net no longer has is still listed, by its code', async () => {
    const gone = '320402999999999';
    const at = clock;
    const { record: rec } = await t.store.insert({ input: { lon: 119.97, lat: 31.78, category: 'dispute', source: 'hotline', description: '' }, gridCode: gone, createdAt: at, state: reportedState(gone, at), reportedBy: 'test', reporterRole: 'admin' });
    const r = await inject('/api/tickets?area=320402&limit=1');
    expect(r.statusCode).toBe(200);
    expect(r.json().items).toEqual([expect.objectContaining({ grid: { code: gone, name: gone, level: 'grid' }, district: expect.objectContaining({ name: '天宁区' }) })]);
    expect(r.json().items[0].id).toMatch(new RegExp(`${rec.seq}$`));
  });

  it('bad filters are 400 naming the field', async () => {
    for (const [q, field] of [['limit=0', 'limit'], ['status=lost', 'status'], ['from=yesterday', 'from'], ['cursor=abc', 'cursor'], ['area=99', 'area']]) {
      const r = await inject(`/api/tickets?${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().message, q).toContain(field);
    }
    expect((await inject('/api/tickets/T0000099999')).statusCode).toBe(404);
  });
});

describe("today's counts", () => {
  it('count what was reported today, by status, category and child area', async () => {
    const { net } = theNet();
    const before = (await inject('/api/stats/today?area=320412')).json();
    const g = gridOf(net, '320412');
    await post(report(g.label[0], g.label[1], { category: 'environment' }));
    await post(report(g.label[0], g.label[1], { category: 'environment' }));
    const after = (await inject('/api/stats/today?area=320412')).json();
    expect(after).toMatchObject({ date: '2026-11-18', reported: before.reported + 2 }); // the clock's CST day
    expect(after.byStatus.reported).toBe((before.byStatus.reported ?? 0) + 2);
    expect(after.byCategory.environment).toBe((before.byCategory.environment ?? 0) + 2);
    const street = after.byChild.find((c: { code: string }) => c.code === g.code.slice(0, 9));
    expect(street.reported).toBeGreaterThanOrEqual(2);
    const city = (await inject('/api/stats/today')).json();
    expect(city.area.code).toBe('320400');
    expect(city.byChild).toHaveLength(6);
    expect(city.reported).toBe((await t.store.total()));
  });
});
