// `npm run seed:history` into PostgreSQL (DATABASE_URL): COPY'd in one transaction. The same
// seed, count and end as into SQLite give a store that answers the same: KPIs of every level
// and period, rankings, counts, open/overdue per child, lists, timelines, lights, search;
// a store that holds tickets is refused, and live writes after the seed take the next
// sequences.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedHistory, StoreNotEmptyError, type SeedResult } from '../scripts/seed/history.ts';
import { openSqliteStores, type SqliteStores } from '../server/store/sqlite.ts';
import { pgStores, type PgStores } from '../server/store/pg/stores.ts';
import { dayCST, dayStartMs } from '../server/domain/day.ts';
import { reportedState } from '../server/domain/loop.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import { freshSchema } from './pg/fresh.ts';

const COUNT = 2_000;
const SEED = 11;
const END = dayStartMs(dayCST(Date.parse('2026-11-20T00:00:00+08:00')) + 1);
const LAST_DAY = dayCST(END - 1);
const dir = mkdtempSync(join(tmpdir(), 'one-net-seed-pg-'));
let schema: Awaited<ReturnType<typeof freshSchema>>;
let lite: SqliteStores;
let pgs: PgStores;
let seeded: { sqlite: SeedResult; pg: SeedResult };

beforeAll(async () => {
  schema = await freshSchema('seed');
  const [sqlite, pg] = await Promise.all([
    seedHistory({ dir, count: COUNT, seed: SEED, endMs: END }),
    seedHistory({ dir: '', count: COUNT, seed: SEED, endMs: END, database: { url: schema.url, schema: schema.schema } }),
  ]);
  seeded = { sqlite, pg };
  lite = openSqliteStores(dir);
  pgs = pgStores(schema.pool);
}, 180_000);
afterAll(async () => {
  lite?.close();
  await schema?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('seed:history into PostgreSQL', () => {
  it('writes as many tickets, entries and KPI rows as into SQLite', () => {
    expect(seeded.pg).toMatchObject({ seed: 'history', tickets: COUNT, timeline: seeded.sqlite.timeline, kpiRows: seeded.sqlite.kpiRows });
    expect(seeded.pg.dbBytes).toBeGreaterThan(0);
  });

  it('answers the same KPIs as SQLite seeded with the same seed and count', async () => {
    const busiest = (await lite.tickets.list({ limit: 1 }))[0].gridCode; // any grid with tickets
    const periods = [[LAST_DAY - 364, LAST_DAY + 1], [LAST_DAY - 29, LAST_DAY + 1], [LAST_DAY - 60, LAST_DAY - 30]];
    for (const [from, to] of periods) {
      for (const key of [CITY_CODE, busiest.slice(0, 6), busiest.slice(0, 9), busiest.slice(0, 12), busiest]) {
        expect(await pgs.kpi.total('area', key, from, to), `${key} ${from}…${to}`).toEqual(await lite.kpi.total('area', key, from, to));
      }
      for (const dim of ['department', 'platform', 'item'] as const) {
        expect(await pgs.kpi.byKey(dim, from, to), dim).toEqual(await lite.kpi.byKey(dim, from, to));
      }
      const districts = { prefix: CITY_CODE.slice(0, 4), length: 6, except: CITY_CODE };
      expect(await pgs.kpi.byKey('area', from, to, districts)).toEqual(await lite.kpi.byKey('area', from, to, districts));
      const streets = { prefix: busiest.slice(0, 6), length: 9 };
      expect(await pgs.kpi.byKey('area', from, to, streets)).toEqual(await lite.kpi.byKey('area', from, to, streets));
    }
    expect(await pgs.kpi.series('area', CITY_CODE, LAST_DAY - 364, LAST_DAY + 1)).toEqual(await lite.kpi.series('area', CITY_CODE, LAST_DAY - 364, LAST_DAY + 1));
    expect((await pgs.kpi.total('area', CITY_CODE, LAST_DAY - 364, LAST_DAY + 1)).received).toBe(COUNT);
  });

  it('answers the same counts, queues, lists, timelines, lights and searches', async () => {
    const now = END - 60_000;
    const both = async <T>(f: (s: Pick<SqliteStores, 'tickets'>) => Promise<T>, what: string) => {
      const value = await f(pgs);
      expect(value, what).toEqual(await f(lite));
      return value;
    };
    const some = (v: unknown, what: string) => expect(Array.isArray(v) ? v.length : Object.keys(v as object).length || (v as number), what).toBeGreaterThan(0);
    await both((s) => s.tickets.total(), 'total');
    await both((s) => s.tickets.count({ area: CITY_CODE }, 6), 'count');
    await both((s) => s.tickets.count({ area: '320402', from: dayStartMs(LAST_DAY - 30), to: END }, 9), 'count of a district, a month');
    some(await both((s) => s.tickets.openByChild(CITY_CODE.slice(0, 4), 6, now), 'openByChild'), 'openByChild');
    await both((s) => s.tickets.overdue(CITY_CODE.slice(0, 4), now), 'overdue');
    some(await both((s) => s.tickets.list({ limit: 50, overdue: true, now }), 'overdue queue'), 'overdue queue');
    some(await both((s) => s.tickets.list({ limit: 30, statuses: ['handling', 'feedback'], now }), 'a queue'), 'a queue');
    await both((s) => s.tickets.list({ limit: 30, area: '320402', beforeSeq: COUNT - 100 }), 'a page of a district');
    await both((s) => s.tickets.list({ limit: 30, light: 'yellow', now }), 'yellow');
    some(await both((s) => s.tickets.countWhere({ text: '井盖' }), 'search, 2 characters'), 'search, 2 characters');
    some(await both((s) => s.tickets.countWhere({ text: '街道' }), 'search, place names'), 'search, place names');
    some(await both((s) => s.tickets.dots({ from: dayStartMs(LAST_DAY - 2), to: END }), 'dots of 3 days'), 'dots of 3 days');
    await both(async (s) => [...(await s.tickets.positions({ area: '320402' })).at], 'positions');
    some(await both((s) => s.tickets.lightEvents({ at: dayStartMs(LAST_DAY - 3), seq: 0 }, END, 100), 'light events'), 'light events');
    await both((s) => s.tickets.openWithComponent(), 'open with component');
    for (const seq of [1, 500, COUNT]) await both((s) => s.tickets.timeline(seq), `timeline ${seq}`);
    await both((s) => s.tickets.lastChange(), 'last change');
  });

  it('refuses a store that holds tickets, and live writes continue the sequences', async () => {
    await expect(seedHistory({ dir: '', count: 10, seed: SEED, endMs: END, database: { url: schema.url, schema: schema.schema } })).rejects.toBeInstanceOf(StoreNotEmptyError);
    const state = reportedState('320402001001001', END);
    const r = await pgs.tickets.insert({ input: { lon: 119.97, lat: 31.78, category: 'city_appearance', source: 'patrol', description: '井盖缺失' }, gridCode: '320402001001001', createdAt: END, state, reportedBy: 'account:x', reporterRole: 'dispatcher' });
    expect(r.record.seq).toBe(COUNT + 1);
    expect(r.change).toBe(seeded.pg.timeline + 1);
  });
});
