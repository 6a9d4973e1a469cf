// City components (部件): the generator (≥100,000, every class, same seed same bytes, each
// inside its grid, denser where households are denser), the bbox/class query against a
// brute-force filter, the binary answer, and a ticket naming a component: its state
// follows the ticket and comes back when it closes, and again after a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gridOf, testApp, theNet, type TestApp } from './helpers.ts';
import { generateComponents, type Components } from '../server/city/generate.ts';
import { componentRegistry } from '../server/city/components.ts';
import { COMPONENT_CLASSES } from '../server/city/kinds.ts';
import type { Grid } from '../server/net/types.ts';

const digest = (c: Components) => {
  const h = createHash('sha256');
  for (const a of [c.lon, c.lat, c.cls, c.sub, c.base, c.grid]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
};

describe('the components generator', () => {
  const { net, locator } = theNet();
  const c = componentRegistry(net, locator).data();

  it('makes at least 100,000 of every class, the same from the same seed, different from another', () => {
    expect(c.n).toBeGreaterThanOrEqual(100_000);
    for (const k of COMPONENT_CLASSES) expect(c.cls.includes(Number(k.code)), k.name).toBe(true);
    expect(digest(generateComponents(net))).toBe(digest(c));
    expect(digest(generateComponents(net, c.n, 1))).not.toBe(digest(c));
  });

  it('puts every component inside its grid, by the locator', () => {
    let wrong = 0;
    for (let i = 0; i < c.n; i++) if (locator.gridAt(c.lon[i], c.lat[i]) !== c.gridCodes[c.grid[i]]) wrong++;
    expect(wrong).toBe(0);
  });

  it('codes them as district + class + subclass + sequence, and reads a code back', () => {
    for (const i of [0, 1, 4321, c.n - 1]) {
      const code = c.codeAt(i);
      expect(code).toMatch(/^\d{16}$/);
      expect(code.slice(0, 6)).toBe(c.gridCodes[c.grid[i]].slice(0, 6));
      expect(Number(code.slice(6, 8))).toBe(c.cls[i]);
      expect(c.indexOf(code)).toBe(i);
    }
    expect(c.indexOf('3204020101999999')).toBe(-1);
  });

  it('is denser (per km²) where households are denser', () => {
    const grids = c.gridCodes.map((code, k) => ({ g: net.areas.get(code) as Grid, n: c.gridStart[k + 1] - c.gridStart[k] }));
    const byDensity = grids.filter((x) => x.g.type === 'base').sort((a, b) => a.g.households / a.g.areaKm2 - b.g.households / b.g.areaKm2);
    const q = Math.floor(byDensity.length / 4);
    const perKm2 = (xs: typeof byDensity) => xs.reduce((s, x) => s + x.n, 0) / xs.reduce((s, x) => s + x.g.areaKm2, 0);
    expect(perKm2(byDensity.slice(-q))).toBeGreaterThan(5 * perKm2(byDensity.slice(0, q)));
  });
});

describe('the bbox and class query', () => {
  const { net, locator } = theNet();
  const reg = componentRegistry(net, locator);
  const c = reg.data();
  const brute = (b: number[] | null, mask: number) => {
    const out: number[] = [];
    for (let i = 0; i < c.n; i++) {
      if (b && (c.lon[i] < b[0] || c.lon[i] > b[2] || c.lat[i] < b[1] || c.lat[i] > b[3])) continue;
      if ((mask >> c.cls[i]) & 1) out.push(i);
    }
    return out;
  };
  const street = net.areas.get('320402001')!;
  it.each([
    ['a street, all classes', street.bbox, 0x7e],
    ['a street, utilities and greenery', street.bbox, (1 << 1) | (1 << 4)],
    ['the city, road traffic', null, 1 << 2],
    ['a box with nothing in it', [100, 10, 100.1, 10.1], 0x7e],
  ] as const)('answers %s as a scan would', (_name, bbox, mask) => {
    const got = reg.query(bbox as [number, number, number, number] | null, mask).sort((a, b) => a - b);
    expect(got).toEqual(brute(bbox as number[] | null, mask));
  });

  it('encodes the answer as typed arrays', () => {
    const ids = reg.query(street.bbox, 0x7e);
    const buf = reg.encode(ids);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const n = new Uint32Array(ab, 0, 2)[1];
    expect(n).toBe(ids.length);
    const xy = new Float32Array(ab, 8, 2 * n), id = new Uint32Array(ab, 8 + 8 * n, n), cls = new Uint8Array(ab, 8 + 12 * n, n);
    expect(id[3]).toBe(ids[3]);
    expect(cls[3]).toBe(c.cls[ids[3]]);
    expect(xy[6]).toBeCloseTo(c.lon[ids[3]], 5);
    expect(buf.byteLength).toBe(8 + 15 * n);
  });
});

describe('a ticket naming a component', () => {
  let t: TestApp;
  let code: string, index: number, gridCode: string;
  const dir = mkdtempSync(join(tmpdir(), 'one-net-components-'));
  beforeAll(async () => {
    t = await testApp({ dir });
    const { net, locator } = theNet();
    const c = componentRegistry(net, locator).data();
    const g = gridOf(net, '320402');
    // a normal hydrant-like utility in that grid
    for (let j = c.gridStart[c.gridCodes.indexOf(g.code)]; ; j++) {
      const i = c.byGrid[j];
      if (c.base[i] === 0) { index = i; break; }
    }
    code = c.codeAt(index); gridCode = g.code;
  });
  afterAll(async () => { await t?.close(); rmSync(dir, { recursive: true, force: true }); });

  const details = async () => (await t.app.inject({ url: `/api/components/${code}`, headers: (await t.as('leader')).headers })).json();

  it('is refused, naming the field, when the component does not exist or no place is given; nothing is stored', async () => {
    const admin = await t.as('admin');
    const before = await t.store.total();
    const r = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: admin.headers, payload: { component: '3204029999000001', category: 'city_appearance', source: 'patrol' } });
    expect(r.statusCode).toBe(422);
    expect(r.json().message).toMatch(/^component:/);
    const r2 = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: admin.headers, payload: { category: 'city_appearance', source: 'patrol' } });
    expect(r2.statusCode).toBe(400);
    expect(r2.json().message).toMatch(/^lon:/);
    expect(await t.store.total()).toBe(before);
  });

  it('is at the component when it gives no place; the component shows damaged, then its own state when closed', async () => {
    expect((await details()).state).toBe('normal');
    const worker = await t.as('worker', gridCode, { grids: [gridCode] });
    const r = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: worker.headers, payload: { component: code, category: 'city_appearance', source: 'patrol', description: '设施损坏' } });
    expect(r.statusCode, r.body).toBe(201);
    const ticket = r.json();
    expect(ticket.component).toBe(code);
    expect(ticket.grid.code).toBe(gridCode);
    const d = await details();
    expect([ticket.lon, ticket.lat]).toEqual([d.lon, d.lat]);
    expect(d).toMatchObject({ state: 'damaged', ownState: 'normal', openTickets: [ticket.id] });
    expect(d.tickets.map((x: { id: string }) => x.id)).toEqual([ticket.id]);
    // in the bbox answer too
    const bin = await t.app.inject({ url: `/api/components?bbox=${[d.lon - 1e-4, d.lat - 1e-4, d.lon + 1e-4, d.lat + 1e-4].map((v) => v.toFixed(6)).join(',')}`, headers: worker.headers });
    expect(bin.statusCode, bin.body).toBe(200);
    const buf = bin.rawPayload, ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const n = new Uint32Array(ab, 0, 2)[1];
    const ids = [...new Uint32Array(ab, 8 + 8 * n, n)], states = new Uint8Array(ab, 8 + 13 * n, n);
    expect(states[ids.indexOf(index)]).toBe(1);

    const cat = (await t.app.inject({ url: '/api/catalogue', headers: worker.headers })).json() as { items: { code: string; selfHandle: boolean; evidence: { before: boolean; after: boolean } }[] };
    const selfItem = cat.items.find((i) => i.selfHandle && !i.evidence.before && !i.evidence.after)!;
    const done = await t.app.inject({ method: 'POST', url: `/api/tickets/${ticket.id}/actions`, headers: worker.headers, payload: { action: 'self_handle', item: selfItem.code, note: '已修复' } });
    expect(done.statusCode, done.body).toBe(200);
    expect(await details()).toMatchObject({ state: 'normal', openTickets: [] });
  });

  it("answers a grid's six elements: its components from the index, its tickets from the store, synthetic sections marked", async () => {
    const { net, locator } = theNet();
    const c = componentRegistry(net, locator).data();
    const k = c.gridCodes.indexOf(gridCode);
    const e = (await t.app.inject({ url: `/api/areas/${gridCode}/elements`, headers: (await t.as('leader')).headers })).json();
    expect(e.things.total).toBe(c.gridStart[k + 1] - c.gridStart[k]);
    expect(e.events).toMatchObject({ synthetic: false, total: 1, byStatus: { closed: 1 } });
    expect(e.people.synthetic && e.places.synthetic && e.organisations.synthetic).toBe(true);
    expect(e.people.residents).toBeGreaterThan((net.areas.get(gridCode) as Grid).households);
    expect(e.situations.risks.map((r: { category: string }) => r.category)).toEqual(['security', 'work_safety', 'fire_safety']);
    const places = (await t.app.inject({ url: '/api/places?kinds=party', headers: (await t.as('leader')).headers })).json();
    expect(places.name.length).toBeGreaterThan(900); // one 党群服务中心 per community
    expect(places.kind.every((x: number) => places.kinds[x].code === 'party')).toBe(true);
  });

  it('shows missing when the ticket says it is gone, and keeps that through a restart', async () => {
    const admin = await t.as('admin');
    const r = await t.app.inject({ method: 'POST', url: '/api/tickets', headers: admin.headers, payload: { component: code, category: 'city_appearance', source: 'hotline', description: '井盖丢失，有人掉落风险' } });
    expect(r.statusCode).toBe(201);
    expect((await details()).state).toBe('missing');
    await t.close(); // the same data directory, a new app: states are rebuilt from the open tickets
    t = await testApp({ dir });
    expect((await details()).state).toBe('missing');
  });
});
