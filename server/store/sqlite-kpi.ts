// KPI counters (server/domain/kpi.ts) in the embedded store: one row per dimension, key
// and CST day, added to in the same transaction as the report or transition they count.
// A period is a primary-key range scan: a year of one key is ≤ 366 rows.
import type Database from 'better-sqlite3';
import { AREA_BOUND_END, areaBoundKey, COUNTERS, zeroCounts, type AreaBoundDimension, type Counts, type Dimension, type KpiDelta } from '../domain/kpi.ts';
import type { KpiStore } from './types.ts';

export const KPI_SCHEMA = `
CREATE TABLE IF NOT EXISTS kpi (
  dim TEXT NOT NULL, key TEXT NOT NULL, day INTEGER NOT NULL,
  ${COUNTERS.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(',\n  ')},
  PRIMARY KEY (dim, key, day)
) WITHOUT ROWID;
`;

/** A kpi row's columns, in order (the bulk writer, sqlite-bulk.ts, inserts rows by them). */
export const KPI_COLUMNS: readonly string[] = ['dim', 'key', 'day', ...COUNTERS];

const SUMS = COUNTERS.map((c) => `sum(${c}) AS ${c}`).join(', ');

function toCounts(r: Record<string, number | null> | undefined): Counts {
  const out = zeroCounts();
  if (r) for (const c of COUNTERS) out[c] = r[c] ?? 0;
  return out;
}

/** Adds a delta's counters to each of its keys' rows (to be called inside a transaction):
 * one upsert for all its keys, of only the counters it moves (a step moves 1–4 of 32), by a
 * statement prepared once per shape; 8 full-width upserts were 6 % of a write's CPU. */
export function kpiWriter(db: Database.Database): (d: KpiDelta) => void {
  const statements = new Map<string, Database.Statement>();
  const statement = (counters: string[], rows: number) => {
    const shape = `${rows}:${counters.join(',')}`;
    let s = statements.get(shape);
    if (!s) {
      const row = `(?, ?, ?${', ?'.repeat(counters.length)})`;
      statements.set(shape, (s = db.prepare(
        `INSERT INTO kpi (dim, key, day, ${counters.join(', ')}) VALUES ${Array(rows).fill(row).join(', ')}
         ON CONFLICT (dim, key, day) DO UPDATE SET ${counters.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
      )));
    }
    return s;
  };
  return (d) => {
    const counters = COUNTERS.filter((c) => d.counters[c]);
    if (!counters.length || !d.keys.length) return;
    const values = counters.map((c) => d.counters[c]);
    statement(counters, d.keys.length).run(d.keys.flatMap((k) => [k.dim, k.key, d.day, ...values]));
  };
}

export function sqliteKpiStore(db: Database.Database): KpiStore {
  const total = db.prepare(`SELECT ${SUMS} FROM kpi WHERE dim = ? AND key = ? AND day >= ? AND day < ?`);
  const series = db.prepare(`SELECT day, ${SUMS} FROM kpi WHERE dim = ? AND key = ? AND day >= ? AND day < ? GROUP BY day ORDER BY day`);
  // Keys of one dimension, optionally those under an area prefix at one code length.
  const ranked = db.prepare(`SELECT key, ${SUMS} FROM kpi WHERE dim = ? AND key >= ? AND key < ? AND length(key) = ? AND key <> ? AND day >= ? AND day < ? GROUP BY key`);
  const rankedAll = db.prepare(`SELECT key, ${SUMS} FROM kpi WHERE dim = ? AND day >= ? AND day < ? GROUP BY key`);
  const ofArea = db.prepare(`SELECT key, ${SUMS} FROM kpi WHERE dim = ? AND key >= ? AND key < ? AND day >= ? AND day < ? GROUP BY key`);
  return {
    async total(dim: Dimension, key: string, fromDay: number, toDay: number) {
      return toCounts(total.get(dim, key, fromDay, toDay) as Record<string, number>);
    },
    async series(dim: Dimension, key: string, fromDay: number, toDay: number) {
      return (series.all(dim, key, fromDay, toDay) as (Record<string, number> & { day: number })[]).map((r) => ({ day: r.day, counts: toCounts(r) }));
    },
    async byKey(dim: Dimension, fromDay: number, toDay: number, under?: { prefix: string; length: number; except?: string }) {
      const rows = (under ? ranked.all(dim, under.prefix, under.prefix + ':', under.length, under.except ?? '', fromDay, toDay) : rankedAll.all(dim, fromDay, toDay)) as (Record<string, number> & { key: string })[];
      return rows.map((r) => ({ key: r.key, counts: toCounts(r) }));
    },
    async ofArea(dim: AreaBoundDimension, area: string, fromDay: number, toDay: number) {
      const from = areaBoundKey(area, '');
      const rows = ofArea.all(dim, from, from + AREA_BOUND_END, fromDay, toDay) as (Record<string, number> & { key: string })[];
      return rows.map((r) => ({ key: r.key.slice(from.length), counts: toCounts(r) }));
    },
  };
}
