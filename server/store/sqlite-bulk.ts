// The bulk writer of the embedded store: many tickets at once (the seeded history,
// scripts/seed-history.ts) through one connection, a transaction per batch and prepared
// statements, with the same column lists and row values as the live store
// (sqlite-tickets.ts, sqlite-kpi.ts), so what it leaves is what the live inserts and
// transitions would have left. The scale-out store's twin will do the same with
// PostgreSQL's COPY behind this interface.
//
// Rows are inserted dozens per statement (multi-row VALUES: far fewer calls into SQLite).
// While it runs, most secondary indexes of `tickets` and `timeline` are dropped and built
// once at the end from the very SQL they were created with (read from sqlite_master, so
// they stay identical to sqlite-tickets.ts), foreign keys are not checked (the caller
// stores each ticket before its entries) and nothing is synced: a bulk load that is
// interrupted leaves a store to delete, not one to trust. `finish()` puts everything back
// as `openSqliteStores` set it (synchronous=NORMAL, foreign keys, cache) and checkpoints.
import type Database from 'better-sqlite3';
import type { TimelineEntry } from '../domain/loop.ts';
import type { Dimension } from '../domain/kpi.ts';
import type { NewTicket } from './types.ts';
import { insertSql, searchTextOf, TICKET_COLUMNS, ticketValues, TIMELINE_COLUMNS, timelineValues } from './sqlite-tickets.ts';
import { KPI_COLUMNS } from './sqlite-kpi.ts';

/** The rows a seed writes, whatever the store. */
export interface BulkRows {
  /** Stores a ticket as it stands at the end (its final loop state) and its search text;
   * answers its sequence. */
  ticket(t: NewTicket): number;
  /** The same from a row already made: `ticketValues(t)` and `searchTextOf(t)`. */
  ticketRow(values: readonly unknown[], text: string): number;
  /** One timeline entry; entries are stored in the order given (their sequences). */
  timeline(ticket: number, e: TimelineEntry): void;
  /** The same from `timelineValues(ticket, e)`. */
  timelineRow(values: readonly unknown[]): void;
  /** One kpi row (counters in the order of COUNTERS); rows in key order load fastest. */
  kpi(dim: Dimension, key: string, day: number, counts: ArrayLike<number>): void;
  /** The same from a row in the order of KPI_COLUMNS. */
  kpiRow(values: readonly unknown[]): void;
}

/** A kpi row in the order of KPI_COLUMNS, written into `out` (reused: no array per row). */
export function kpiRowValues(out: unknown[], dim: Dimension, key: string, day: number, counts: ArrayLike<number>): unknown[] {
  out[0] = dim;
  out[1] = key;
  out[2] = day;
  for (let i = 0; i < counts.length; i++) out[3 + i] = counts[i];
  return out;
}

export interface BulkWriter extends BulkRows {
  /** Commits what is written so far and starts the next transaction. */
  commit(): void;
  /** Commits, builds the indexes, and leaves the store as the server opens it. */
  finish(): { tickets: number; timeline: number; kpiRows: number };
}

/** Rows of one table, `per` to a statement; the rest one at a time when flushed. */
function rowsOf(db: Database.Database, table: string, columns: readonly string[], per: number) {
  const width = columns.length;
  const one = db.prepare(insertSql(table, columns));
  const many = db.prepare(insertSql(table, columns, per));
  const buf: unknown[] = new Array(per * width);
  let n = 0;
  return {
    add(values: readonly unknown[]): void {
      const at = n * width;
      for (let i = 0; i < width; i++) buf[at + i] = values[i];
      if (++n === per) {
        many.run(buf);
        n = 0;
      }
    },
    flush(): void {
      for (let r = 0; r < n; r++) one.run(buf.slice(r * width, (r + 1) * width));
      n = 0;
    },
  };
}

/** Indexes kept up while rows go in: their keys grow with the order rows are written in
 * (time, ticket sequence) or they hold only the few open cases, so each insert is an append
 * to a page in cache, done while the rows of the next batch are being made. The others are
 * dropped and built once at the end, each from one sort. */
const KEPT = new Set(['timeline_ticket', 'tickets_created', 'tickets_yellow_at', 'tickets_deadline_at']);

export function sqliteBulkWriter(db: Database.Database): BulkWriter {
  const indexes = (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('tickets', 'timeline') ORDER BY name")
    .all() as { name: string; sql: string }[]).filter((i) => !KEPT.has(i.name));
  const restore = {
    foreignKeys: db.pragma('foreign_keys', { simple: true }) as number,
    synchronous: db.pragma('synchronous', { simple: true }) as number,
    cacheSize: db.pragma('cache_size', { simple: true }) as number,
  };
  // The sorter that builds the indexes works in memory up to the cache size.
  db.pragma('cache_size = -1048576'); // 1 GiB
  db.pragma('temp_store = MEMORY');
  db.pragma('threads = 2');
  db.pragma('foreign_keys = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('journal_mode = DELETE');
  for (const i of indexes) db.exec(`DROP INDEX ${i.name}`);

  // AUTOINCREMENT: the next tickets take the sequences after the largest ever used.
  const first = (db.prepare("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'tickets'").pluck().get() as number) + 1;
  const ticketRows = rowsOf(db, 'tickets', TICKET_COLUMNS, 32);
  const textRows = rowsOf(db, 'ticket_text', ['rowid', 'text'], 64);
  const timelineRows = rowsOf(db, 'timeline', TIMELINE_COLUMNS, 64);
  const kpiRowsOf = rowsOf(db, 'kpi', KPI_COLUMNS, 32);
  const flush = () => (ticketRows.flush(), textRows.flush(), timelineRows.flush(), kpiRowsOf.flush());
  let tickets = 0, timeline = 0, kpiRows = 0;
  const kpiValues: unknown[] = new Array(KPI_COLUMNS.length);
  const text: unknown[] = [0, ''];
  db.exec('BEGIN');

  const writer: BulkWriter = {
    ticket: (t) => writer.ticketRow(ticketValues(t), searchTextOf(t)),
    ticketRow(values, searchText) {
      const seq = first + tickets++;
      ticketRows.add(values);
      text[0] = seq;
      text[1] = searchText;
      textRows.add(text);
      return seq;
    },
    timeline: (ticket, e) => writer.timelineRow(timelineValues(ticket, e)),
    timelineRow(values) {
      timelineRows.add(values);
      timeline++;
    },
    kpi(dim, key, day, counts) {
      writer.kpiRow(kpiRowValues(kpiValues, dim, key, day, counts));
    },
    kpiRow(values) {
      kpiRowsOf.add(values);
      kpiRows++;
    },
    commit() {
      flush();
      db.exec('COMMIT; BEGIN');
    },
    finish() {
      flush();
      const last = db.prepare('SELECT coalesce(max(seq), 0) FROM tickets').pluck().get() as number;
      if (tickets > 0 && last !== first + tickets - 1) throw new Error(`bulk: tickets stored up to ${last}, expected ${first + tickets - 1}`);
      db.exec('COMMIT');
      for (const i of indexes) db.exec(i.sql);
      // The full-text index in one segment, as FTS5's 'optimize' leaves it: a bulk load ends
      // with merges begun and unfinished, and the live inserts after it would pay for them
      // (~260 µs more each for the first 2,000 at 1.5 M tickets; ~2 s here instead).
      db.exec("INSERT INTO ticket_text (ticket_text) VALUES ('optimize')");
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${restore.synchronous}`);
      db.pragma(`foreign_keys = ${restore.foreignKeys}`);
      db.pragma(`cache_size = ${restore.cacheSize}`);
      db.pragma('temp_store = DEFAULT');
      db.pragma('threads = 0');
      db.pragma('wal_checkpoint(TRUNCATE)');
      return { tickets, timeline, kpiRows };
    },
  };
  return writer;
}
