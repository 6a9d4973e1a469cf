// A year of tickets in an empty store, as the live product would have stored them. Two
// threads share the work: a worker generates the history (generate.ts: the domain's own
// act() and kpiDelta for every step) and sends its rows (codec.ts); this thread writes
// them with the bulk writer (server/store/sqlite-bulk.ts) — one connection, a transaction
// per 50,000 tickets, multi-row prepared statements, most indexes built at the end — then
// the KPI rows, summed in memory, once. `threads: false` does both on this thread (same
// store, byte for byte: tests/seed.history.test.ts).
// Synthetic throughout (accounts named by role and place, reporters, descriptions); photo
// evidence is recorded by hash in the timelines but no files are written, so
// GET /api/photos/:hash answers 404 for them.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openSqliteStores, type SqliteStores } from '../../server/store/sqlite.ts';
import { sqliteBulkWriter } from '../../server/store/sqlite-bulk.ts';
import { generate } from './generate.ts';
import { decodeRows } from './codec.ts';
import type { Batch, FromWorker, WorkerInput } from './worker.ts';
import { seedHistoryPg, type PgTarget } from './history-pg.ts';

const STORE_FILE = 'one-net.sqlite';

export interface SeedOptions {
  /** The data directory (the server's DATA_DIR). */
  dir: string;
  count: number;
  seed: number;
  /** The history's end, epoch ms: nothing happens at or after it. */
  endMs: number;
  /** Delete the store first (otherwise a store that holds tickets is refused). */
  fresh?: boolean;
  /** Tickets per transaction (default 50,000). */
  transaction?: number;
  /** Generate on a worker thread while this one writes (default true). */
  threads?: boolean;
  /** Progress, a line at a time. */
  log?: (line: string) => void;
  /** PostgreSQL instead of the embedded store under `dir` (seed:history with DATABASE_URL). */
  database?: PgTarget;
}

export interface SeedResult {
  seed: 'history';
  tickets: number;
  timeline: number;
  kpiRows: number;
  seconds: number;
  dbBytes: number;
}

export class StoreNotEmptyError extends Error {}

/** The store, empty: refused if it holds tickets, deleted first with `fresh`. */
function openEmpty(o: SeedOptions): SqliteStores {
  let stores = openSqliteStores(o.dir); // takes the directory's lock: refused while a server runs on it
  if (o.fresh) {
    stores.close();
    for (const f of readdirSync(o.dir)) if (f === STORE_FILE || f.startsWith(`${STORE_FILE}-`)) rmSync(join(o.dir, f));
    stores = openSqliteStores(o.dir);
  }
  const n = stores.db.prepare('SELECT count(*) FROM tickets').pluck().get() as number;
  if (n > 0) {
    stores.close();
    throw new StoreNotEmptyError(`${o.dir} already holds ${n} tickets: seed:history writes only into an empty store (--fresh deletes the store first)`);
  }
  return stores;
}

/** Bytes of the store's files (the database and its WAL). */
export function storeBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).filter((f) => f.startsWith(STORE_FILE) && !f.endsWith('.json')).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

export async function seedHistory(o: SeedOptions): Promise<SeedResult> {
  if (o.database) return seedHistoryPg(o, o.database);
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const stores = openEmpty(o);
  try {
    const base = stores.db.prepare("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'tickets'").pluck().get() as number;
    const writer = sqliteBulkWriter(stores.db);
    const perTransaction = o.transaction ?? 50_000;
    let sinceCommit = 0;
    const stored = (n: number) => {
      if ((sinceCommit += n) >= perTransaction) (writer.commit(), (sinceCommit = 0));
    };
    const gen = { count: o.count, seed: o.seed, endMs: o.endMs, base, batch: 5_000 };
    if (o.threads === false) {
      generate(gen, {
        ticket: (t) => (writer.ticket(t), stored(1)),
        timeline: (ticket, e) => writer.timeline(ticket, e),
        kpi: (dim, key, day, counts) => writer.kpi(dim, key, day, counts),
        batch() {},
        log,
      });
    } else {
      await inWorker({ ...gen, inFlight: new SharedArrayBuffer(4) }, (b, decodeBatch) => {
        let i = 0;
        decodeBatch(b, (values) => writer.ticketRow(values, b.texts[i++]), (values) => writer.timelineRow(values), (values) => writer.kpiRow(values));
        stored(b.tickets.rows);
      }, log);
    }
    log(`seed:history building indexes, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const done = writer.finish();
    stores.close();
    return { seed: 'history', ...done, seconds: Math.round((performance.now() - t0) / 100) / 10, dbBytes: storeBytes(o.dir) };
  } catch (e) {
    if (stores.db.open) stores.close();
    throw e;
  }
}

/** Decodes a batch from the generator's thread into rows, tickets first. `words` is the
 * vocabulary so far (batches add to it). */
export function batchDecoder() {
  const words: string[] = [];
  return (b: Batch, ticket: (values: unknown[]) => void, timeline: (values: unknown[]) => void, kpi: (values: unknown[]) => void) => {
    for (const w of b.words) words.push(w);
    decodeRows(b.tickets, words, ticket);
    decodeRows(b.timeline, words, timeline);
    decodeRows(b.kpi, words, kpi);
  };
}

/** Runs the generator on a worker thread; `write` stores each batch of rows (a promise: the
 * generator is let on only once it resolves, so at most a few batches wait in memory). */
export function inWorker(input: WorkerInput, write: (b: Batch, decodeBatch: ReturnType<typeof batchDecoder>) => void | Promise<void>, log: (line: string) => void): Promise<void> {
  const inFlight = new Int32Array(input.inFlight);
  const decode = batchDecoder();
  let busyMs = 0;
  // A large young generation: the history in flight (entries waiting for their turn) would
  // otherwise be copied by scavenge after scavenge (~10 % of the generator's time).
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: input, resourceLimits: { maxYoungGenerationSizeMb: 192 } });
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    let finished = false;
    const fail = (e: unknown) => {
      if (failed || finished) return;
      failed = true;
      // Let it out of its wait for the writer, then stop it.
      Atomics.store(inFlight, 0, 0);
      Atomics.notify(inFlight, 0);
      void worker.terminate();
      reject(e);
    };
    worker.on('message', (m: FromWorker) => {
      if (failed) return;
      try {
        if ('log' in m) log(m.log);
        else if ('done' in m) {
          log(`seed:history writer busy ${(busyMs / 1000).toFixed(1)} s, generator waited for it ${(m.done.waitedMs / 1000).toFixed(1)} s`);
          finished = true;
          resolve();
        } else {
          const t0 = performance.now();
          const written = write(m.batch, decode);
          const letOn = () => {
            Atomics.sub(inFlight, 0, 1);
            Atomics.notify(inFlight, 0);
          };
          if (written) written.then(letOn, fail);
          else letOn();
          busyMs += performance.now() - t0;
        }
      } catch (e) {
        fail(e);
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`seed:history: the generator's thread exited (${code}) before it was done`)));
  });
}
