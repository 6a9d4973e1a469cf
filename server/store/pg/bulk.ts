// The bulk writer of the PostgreSQL store: many tickets at once (the seeded history,
// scripts/seed/history-pg.ts) by COPY (pg-copy-streams), with the same column lists and row
// values as the live store (TICKET_COLUMNS, ticketValues, TIMELINE_COLUMNS, KPI_COLUMNS), so
// what it leaves is what the live inserts and transitions would have left.
// It runs in ONE transaction on one connection: the secondary indexes and foreign keys of
// tickets, timeline and ticket_text are dropped first (COPY into bare tables is several
// times faster; each index is then built once, from one sort) and rebuilt from their own
// definitions (read from the catalogue, so they stay those of the migrations) before the
// commit. Interrupted, it rolls back: the store is as it was, indexes included. The tables
// are locked meanwhile (a server on the same database waits, then answers 503).
// Sequences: tickets and timeline rows are COPY'd with their seq (the generator numbers
// tickets from the store's last one); the identity sequences are moved past them at the end.
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { kpiRowValues, type BulkRows } from '../sqlite-bulk.ts';
import { searchTextOf, TICKET_COLUMNS, ticketValues, TIMELINE_COLUMNS, timelineValues } from '../sqlite-tickets.ts';
import { KPI_COLUMNS } from './kpi.ts';

/** The rows a seed writes (sqlite-bulk.ts's, the same calls), sent by COPY. */
export interface PgBulkWriter extends BulkRows {
  /** The sequence the next ticket will get. */
  readonly nextSeq: number;
  /** COPYs the rows written so far (in order with earlier flushes); resolves once sent. */
  flush(): Promise<void>;
  /** Flushes, builds indexes and foreign keys, gathers statistics (ANALYZE), commits. */
  finish(): Promise<{ tickets: number; timeline: number; kpiRows: number }>;
  /** Rolls back everything written (the store as it was). */
  abort(): Promise<void>;
}

const TABLES = ['tickets', 'timeline', 'ticket_text'];

const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Lines of one table in COPY's text format (\N for null, backslash escapes), joined into
 * one chunk as they are taken. A line is made by Array.join over the row's values (numbers
 * printed natively, integers below 2^53 never in exponent form): a field at a time in JS
 * was half the seed's time. */
class Lines {
  private lines: string[] = [];
  private row: unknown[] = [];
  count = 0;
  add(values: ArrayLike<unknown>, width: number, prefix?: number) {
    const row = this.row;
    let at = 0;
    if (prefix !== undefined) row[at++] = prefix;
    for (let i = 0; i < width; i++) {
      const v = values[i];
      row[at++] = v === null || v === undefined ? '\\N'
        : typeof v === 'string' ? (SPECIAL.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : v)
          : typeof v === 'boolean' ? (v ? 't' : 'f') : v;
    }
    row.length = at;
    this.lines.push(row.join('\t'));
    this.count++;
  }
  take(): string | null {
    if (!this.lines.length) return null;
    const s = this.lines.join('\n') + '\n';
    this.lines = [];
    return s;
  }
}

async function copy(client: pg.PoolClient, sql: string, data: string): Promise<void> {
  const stream = client.query(copyFrom(sql));
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(data);
  });
}

/** Opens the bulk load on its own connection of `pool`: begins, locks the tables, refuses a
 * store that holds tickets, drops the indexes and foreign keys it rebuilds. */
export async function pgBulkWriter(pool: pg.Pool): Promise<PgBulkWriter> {
  const client = await pool.connect();
  client.on('error', () => {}); // a lost connection fails the COPY in flight; never the process
  try {
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${TABLES.join(', ')}, kpi IN ACCESS EXCLUSIVE MODE`);
    // Index builds sort in memory up to this (per session); commit without waiting for the
    // WAL flush of each COPY (the commit at the end is what counts).
    await client.query("SET LOCAL maintenance_work_mem = '512MB'");
    await client.query('SET LOCAL synchronous_commit = off');
    // Emptied in this transaction (it must be empty: checked under the lock), so COPY FREEZE
    // writes its rows already frozen and all-visible: no VACUUM after the load, and
    // index-only scans work at once.
    const { rows: [held] } = await client.query<{ n: number }>('SELECT count(*) AS n FROM tickets');
    if (held.n > 0) throw new Error(`bulk load: the store already holds ${held.n} tickets`);
    await client.query(`TRUNCATE ${TABLES.join(', ')}, kpi`);
    const { rows: indexes } = await client.query<{ name: string; def: string }>(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY i.relname`, [TABLES]);
    const { rows: foreign } = await client.query<{ name: string; tbl: string; def: string }>(
      `SELECT c.conname AS name, t.relname AS tbl, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
       WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1) ORDER BY c.conname`, [TABLES]);
    for (const f of foreign) await client.query(`ALTER TABLE ${f.tbl} DROP CONSTRAINT ${f.name}`);
    for (const i of indexes) await client.query(`DROP INDEX ${i.name}`);
    const { rows: [last] } = await client.query<{ tickets: number; timeline: number }>(
      'SELECT (SELECT coalesce(max(seq), 0) FROM tickets)::bigint AS tickets, (SELECT coalesce(max(seq), 0) FROM timeline)::bigint AS timeline');
    return writer(client, indexes, foreign, last.tickets, last.timeline);
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    client.release(true);
    throw e;
  }
}

function writer(client: pg.PoolClient, indexes: { def: string }[], foreign: { name: string; tbl: string; def: string }[], lastTicket: number, lastEntry: number): PgBulkWriter {
  const tickets = new Lines(), texts = new Lines(), timeline = new Lines(), kpi = new Lines();
  let chain: Promise<void> = Promise.resolve();
  let failed: unknown = null;
  let entries = 0;
  const kpiValues: unknown[] = new Array(KPI_COLUMNS.length);
  const text: unknown[] = [''];
  const sqls = {
    tickets: `COPY tickets (seq, ${TICKET_COLUMNS.join(', ')}) FROM STDIN WITH (FREEZE)`,
    texts: 'COPY ticket_text (seq, text) FROM STDIN WITH (FREEZE)',
    timeline: `COPY timeline (seq, ${TIMELINE_COLUMNS.join(', ')}) FROM STDIN WITH (FREEZE)`,
    kpi: `COPY kpi (${KPI_COLUMNS.join(', ')}) FROM STDIN WITH (FREEZE)`,
  };
  const released = { done: false };
  const release = (destroy: boolean) => {
    if (released.done) return;
    released.done = true;
    client.release(destroy);
  };

  const w: PgBulkWriter = {
    get nextSeq() { return lastTicket + tickets.count + 1; },
    ticket: (t) => w.ticketRow(ticketValues(t), searchTextOf(t)),
    ticketRow(values, searchText) {
      const seq = w.nextSeq;
      tickets.add(values, TICKET_COLUMNS.length, seq);
      text[0] = searchText;
      texts.add(text, 1, seq);
      return seq;
    },
    timeline: (ticket, e) => w.timelineRow(timelineValues(ticket, e)),
    timelineRow(values) {
      timeline.add(values, TIMELINE_COLUMNS.length, lastEntry + ++entries);
    },
    kpi(dim, key, day, counts) {
      w.kpiRow(kpiRowValues(kpiValues, dim, key, day, counts));
    },
    kpiRow(values) {
      kpi.add(values, KPI_COLUMNS.length);
    },
    flush() {
      // Taken now, sent after the flushes before it: rows keep their order across batches.
      const parts: [string, string | null][] = [[sqls.tickets, tickets.take()], [sqls.texts, texts.take()], [sqls.timeline, timeline.take()], [sqls.kpi, kpi.take()]];
      chain = chain.then(async () => {
        if (failed) throw failed;
        try {
          for (const [sql, data] of parts) if (data) await copy(client, sql, data);
        } catch (e) {
          failed = e;
          throw e;
        }
      });
      return chain;
    },
    async finish() {
      await w.flush();
      try {
        for (const i of indexes) await client.query(i.def);
        for (const f of foreign) await client.query(`ALTER TABLE ${f.tbl} ADD CONSTRAINT ${f.name} ${f.def}`);
        // The live inserts after the seed take the sequences after the largest stored.
        for (const t of ['tickets', 'timeline']) {
          await client.query(`SELECT setval(pg_get_serial_sequence('${t}', 'seq'), greatest((SELECT max(seq) FROM ${t}), 1), (SELECT max(seq) FROM ${t}) IS NOT NULL)`);
        }
        await client.query(`ANALYZE ${TABLES.join(', ')}, kpi`); // statistics for the planner from the start
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        release(true);
        throw e;
      }
      release(false);
      return { tickets: tickets.count, timeline: entries, kpiRows: kpi.count };
    },
    async abort() {
      await chain.catch(() => {});
      await client.query('ROLLBACK').catch(() => {});
      release(true);
    },
  };
  return w;
}
