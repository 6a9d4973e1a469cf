// `npm run seed:history` into PostgreSQL (DATABASE_URL set): the same history as the embedded
// store's path (history.ts: the generator on a worker thread, the same rows), written by COPY
// (server/store/pg/bulk.ts) in one transaction, indexes and foreign keys built at the end,
// then VACUUM ANALYZE. The same seed, count and end give the same tickets, timelines and KPI
// counters as the SQLite store (tests/seed.history.pg.test.ts compares them).
import { generate } from './generate.ts';
import { inWorker, StoreNotEmptyError, type SeedOptions, type SeedResult } from './history.ts';
import { migratePg } from '../../server/store/pg/migrate.ts';
import { openPgPool } from '../../server/store/pg/pool.ts';
import { pgBulkWriter } from '../../server/store/pg/bulk.ts';

export interface PgTarget {
  url: string;
  schema?: string;
}

/** Bytes of the tables the seed fills (heap, indexes, TOAST). */
async function tableBytes(pool: ReturnType<typeof openPgPool>): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT (pg_total_relation_size('tickets') + pg_total_relation_size('timeline') + pg_total_relation_size('ticket_text') + pg_total_relation_size('kpi'))::bigint AS n");
  return rows[0].n;
}

export async function seedHistoryPg(o: SeedOptions, db: PgTarget): Promise<SeedResult> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  await migratePg(db.url, { schema: db.schema });
  const pool = openPgPool({ url: db.url, schema: db.schema, max: 2, statementTimeoutMs: 0 });
  try {
    if (o.fresh) await pool.query('TRUNCATE tickets, timeline, ticket_text, kpi, job_marks RESTART IDENTITY');
    const n = (await pool.query<{ n: number }>('SELECT count(*) AS n FROM tickets')).rows[0].n;
    if (n > 0) throw new StoreNotEmptyError(`${db.schema ?? 'the database'} already holds ${n} tickets: seed:history writes only into an empty store (--fresh empties it first)`);
    const writer = await pgBulkWriter(pool);
    try {
      const gen = { count: o.count, seed: o.seed, endMs: o.endMs, base: writer.nextSeq - 1, batch: 5_000 };
      if (o.threads === false) {
        // On this thread the generator cannot wait for a COPY: rows are sent at the end
        // (small histories: tests).
        generate(gen, {
          ticket: (t) => writer.ticket(t),
          timeline: (ticket, e) => writer.timeline(ticket, e),
          kpi: (dim, key, day, counts) => writer.kpi(dim, key, day, counts),
          batch() {},
          log,
        });
      } else {
        await inWorker({ ...gen, inFlight: new SharedArrayBuffer(4) }, (b, decode) => {
          let i = 0;
          decode(b, (values) => writer.ticketRow(values, b.texts[i++]), (values) => writer.timelineRow(values), (values) => writer.kpiRow(values));
          return writer.flush();
        }, log);
      }
      log(`seed:history building indexes, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const done = await writer.finish();
      return { seed: 'history', ...done, seconds: Math.round((performance.now() - t0) / 100) / 10, dbBytes: await tableBytes(pool) };
    } catch (e) {
      await writer.abort();
      throw e;
    }
  } finally {
    await pool.end();
  }
}
