// Group commit for the embedded store: `commit(fn)` runs `fn` inside a transaction shared
// with every other write asked for in the same turn of the event loop, and resolves once
// that transaction has committed — an acknowledgement still means committed.
//
//   const commit = groupCommit(db);
//   const seq = await commit(() => insert.run(row).lastInsertRowid);
//
// Why: with 10 connections writing, each commit wrote its own copy of the pages it
// touched (the ticket row, 7 index leaves, the timeline, full-text segments, 8 KPI rows)
// to the WAL: ~140 µs of a write's ~750 µs (scripts/bench/loop.ts). Writes that arrive
// together touch mostly the same pages (the right-most leaves, the city's KPI row), so one
// commit for all of them writes each page once. Each write runs in its own savepoint: one
// that throws is undone alone and rejects alone; a commit that fails (a full disk)
// rejects every write of the batch, none of which is then stored.
// Batches are flushed by setImmediate: after the poll phase has run the handlers of every
// request that arrived, so a quiet server commits a lone write at once.
import type Database from 'better-sqlite3';

export type GroupCommit = <T>(fn: () => T) => Promise<T>;

interface Pending {
  fn: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** At most this many writes share a transaction (bounds how long one flush holds the loop). */
const MAX_BATCH = 256;

export function groupCommit(db: Database.Database): GroupCommit {
  let queue: Pending[] = [];
  let scheduled = false;
  type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
  const runAll = db.transaction((batch: Pending[]): Outcome[] =>
    batch.map((p): Outcome => {
      try {
        // A nested better-sqlite3 transaction is a SAVEPOINT: a throw undoes this write only.
        return { ok: true, value: db.transaction(p.fn)() };
      } catch (error) {
        // Some errors (a full disk among them) make SQLite roll back the whole transaction:
        // then the writes before this one are gone too, and so is the batch.
        if (!db.inTransaction) throw error;
        return { ok: false, error };
      }
    }),
  );
  const flush = () => {
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(batch.length);
    scheduled = queue.length > 0;
    if (scheduled) setImmediate(flush);
    let outcomes: Outcome[];
    try {
      outcomes = runAll(batch);
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    outcomes.forEach((o, i) => (o.ok ? batch[i].resolve(o.value) : batch[i].reject(o.error)));
  };
  return <T>(fn: () => T) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
