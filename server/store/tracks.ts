// The track store: every grid phone's fixes, kept per device and CST day, read back as a
// device's track between two instants. One interface, asynchronous because the PostgreSQL
// store implements it too (pg/tracks.ts); the embedded one is sqlite-tracks.ts, and
// tests/store/track-store.conformance.ts says what both must do.
//
//   const { stored, duplicates } = await tracks.append(fixes);   // committed when it resolves
//   const today = await tracks.track('w-0001', dayStartMs(d), dayStartMs(d + 1));
//   const live = await tracks.lastFixes();                        // at start, for the wall
//   setInterval(() => tracks.compact(), TRACK_COMPACT_INTERVAL_MS);
//   await tracks.dropDaysBefore(dayCST(now) - retentionDays + 1);  // daily
//
// Values come back at the codec's resolution (server/domain/track-codec.ts: 1e-6°, 1 ms,
// 0.1 m/s …), whichever tier they are read from. Fixes handed back may be the store's own
// objects: read them, do not change them.
import type { Fix } from '../domain/fix.ts';

export interface AppendResult {
  /** Fixes newly stored. */
  stored: number;
  /** Indices (in the call) of fixes dropped because their device already had a fix at that
   * exact millisecond, stored before or earlier in the same call. */
  duplicates: number[];
}

export interface TrackStats {
  /** Fixes stored, every tier. */
  positions: number;
  /** Bytes of the track tables and their indexes on disk. SQLite: the pages in use (free
   * pages not counted). PostgreSQL: pg_total_relation_size of every track table (all day
   * partitions, indexes, TOAST), which counts the free space in pages until vacuum reuses it. */
  bytes: number;
  /** SQLite: the database file's size (with free pages), and its write-ahead log's.
   * PostgreSQL: fileBytes = bytes, walBytes 0 (the server's WAL is shared, not the store's). */
  fileBytes: number;
  walBytes: number;
  devices: number;
  /** Chunks on disk, and of them the small recent ones still to be merged. */
  chunks: number;
  recentChunks: number;
  /** Fixes committed to the append log but not yet in chunks (compaction moves them). */
  logFixes: number;
}

export interface CompactResult {
  /** Fixes moved from the append log into per device-day chunks. */
  flushed: number;
  /** Device-days whose small chunks were merged into sealed ones. */
  merged: number;
  /** Device-days still waiting to be merged (the budget ran out): call again soon. */
  pending: number;
}

/** How often the app should call `compact()`: it bounds the log and the memory behind it
 * (~1,700 fixes/s for 8,500 phones: ~100 k fixes a minute). A call answering `pending > 0`
 * (after midnight, every device's day being merged) may be repeated sooner to finish
 * faster; at one call a minute the day-end merge of 8,500 phones takes about an hour. */
export const TRACK_COMPACT_INTERVAL_MS = 60_000;

export interface TrackStore {
  /** Fixes of any devices in any order, checked beforehand (finite, in range: ingest's
   * checkFix). Resolves once committed. A late fix (a phone's offline queue) is stored
   * and read back in its place in time. */
  append(fixes: readonly Fix[]): Promise<AppendResult>;
  /** A device's fixes with `from <= t < to`, in time order. */
  track(device: string, from: number, to: number): Promise<Fix[]>;
  /** The newest fix of every device with fixes stored. */
  lastFixes(): Promise<Fix[]>;
  /** Drops every fix of CST days before `day` (a day number, server/domain/day.ts), whole
   * chunks at a time; returns how many fixes went. Devices with nothing left are forgotten. */
  dropDaysBefore(day: number): Promise<number>;
  /** Moves recent fixes into compact per device-day chunks and merges small chunks; bounded
   * merge work per call (`budgetMs`, default 1 s of CPU, done in ~10 ms slices that let
   * other work in). `now` decides which days are over (default Date.now()). */
  compact(opts?: { now?: number; budgetMs?: number }): Promise<CompactResult>;
  stats(): Promise<TrackStats>;
  close(): Promise<void>;
}
