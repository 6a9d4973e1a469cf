// The heatmap's two answers through the real app: 240 reports over twelve days at the label
// points of 60 grids in two districts, on a fake clock. The points of a range are exactly the
// tickets reported in it (position and day, oldest first); the hexagons' counts are h3's own
// latLngToCell of each ticket, summed; the memo of closed days stays equal to a recount after
// new tickets, including one stored into a past day; bad ranges and fields are 400s naming them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { report, testApp, theNet, type TestApp } from './helpers.ts';
import type { Credentials } from '../scripts/local-app.ts';
import { dayCST, dateCST } from '../server/domain/day.ts';
import { decodeHeatPoints } from '../server/domain/heat-points.ts';
import { reportedState } from '../server/domain/loop.ts';
import { kpiDelta } from '../server/domain/kpi.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import type { Grid } from '../server/net/types.ts';

const START = Date.UTC(2026, 10, 9, 1); // 2026-11-09 09:00 CST
const HOUR = 3_600_000;
let clock = START;
let t: TestApp;
let admin: Credentials;
const posted: { lon: number; lat: number; at: number; grid: string }[] = [];
const grids = (): Grid[] => {
  const all = [...theNet().net.areas.values()].filter((a): a is Grid => a.level === 'grid');
  return [...all.filter((g) => g.code.startsWith('320402')).slice(0, 30), ...all.filter((g) => g.code.startsWith('320481')).slice(0, 30)];
};

async function post(g: Grid, jitter: number): Promise<void> {
  // Around the label point, so cells differ between tickets of one grid.
  const lon = g.label[0] + jitter * 1e-4, lat = g.label[1] - jitter * 1e-4;
  const r = await t.app.inject({ method: 'POST', url: '/api/tickets', payload: report(lon, lat), headers: admin.headers });
  expect(r.statusCode).toBe(201);
  const id = r.json().id as string;
  const back = (await t.app.inject({ url: `/api/tickets/${id}`, headers: admin.headers })).json();
  expect([back.lon, back.lat]).toEqual([lon, lat]); // stored as sent (WGS-84)
  posted.push({ lon, lat, at: clock, grid: g.code });
}

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  admin = await t.as('admin');
  const gs = grids();
  for (let n = 0; n < 240; n++) {
    clock = START + Math.floor((n / 240) * 12 * 24 * HOUR);
    await post(gs[(n * 7) % gs.length], n % 5);
  }
}, 120_000);
afterAll(() => t?.close());

const get = (url: string, as = admin) => t.app.inject({ url, headers: as.headers });
const inRange = (from: string, to: string, area = '') => posted.filter((p) => dateCST(p.at) >= from && dateCST(p.at) <= to && p.grid.startsWith(area));

function recount(from: string, to: string, res: number, area = ''): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of inRange(from, to, area)) {
    const c = latLngToCell(p.lat, p.lon, res);
    m.set(c, (m.get(c) ?? 0) + 1);
  }
  return m;
}

async function hex(q: string): Promise<Map<string, number>> {
  const r = await get(`/api/heatmap/hex?${q}`);
  expect(r.statusCode).toBe(200);
  const b = r.json() as { total: number; cells: string[]; counts: number[] };
  expect(b.cells.length).toBe(b.counts.length);
  expect(b.counts.reduce((a, c) => a + c, 0)).toBe(b.total);
  return new Map(b.cells.map((c, i) => [c, b.counts[i]]));
}

describe('GET /api/heatmap/points', () => {
  it('answers every ticket reported in the range, oldest first: its position and CST day', async () => {
    for (const [from, to, area] of [['2026-11-09', '2026-11-20', ''], ['2026-11-12', '2026-11-14', '320481'], ['2026-11-15', '2026-11-15', '320402']] as const) {
      const r = await get(`/api/heatmap/points?from=${from}&to=${to}${area ? `&area=${area}` : ''}`);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('application/octet-stream');
      const body = r.rawPayload;
      const p = decodeHeatPoints(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
      const want = inRange(from, to, area);
      expect(want.length).toBeGreaterThan(0);
      expect(p.header).toMatchObject({ area: area || CITY_CODE, from, to, count: want.length });
      expect([...p.days]).toEqual(want.map((w) => dayCST(w.at)));
      expect([...p.positions]).toEqual(want.flatMap((w) => [Math.fround(w.lon), Math.fround(w.lat)]));
    }
  });

  it('is scoped: a street leader asks for the city and is refused; by default gets its own tickets only', async () => {
    const street = posted.find((p) => p.grid.startsWith('320481'))!.grid.slice(0, 9);
    const leader = await t.as('leader', street);
    expect((await get('/api/heatmap/points?area=320400&from=2026-11-09&to=2026-11-20', leader)).statusCode).toBe(403);
    const r = await get('/api/heatmap/points?from=2026-11-09&to=2026-11-20', leader);
    const p = decodeHeatPoints(r.rawPayload.buffer.slice(r.rawPayload.byteOffset, r.rawPayload.byteOffset + r.rawPayload.byteLength) as ArrayBuffer);
    expect(p.header.count).toBe(inRange('2026-11-09', '2026-11-20', street).length);
  });
});

describe('GET /api/heatmap/hex', () => {
  it("counts per hexagon equal h3's latLngToCell of each ticket in the range, at each resolution", async () => {
    for (const res of [5, 7, 9]) {
      expect(await hex(`from=2026-11-09&to=2026-11-20&res=${res}`)).toEqual(recount('2026-11-09', '2026-11-20', res));
      expect(await hex(`from=2026-11-11&to=2026-11-13&res=${res}&area=320402`)).toEqual(recount('2026-11-11', '2026-11-13', res, '320402'));
    }
  });

  it('stays equal to a recount after new tickets: today, a new day, and one stored into a past day', async () => {
    const q = 'from=2026-11-09&to=2026-11-22&res=8';
    expect(await hex(q)).toEqual(recount('2026-11-09', '2026-11-22', 8)); // memoises the closed days
    const gs = grids();
    await post(gs[3], 2); // today (2026-11-20)
    expect(await hex(q)).toEqual(recount('2026-11-09', '2026-11-22', 8));
    clock += 24 * HOUR; // the day is over, now memoised too
    await post(gs[40], 1);
    expect(await hex(q)).toEqual(recount('2026-11-09', '2026-11-22', 8));
    // A ticket written into a closed day (a store shared with an importer): the KPI counters
    // of that day no longer match the memo, so the day is counted again.
    const at = START + 2 * 24 * HOUR;
    const g = gs[10];
    const state = reportedState(g.code, at);
    const entry = { at, actor: 'account:import', role: 'admin', action: 'report' as const, from: null, to: 'reported' as const, note: null, data: null };
    await t.store.insert({
      input: { lon: g.label[0], lat: g.label[1], category: 'fire_safety', source: 'patrol', description: '补录' }, gridCode: g.code, createdAt: at, state,
      reportedBy: 'account:import', reporterRole: 'admin', kpi: kpiDelta(null, state, entry, CITY_CODE, (a, b) => b - a),
    });
    posted.push({ lon: g.label[0], lat: g.label[1], at, grid: g.code });
    expect(await hex(q)).toEqual(recount('2026-11-09', '2026-11-22', 8));
  });
});

describe('heatmap input', () => {
  it.each([
    ['/api/heatmap/points?from=2026-11-20&to=2026-11-09', 'from'],
    ['/api/heatmap/points?from=2025-01-01&to=2026-11-09', 'from'],
    ['/api/heatmap/points?from=2026-02-30', 'from'],
    ['/api/heatmap/hex?to=2026-13-01', 'to'],
    ['/api/heatmap/hex?from=20261101', 'from'],
    ['/api/heatmap/hex?res=12', 'res'],
    ['/api/heatmap/hex?area=32040', 'area'],
    ['/api/heatmap/points?bbox=1', 'bbox'],
  ])('%s is a 400 naming %s', async (url, field) => {
    const r = await get(url);
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(r.json().message).toContain(field);
  });
});
