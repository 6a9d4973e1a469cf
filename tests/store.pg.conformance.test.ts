// The store conformance suites on the PostgreSQL stores (the machine's real PostgreSQL,
// TEST_DATABASE_URL), each test on a fresh migrated schema, dropped after it.
import { describe, expect, it } from 'vitest';
import { pgStores } from '../server/store/pg/stores.ts';
import { KPI_COLUMNS } from '../server/store/pg/kpi.ts';
import { TICKET_COLUMNS, TIMELINE_COLUMNS } from '../server/store/sqlite-tickets.ts';
import { reportedState } from '../server/domain/loop.ts';
import { ticketStoreConformance } from './store/ticket-store.conformance.ts';
import { accessStoreConformance, auditStoreConformance } from './store/access-audit.conformance.ts';
import { freshSchema } from './pg/fresh.ts';

const make = (tag: string, opts: { positionsPage?: number } = {}) => async () => {
  const s = await freshSchema(tag);
  const stores = pgStores(s.pool, opts);
  // drop() ends the pool, then drops the schema.
  return { stores, close: () => s.drop(), exec: (sql: string) => s.pool.query(sql) };
};

ticketStoreConformance('PostgreSQL', make('conf'));
// Positions are read a page at a time: the suite again with pages of 3 rows reads across pages.
ticketStoreConformance('PostgreSQL, positions in pages of 3', make('conf3', { positionsPage: 3 }));
accessStoreConformance('PostgreSQL', make('access'));
auditStoreConformance('PostgreSQL', make('audit'));

describe('PostgreSQL schema', () => {
  it('has every column the shared row mapping writes, and the KPI counters of the domain, in order', async () => {
    const s = await freshSchema('cols');
    try {
      const columns = async (table: string) => (await s.pool.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position', [s.schema, table])).rows.map((r) => r.column_name);
      expect(await columns('kpi')).toEqual([...KPI_COLUMNS, 'stripe']);
      expect(await columns('tickets')).toEqual(expect.arrayContaining([...TICKET_COLUMNS]));
      expect(await columns('timeline')).toEqual(['seq', ...TIMELINE_COLUMNS]);
      // Area codes compare bytewise (prefix ranges), whatever the database's locale.
      const { rows } = await s.pool.query<{ column_name: string; collation_name: string | null }>(
        `SELECT table_name || '.' || column_name AS column_name, collation_name FROM information_schema.columns
         WHERE table_schema = $1 AND (table_name, column_name) IN (('tickets', 'grid_code'), ('kpi', 'key'), ('audit', 'kind'))`, [s.schema]);
      expect(rows.map((r) => r.collation_name)).toEqual(['C', 'C', 'C']);
    } finally {
      await s.drop();
    }
  });
});

describe('PostgreSQL watermark', () => {
  it('stops before a change still in flight, committed out of order, and moves on once it lands', async () => {
    const s = await freshSchema('watermark');
    const other = await s.pool.connect();
    try {
      const stores = pgStores(s.pool);
      const T = Date.UTC(2026, 10, 23, 1);
      const report = (at: number) => stores.tickets.insert({
        input: { lon: 119.97, lat: 31.78, category: 'city_appearance', source: 'patrol', description: '井盖缺失' }, gridCode: '320402001001001', createdAt: at,
        state: reportedState('320402001001001', at), reportedBy: 'account:r1', reporterRole: 'dispatcher',
      });
      const first = await report(T);
      expect(await stores.tickets.lastChange()).toBe(first.change);
      // A write that took its sequence and has not committed yet…
      await other.query('BEGIN');
      const { rows } = await other.query(`INSERT INTO timeline (ticket, at, actor, role, action, from_status, to_status) VALUES ($1, $2, 'd1', 'dispatcher', 'remind', 'reported', 'reported') RETURNING seq`, [first.record.seq, T + 1]);
      // … while a later one commits first.
      const later = await report(T + 2);
      expect(later.change).toBeGreaterThan(rows[0].seq);
      expect(await stores.tickets.lastChange()).toBe(first.change);
      await other.query('COMMIT');
      expect(await stores.tickets.lastChange()).toBe(later.change);
    } finally {
      other.release();
      await s.drop();
    }
  });
});
