// The embedded track store: every phone's fixes in their own SQLite file
// (DATA_DIR/tracks.sqlite, WAL, synchronous=NORMAL, EXCLUSIVE like the main store), laid
// out like a small LSM tree so a position costs ~5 bytes on disk and ~1.5 µs of CPU to append.
//
//   const tracks = openSqliteTrackStore(config.dataDir);       // a TrackStore (tracks.ts)
//   setInterval(() => tracks.compact(), TRACK_COMPACT_INTERVAL_MS); // every minute
//
// Tiers, newest first:
//  1. track_log: one row per append call, the call's accepted fixes (many devices) as one
//     codec run. Committed through the group commit before append resolves, so an
//     acknowledged fix is on disk; one blob insert per call, not a row per fix. Mirrored in
//     memory (each device's `tail`), so reads and duplicate checks never scan the log.
//  2. Recent chunks: compact() moves each device's tail into one chunk per device and CST
//     day (~12 fixes a minute), saves its newest fix (track_last: the live layer's reload
//     at start) and deletes the log rows it came from.
//  3. Sealed chunks: once a device-day has `mergeAfter` recent chunks (30: half an hour)
//     they are merged into one deflated chunk; once the day is over, all of its chunks
//     become one. A finished day is one row per device: ~29 KB for 8 hours of fixes.
// Chunks carry day, device, first and last instant and count in an index, so a track is
// one index range per day, and retention deletes whole chunks (a few hundred per
// transaction): no per-fix work. A late fix (a phone's offline queue) joins the tail like
// any other and lands in a chunk whose time range overlaps older ones; reads merge by time.
// Compaction and retention work in slices of ~10 ms, each its own transaction, the event
// loop free in between, and run one at a time (a timer firing during a long one waits).
//
// Duplicates (the same device and millisecond) are found in memory for every fix newer
// than its device's newest (nearly all of them: one comparison); an older one is looked
// for in the tail and in the chunks of its day whose range holds it (their instants are
// decoded once per call). If a commit fails (a full disk), memory is reloaded from disk:
// track_last, then the log replayed through the same duplicate check — which is also what
// makes a compaction killed half-way harmless (fixes both in the log and in chunks are
// found stored, not taken twice).
//
// Why a file of its own: 50 M fixes a day churn pages that the tickets' database should
// not share (its WAL, its checkpoints, its backups), and the bytes per position the issue
// asks for are then simply this file's pages in use. Hand-written over the codec
// (server/domain/track-codec.ts) because no embeddable time-series store runs inside
// better-sqlite3; the measured alternative, a row per fix, costs 76–127 bytes
// (`npm run bench -- tracks`).
import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Fix } from '../domain/fix.ts';
import { dayCST, dayStartMs } from '../domain/day.ts';
import { decode, decodeMany, decodeTimes, encode, encodeMany, isStorable, quantise } from '../domain/track-codec.ts';
import { groupCommit } from './sqlite-group-commit.ts';
import { DataDirInUseError, withFullDiskErrors } from './errors.ts';
import { describeOwner } from './lock.ts';
import type { AppendResult, CompactResult, TrackStats, TrackStore } from './tracks.ts';

export interface SqliteTrackOptions {
  /** The file under the data directory (default tracks.sqlite). */
  file?: string;
  /** SQLite's max_page_count (tests of a full disk). */
  maxPageCount?: number;
  lockWaitMs?: number;
  /** Today's recent chunks of a device-day are merged once this many have gathered. */
  mergeAfter?: number;
  /** The clock that says which days are over when the store opens. */
  now?: () => number;
}

export interface SqliteTrackStore extends TrackStore {
  db: Database.Database;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS track_log (seq INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS track_chunks (id INTEGER PRIMARY KEY, day INTEGER NOT NULL, device TEXT NOT NULL,
  t0 INTEGER NOT NULL, t1 INTEGER NOT NULL, n INTEGER NOT NULL, sealed INTEGER NOT NULL, body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS track_chunks_key ON track_chunks (day, device, t0, t1, n);
CREATE INDEX IF NOT EXISTS track_chunks_recent ON track_chunks (day, device) WHERE sealed = 0;
CREATE TABLE IF NOT EXISTS track_last (device TEXT PRIMARY KEY, t INTEGER NOT NULL, body BLOB NOT NULL) WITHOUT ROWID;
`;

const WAL_KEEP_BYTES = 4 * 1024 * 1024;
const DEFAULT_MERGE_AFTER = 30;
/** Merge work per compact() call. Slices yield, so this bounds CPU, not latency: at one
 * call a minute, the day-end merge of 8,500 phones (~5–9 ms each) takes ~40–75 minutes. */
const DEFAULT_BUDGET_MS = 1000;
/** Longest a compaction holds the event loop at a time (then it lets appends in). */
const SLICE_MS = 10;
const DROP_SLICE = 256;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface DeviceState {
  /** The newest fix stored, any tier. */
  last: Fix;
  /** Fixes in the log, not yet in chunks (arrival order). */
  tail: Fix[];
}
/** A device-day whose chunks are not yet one: how many recent and sealed chunks it has. */
interface Unsettled {
  device: string;
  day: number;
  recent: number;
  sealed: number;
}
type Undo = { s: DeviceState; prev: Fix | null };

const byTime = (a: Fix, b: Fix) => a.t - b.t;
const inOrder = (fs: Fix[]) => {
  for (let i = 1; i < fs.length; i++) if (fs[i].t < fs[i - 1].t) return false;
  return true;
};
const keyOf = (day: number, device: string) => `${day}\u0000${device}`;

export function openSqliteTrackStore(dataDir: string, opts: SqliteTrackOptions = {}): SqliteTrackStore {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, opts.file ?? 'tracks.sqlite');
  const db = new Database(file, { timeout: opts.lockWaitMs ?? 2000 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.exec('BEGIN IMMEDIATE; COMMIT');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUseError(dataDir, describeOwner(dataDir));
    throw e;
  }
  db.pragma('synchronous = NORMAL');
  db.pragma(`journal_size_limit = ${WAL_KEEP_BYTES}`);
  db.exec(SCHEMA);
  if (opts.maxPageCount) db.pragma(`max_page_count = ${Math.max(1, Math.floor(opts.maxPageCount))}`);
  const mergeAfter = opts.mergeAfter ?? DEFAULT_MERGE_AFTER;
  const commit = groupCommit(db);

  const q = {
    insLog: db.prepare('INSERT INTO track_log (body) VALUES (?)'),
    log: db.prepare('SELECT body FROM track_log ORDER BY seq').pluck(),
    maxLog: db.prepare('SELECT coalesce(max(seq), 0) FROM track_log').pluck(),
    delLog: db.prepare('DELETE FROM track_log WHERE seq <= ?'),
    insChunk: db.prepare('INSERT INTO track_chunks (day, device, t0, t1, n, sealed, body) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    // Chunks of a device-day whose range meets [from, to): t0 < to AND t1 >= from.
    ids: db.prepare('SELECT id FROM track_chunks WHERE day = ? AND device = ? AND t0 < ? AND t1 >= ?'),
    bodies: db.prepare('SELECT body FROM track_chunks WHERE day = ? AND device = ? AND t0 < ? AND t1 >= ?').pluck(),
    body: db.prepare('SELECT body FROM track_chunks WHERE id = ?').pluck(),
    dayChunks: db.prepare('SELECT id, body FROM track_chunks WHERE day = ? AND device = ?'),
    recentChunks: db.prepare('SELECT id, body FROM track_chunks WHERE day = ? AND device = ? AND sealed = 0'),
    delChunk: db.prepare('DELETE FROM track_chunks WHERE id = ?'),
    minDay: db.prepare('SELECT min(day) FROM track_chunks').pluck(),
    putLast: db.prepare('INSERT INTO track_last (device, t, body) VALUES (?, ?, ?) ON CONFLICT (device) DO UPDATE SET t = excluded.t, body = excluded.body'),
    lasts: db.prepare('SELECT device, body FROM track_last'),
    oldChunks: db.prepare('SELECT id, n FROM track_chunks WHERE day < ? LIMIT ?'),
    dropLast: db.prepare('DELETE FROM track_last WHERE t < ?'),
    totals: db.prepare('SELECT coalesce(sum(n), 0) AS positions, count(*) AS chunks FROM track_chunks'),
    recentCount: db.prepare('SELECT count(*) FROM track_chunks WHERE sealed = 0').pluck(),
  };

  let devices = new Map<string, DeviceState>();
  let tailFixes = 0;
  const unsettled = new Map<string, Unsettled>();
  let mutations = 0;
  let reloadedAt = 0;

  function isStored(s: DeviceState, f: Fix, cache: Map<number, Float64Array>): boolean {
    for (const g of s.tail) if (g.t === f.t) return true;
    for (const { id } of q.ids.all(dayCST(f.t), f.device, f.t + 1, f.t) as { id: number }[]) {
      let times = cache.get(id);
      if (!times) cache.set(id, (times = decodeTimes(q.body.get(id) as Uint8Array)));
      if (times.includes(f.t)) return true;
    }
    return false;
  }

  /** Takes each fix not already stored into its device's tail (and newest), in order. */
  function admit(fixes: readonly Fix[], undo: Undo[] | null): { accepted: Fix[]; duplicates: number[] } {
    const accepted: Fix[] = [];
    const duplicates: number[] = [];
    const cache = new Map<number, Float64Array>();
    for (let i = 0; i < fixes.length; i++) {
      const f = quantise(fixes[i]);
      let s = devices.get(f.device);
      if (s === undefined) {
        s = { last: f, tail: [] };
        devices.set(f.device, s);
        undo?.push({ s, prev: null });
      } else if (f.t > s.last.t) {
        undo?.push({ s, prev: s.last });
        s.last = f;
      } else if (f.t === s.last.t || isStored(s, f, cache)) {
        duplicates.push(i);
        continue;
      } else undo?.push({ s, prev: s.last });
      s.tail.push(f);
      accepted.push(f);
    }
    tailFixes += accepted.length;
    return { accepted, duplicates };
  }

  /** Memory as the disk has it: each device's newest from track_last, then the log replayed. */
  function reload() {
    devices = new Map();
    tailFixes = 0;
    for (const r of q.lasts.all() as { device: string; body: Uint8Array }[]) {
      devices.set(r.device, { last: decode(r.body, r.device)[0], tail: [] });
    }
    for (const body of q.log.all() as Uint8Array[]) admit(decodeMany(body), null);
    reloadedAt = mutations;
  }

  function unsettledOf(day: number, device: string): Unsettled {
    const k = keyOf(day, device);
    let u = unsettled.get(k);
    if (!u) unsettled.set(k, (u = { device, day, recent: 0, sealed: 0 }));
    return u;
  }

  /** A device's tail as recent chunks (one per CST day) and its newest fix saved. Inside
   * the caller's transaction; memory is changed by the caller once that commits. */
  function writeTail(s: DeviceState): number[] {
    const tail = inOrder(s.tail) ? s.tail : [...s.tail].sort(byTime);
    const days: number[] = [];
    for (let i = 0; i < tail.length; ) {
      const day = dayCST(tail[i].t);
      let j = i + 1;
      while (j < tail.length && dayCST(tail[j].t) === day) j++;
      q.insChunk.run(day, s.last.device, tail[i].t, tail[j - 1].t, j - i, 0, encode(tail.slice(i, j)));
      days.push(day);
      i = j;
    }
    q.putLast.run(s.last.device, s.last.t, encode([s.last]));
    return days;
  }

  /** Every tail into recent chunks, a slice of devices per transaction (SLICE_MS each,
   * the event loop free in between, appends going on), then the log rows they came from
   * deleted. Killed half-way, the log still holds fixes some chunks hold too: the replay at
   * open finds them stored (admit) and takes only the others. */
  async function flush(): Promise<number> {
    if (tailFixes === 0 || !db.open) return 0;
    const upTo = q.maxLog.get() as number;
    const ids: string[] = [];
    for (const [device, s] of devices) if (s.tail.length > 0) ids.push(device);
    let flushed = 0;
    for (let k = 0; k < ids.length; ) {
      if (!db.open) return flushed; // the app closed the store between slices: the log keeps the rest
      const started = performance.now();
      const done: [DeviceState, number[]][] = [];
      db.transaction(() => {
        while (k < ids.length && performance.now() - started < SLICE_MS) {
          const s = devices.get(ids[k++]); // looked up now: memory may have been reloaded
          if (s && s.tail.length > 0) done.push([s, writeTail(s)]);
        }
      })();
      for (const [s, days] of done) {
        flushed += s.tail.length;
        tailFixes -= s.tail.length;
        s.tail = [];
        for (const day of days) unsettledOf(day, s.last.device).recent++;
      }
      if (k < ids.length) await nextTurn();
    }
    if (db.open) q.delLog.run(upTo);
    return flushed;
  }

  /** Merges a device-day's chunks (all of them once the day is over, else the recent ones)
   * into one sealed chunk. Inside the caller's transaction. */
  function merge(u: Unsettled, dayOver: boolean) {
    const rows = (dayOver ? q.dayChunks : q.recentChunks).all(u.day, u.device) as { id: number; body: Uint8Array }[];
    if (rows.length === 0) return;
    const all: Fix[] = [];
    for (const r of rows) for (const f of decode(r.body, u.device)) all.push(f);
    if (!inOrder(all)) all.sort(byTime);
    q.insChunk.run(u.day, u.device, all[0].t, all[all.length - 1].t, all.length, 1, encode(all, { deflate: true }));
    for (const r of rows) q.delChunk.run(r.id);
  }

  async function compactNow(now: number, budgetMs: number): Promise<CompactResult> {
    const flushed = await flush();
    const today = dayCST(now);
    const todo: Unsettled[] = [];
    for (const [k, u] of unsettled) {
      if (u.day < today) {
        if (u.recent > 0 || u.sealed > 1) todo.push(u);
        else unsettled.delete(k);
      } else if (u.recent >= mergeAfter) todo.push(u);
    }
    todo.sort((a, b) => a.day - b.day); // finished days first
    let spent = 0;
    let merged = 0;
    while (merged < todo.length && spent < budgetMs && db.open) {
      const started = performance.now();
      const done: Unsettled[] = [];
      db.transaction(() => {
        while (merged + done.length < todo.length && (done.length === 0 || performance.now() - started < SLICE_MS)) {
          const u = todo[merged + done.length];
          merge(u, u.day < today);
          done.push(u);
        }
      })();
      for (const u of done) {
        if (u.day < today) unsettled.delete(keyOf(u.day, u.device));
        else {
          u.sealed++;
          u.recent = 0;
        }
      }
      merged += done.length;
      spent += performance.now() - started;
      if (merged < todo.length && spent < budgetMs) await nextTurn();
    }
    return { flushed, merged, pending: todo.length - merged };
  }

  function track(device: string, from: number, to: number): Fix[] {
    const s = devices.get(device);
    if (!s || !(from < to)) return [];
    const out: Fix[] = [];
    const minDay = q.minDay.get() as number | null;
    if (minDay !== null) {
      const last = Math.min(dayCST(to - 1), dayCST(s.last.t));
      for (let day = Math.max(dayCST(from), minDay); day <= last; day++) {
        for (const body of q.bodies.all(day, device, to, from) as Uint8Array[]) {
          for (const f of decode(body, device)) if (f.t >= from && f.t < to) out.push(f);
        }
      }
    }
    for (const f of s.tail) if (f.t >= from && f.t < to) out.push(f);
    return inOrder(out) ? out : out.sort(byTime);
  }

  /** Whole chunks of the days before `day`, a few hundred per transaction. */
  async function dropDaysBefore(day: number): Promise<number> {
    await flush();
    let dropped = 0;
    for (;;) {
      if (!db.open) return dropped;
      const rows = q.oldChunks.all(day, DROP_SLICE) as { id: number; n: number }[];
      if (rows.length === 0) break;
      db.transaction(() => {
        for (const r of rows) q.delChunk.run(r.id);
      })();
      for (const r of rows) dropped += r.n;
      await nextTurn();
    }
    const cutoff = dayStartMs(day);
    q.dropLast.run(cutoff);
    for (const [device, s] of devices) if (s.last.t < cutoff && s.tail.length === 0) devices.delete(device);
    for (const [k, u] of unsettled) if (u.day < day) unsettled.delete(k);
    return dropped;
  }

  function stats(): TrackStats {
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const size = db.pragma('page_size', { simple: true }) as number;
    const t = q.totals.get() as { positions: number; chunks: number };
    let walBytes = 0;
    try {
      walBytes = statSync(`${file}-wal`).size;
    } catch { /* no WAL file yet */ }
    return {
      positions: t.positions + tailFixes, bytes: (pages - free) * size, fileBytes: pages * size, walBytes,
      devices: devices.size, chunks: t.chunks, recentChunks: q.recentCount.get() as number, logFixes: tailFixes,
    };
  }

  // Open: memory from disk, and the device-days still to be merged (recent chunks anywhere;
  // several sealed chunks on yesterday or today, the days a running store leaves so).
  reload();
  for (const r of db.prepare('SELECT day, device, count(*) AS c FROM track_chunks WHERE sealed = 0 GROUP BY day, device').all() as { day: number; device: string; c: number }[]) {
    unsettledOf(r.day, r.device).recent = r.c;
  }
  const recentDays = dayCST((opts.now ?? Date.now)()) - 1;
  for (const r of db.prepare('SELECT day, device, count(*) AS c FROM track_chunks WHERE day >= ? GROUP BY day, device HAVING count(*) > 1').all(recentDays) as { day: number; device: string; c: number }[]) {
    const u = unsettledOf(r.day, r.device);
    u.sealed = r.c - u.recent;
  }

  // Maintenance (compaction, retention, close) runs one at a time: a timer that fires while
  // the previous compaction still yields between its slices waits for it.
  let maintenance: Promise<unknown> = Promise.resolve();
  function serially<T>(job: () => Promise<T>): Promise<T> {
    const run = maintenance.then(job);
    maintenance = run.catch(() => undefined);
    return run;
  }

  const store: SqliteTrackStore = {
    db,
    async append(fixes) {
      if (fixes.length === 0) return { stored: 0, duplicates: [] };
      for (let i = 0; i < fixes.length; i++) {
        if (!isStorable(fixes[i])) throw new RangeError(`fix ${i}: not storable (t, lon, lat must be finite numbers; other values finite or null)`);
      }
      try {
        return await commit((): AppendResult => {
          const undo: Undo[] = [];
          const { accepted, duplicates } = admit(fixes, undo);
          try {
            if (accepted.length > 0) q.insLog.run(encodeMany(accepted));
          } catch (e) {
            for (const { s, prev } of undo.reverse()) { // this call's fixes out of memory again
              s.tail.pop();
              if (prev === null) devices.delete(s.last.device);
              else s.last = prev;
            }
            tailFixes -= accepted.length;
            throw e;
          }
          if (accepted.length > 0) mutations++;
          return { stored: accepted.length, duplicates };
        });
      } catch (e) {
        // The transaction this append shared may have been rolled back with others' fixes
        // already in memory: make memory what is committed again (once per failure).
        if (reloadedAt !== mutations && !db.inTransaction) reload();
        throw e;
      }
    },
    track: async (device, from, to) => track(device, from, to),
    lastFixes: async () => Array.from(devices.values(), (s) => s.last),
    dropDaysBefore: (day) => serially(() => dropDaysBefore(day)),
    compact: (o = {}) => serially(() => compactNow(o.now ?? Date.now(), o.budgetMs ?? DEFAULT_BUDGET_MS)),
    stats: async () => stats(),
    close: () => serially(async () => {
      try {
        await flush();
      } catch {
        // a full disk: the log keeps the fixes, replayed at the next open
      }
      db.close();
    }),
  };
  return withFullDiskErrors(store);
}
