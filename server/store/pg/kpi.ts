// KPI counters (server/domain/kpi.ts) in PostgreSQL: one row per dimension, key and CST
// day, added to by an upsert inside the statement that stores the report or transition
// they count (pg/tickets.ts), so a counter never runs ahead of or behind its tickets.
// A period of one key is a primary-key range scan (≤ 366 rows a year).
import type pg from 'pg';
import { AREA_BOUND_END, areaBoundKey, COUNTERS, zeroCounts, type AreaBoundDimension, type Counts, type Dimension, type KpiDelta } from '../../domain/kpi.ts';
import type { KpiStore } from '../types.ts';
import { Params, prefixRange, shapeName } from './sql.ts';

/** A kpi row's columns, in order (the bulk loader COPYs rows by them, into stripe 0). */
export const KPI_COLUMNS: readonly string[] = ['dim', 'key', 'day', ...COUNTERS];

/** The stripe a write adds to: its connection's, so concurrent writes (each on its own
 * connection) rarely share one. */
const STRIPE = '(pg_backend_pid() % 8)::smallint';

// sum(bigint) is numeric: read as a JS number (pool.ts), exact up to 2^53.
const SUMS = COUNTERS.map((c) => `sum(${c}) AS ${c}`).join(', ');

function toCounts(r: Record<string, unknown> | undefined): Counts {
  const out = zeroCounts();
  if (r) for (const c of COUNTERS) out[c] = r[c] === null || r[c] === undefined ? 0 : Number(r[c]);
  return out;
}

/** The upsert adding a delta's counters to each of its keys' rows, as a data-modifying CTE
 * body, or null when it adds nothing. Only the counters it moves are written (a step moves
 * 1–4 of 24), into the stripe of the statement's connection (migrations/003_kpi.sql): two
 * writes at once take different rows of the hot keys (the city's day). Rows go in (dim, key)
 * order: writes whose stripes collide lock them in the same order, so they queue, never
 * deadlock.
 * `when`: a condition the rows are inserted under (the ticket's own write happened). */
export function kpiUpsert(d: KpiDelta, p: Params, when?: string): string | null {
  const counters = COUNTERS.filter((c) => d.counters[c]);
  if (!counters.length || !d.keys.length) return null;
  const seen = new Set<string>();
  const keys = d.keys
    .filter((k) => !seen.has(`${k.dim}\u0000${k.key}`) && seen.add(`${k.dim}\u0000${k.key}`))
    .sort((a, b) => (a.dim < b.dim ? -1 : a.dim > b.dim ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const day = p.add(d.day, 'int');
  const values = counters.map((c) => p.add(d.counters[c], 'bigint'));
  const rows = keys.map((k) => `(${p.add(k.dim, 'text')}, ${p.add(k.key, 'text')}, ${day}, ${STRIPE}, ${values.join(', ')})`);
  return `INSERT INTO kpi (dim, key, day, stripe, ${counters.join(', ')})
    SELECT * FROM (VALUES ${rows.join(', ')}) AS v${when ? ` WHERE ${when}` : ''}
    ON CONFLICT (dim, key, day, stripe) DO UPDATE SET ${counters.map((c) => `${c} = kpi.${c} + excluded.${c}`).join(', ')}`;
}

export function pgKpiStore(pool: pg.Pool): KpiStore {
  const query = async (sql: string, values: unknown[]) => (await pool.query({ name: shapeName(sql), text: sql, values })).rows as Record<string, unknown>[];
  return {
    async total(dim: Dimension, key: string, fromDay: number, toDay: number) {
      const rows = await query(`SELECT ${SUMS} FROM kpi WHERE dim = $1 AND key = $2 AND day >= $3 AND day < $4`, [dim, key, fromDay, toDay]);
      return toCounts(rows[0]);
    },
    async series(dim: Dimension, key: string, fromDay: number, toDay: number) {
      const rows = await query(`SELECT day, ${SUMS} FROM kpi WHERE dim = $1 AND key = $2 AND day >= $3 AND day < $4 GROUP BY day ORDER BY day`, [dim, key, fromDay, toDay]);
      return rows.map((r) => ({ day: Number(r.day), counts: toCounts(r) }));
    },
    async byKey(dim: Dimension, fromDay: number, toDay: number, under?: { prefix: string; length: number; except?: string }) {
      if (!under) {
        const rows = await query(`SELECT key, ${SUMS} FROM kpi WHERE dim = $1 AND day >= $2 AND day < $3 GROUP BY key ORDER BY key`, [dim, fromDay, toDay]);
        return rows.map((r) => ({ key: r.key as string, counts: toCounts(r) }));
      }
      const [lo, hi] = prefixRange(under.prefix);
      const rows = await query(
        `SELECT key, ${SUMS} FROM kpi WHERE dim = $1 AND key >= $2 AND key < $3 AND length(key) = $4 AND key <> $5 AND day >= $6 AND day < $7 GROUP BY key ORDER BY key`,
        [dim, lo, hi, under.length, under.except ?? '', fromDay, toDay],
      );
      return rows.map((r) => ({ key: r.key as string, counts: toCounts(r) }));
    },
    async ofArea(dim: AreaBoundDimension, area: string, fromDay: number, toDay: number) {
      const from = areaBoundKey(area, '');
      const rows = await query(`SELECT key, ${SUMS} FROM kpi WHERE dim = $1 AND key >= $2 AND key < $3 AND day >= $4 AND day < $5 GROUP BY key ORDER BY key`, [dim, from, from + AREA_BOUND_END, fromDay, toDay]);
      return rows.map((r) => ({ key: (r.key as string).slice(from.length), counts: toCounts(r) }));
    },
  };
}
