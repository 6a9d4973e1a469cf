// The PostgreSQL (+PostGIS) track store: the TrackStore of server/store/tracks.ts for a
// deployment of several nodes, laid out like the SQLite one (server/store/sqlite-tracks.ts)
// so a finished day is one codec run per device (~5 bytes a position) and appends go at
// city rate. Tables: migrations/010_tracks.sql.
//
//   const tracks = openPgTrackStore(pool);                        // the pool is the caller's
//   setInterval(() => tracks.compact(), TRACK_COMPACT_INTERVAL_MS);   // on any node, or all
//   await tracks.near({ lon, lat, radiusM: 50, from, to });        // who was there (PostGIS)
//
// Tiers, newest first: track_log (a row per fix, its primary key the duplicate rule;
// tracks-append.ts), track_open (codec runs of unfinished device-days) and track_chunks
// (one deflated run per device-day, partitioned by day; tracks-compact.ts). Every chunk
// carries its fixes' bounding box as a PostGIS polygon under a GiST index
// (tracks-spatial.ts). Nothing is kept in memory: every node reads the same tables, so
// any node may append, read, compact or drop, and a restart loses nothing but a cache.
// A read is one statement over the three tiers, so it sees one snapshot: a fix being moved
// from the log into a chunk is in exactly one of them.
//
// Acknowledgement: append resolves after COMMIT. Failures (statement timeout, a lost
// connection, the pool's connect timeout) reject the call's promise; none is left to crash
// the process or to hang beyond those timeouts (pool.ts). close() ends what the store
// runs (a compaction stops between slices) — not the pool.
import type pg from 'pg';
import type { Fix } from '../../domain/fix.ts';
import { dayCST } from '../../domain/day.ts';
import { decode, isStorable, quantise } from '../../domain/track-codec.ts';
import type { TrackStats, TrackStore } from '../tracks.ts';
import { appendFixes, type IngestMode } from './tracks-append.ts';
import { compact, dropDaysBefore } from './tracks-compact.ts';
import { FIX_COLUMNS, byTime, fixOf, inOrder, type FixRow } from './tracks-db.ts';
import { fixesInBox, devicesNear, type Box, type Near } from './tracks-spatial.ts';

export interface PgTrackOptions {
  /** Today's small chunks of a device-day are merged once this many have gathered (30:
   * half an hour at one compaction a minute). */
  mergeAfter?: number;
  /** How an append hands its fixes to PostgreSQL: COPY into a staging table (default:
   * the higher throughput under concurrent appends) or parameter arrays read by unnest()
   * (tracks-append.ts). */
  ingest?: IngestMode;
}

export interface PgTrackStats extends TrackStats {
  /** bytes by table (with indexes and TOAST): final chunks (all partitions), open chunks,
   * the append log, track_last. */
  tables: { final: number; open: number; log: number; last: number };
}

export interface PgTrackStore extends TrackStore {
  stats(): Promise<PgTrackStats>;
  /** Each device's fixes inside the box (WGS-84 degrees) with `from <= t < to`, in time
   * order, devices by id. Chunks are found by their extent's GiST index, then decoded. */
  inBox(box: Box, from: number, to: number): Promise<{ device: string; fixes: Fix[] }[]>;
  /** Devices with a fix within `radiusM` of the point in [from, to): each device's nearest
   * such fix, nearest first. "Who was near the hydrant on the 23rd". */
  near(q: Near): Promise<{ device: string; fix: Fix; distanceM: number }[]>;
}

const DEFAULT_MERGE_AFTER = 30;
const DEFAULT_BUDGET_MS = 1000;

// One statement, one snapshot, three tiers. Chunks are found by their time range in the
// device's days: the partition key and (day, device) lead every index used.
const TRACK = `SELECT body, NULL::int8 AS t, NULL::float8 AS lon, NULL::float8 AS lat, NULL::float8 AS speed, NULL::float8 AS bearing,
    NULL::float8 AS altitude, NULL::float8 AS accuracy, NULL::float8 AS battery
  FROM track_chunks WHERE day BETWEEN $2 AND $3 AND device = $1 AND t1 >= $4 AND t0 < $5
UNION ALL
SELECT body, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM track_open WHERE day BETWEEN $2 AND $3 AND device = $1 AND t1 >= $4 AND t0 < $5
UNION ALL
SELECT NULL, t, lon, lat, speed, bearing, altitude, accuracy, battery FROM track_log WHERE device = $1 AND t >= $4 AND t < $5`;

const LAST_FIXES = `SELECT DISTINCT ON (device) ${FIX_COLUMNS} FROM (
  SELECT ${FIX_COLUMNS} FROM track_last UNION ALL SELECT ${FIX_COLUMNS} FROM track_log) x
ORDER BY device, t DESC`;

// Sizes on disk: every partition of track_chunks, and the other tables, each with its
// indexes and TOAST (pg_total_relation_size). This is file size: it includes the free
// space in pages (dead rows not yet reused), which SQLite's figure leaves out.
const STATS = `SELECT
  (SELECT coalesce(sum(n), 0) FROM track_chunks)::int8 AS final_positions,
  (SELECT count(*) FROM track_chunks)::int8 AS final_chunks,
  (SELECT coalesce(sum(n), 0) FROM track_open)::int8 AS open_positions,
  (SELECT count(*) FROM track_open)::int8 AS open_chunks,
  (SELECT count(*) FROM track_open WHERE NOT sealed)::int8 AS recent_chunks,
  (SELECT count(*) FROM track_log)::int8 AS log_fixes,
  (SELECT count(*) FROM (SELECT device FROM track_last UNION SELECT device FROM track_log) d)::int8 AS devices,
  (SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_partition_tree('track_chunks') WHERE isleaf)::int8 AS final_bytes,
  pg_total_relation_size('track_open')::int8 AS open_bytes,
  pg_total_relation_size('track_log')::int8 AS log_bytes,
  pg_total_relation_size('track_last')::int8 AS last_bytes`;

export function openPgTrackStore(pool: pg.Pool, opts: PgTrackOptions = {}): PgTrackStore {
  const mergeAfter = opts.mergeAfter ?? DEFAULT_MERGE_AFTER;
  const ingest = opts.ingest ?? 'copy';
  let closed = false;
  const live = () => !closed;
  const open = () => {
    if (closed) throw new Error('track store closed');
  };

  // Compaction and retention run one at a time in this process (a timer firing while the
  // previous compaction still runs waits); across nodes the advisory locks order them.
  let maintenance: Promise<unknown> = Promise.resolve();
  function serially<T>(job: () => Promise<T>): Promise<T> {
    const run = maintenance.then(() => {
      open();
      return job();
    });
    maintenance = run.catch(() => undefined);
    return run;
  }

  return {
    async append(fixes) {
      open();
      if (fixes.length === 0) return { stored: 0, duplicates: [] };
      const q = new Array<Fix>(fixes.length);
      for (let i = 0; i < fixes.length; i++) {
        if (!isStorable(fixes[i])) throw new RangeError(`fix ${i}: not storable (t, lon, lat must be finite numbers; other values finite or null)`);
        q[i] = quantise(fixes[i]);
      }
      return appendFixes(pool, q, ingest);
    },

    async track(device, from, to) {
      open();
      if (!(from < to)) return [];
      const { rows } = await pool.query<FixRow & { body: Buffer | null }>(TRACK, [device, dayCST(from), dayCST(to - 1), from, to]);
      const out: Fix[] = [];
      for (const r of rows) {
        if (r.body === null) out.push(fixOf({ ...r, device }));
        else for (const f of decode(r.body, device)) if (f.t >= from && f.t < to) out.push(f);
      }
      return inOrder(out) ? out : out.sort(byTime);
    },

    async lastFixes() {
      open();
      return (await pool.query<FixRow>(LAST_FIXES)).rows.map(fixOf);
    },

    compact: (o = {}) => serially(() => compact(pool, { now: o.now ?? Date.now(), budgetMs: o.budgetMs ?? DEFAULT_BUDGET_MS, mergeAfter, live })),
    dropDaysBefore: (day) => serially(() => dropDaysBefore(pool, day)),

    async stats() {
      open();
      const r = (await pool.query(STATS)).rows[0] as Record<string, number>;
      const tables = { final: Number(r.final_bytes), open: Number(r.open_bytes), log: Number(r.log_bytes), last: Number(r.last_bytes) };
      const bytes = tables.final + tables.open + tables.log + tables.last;
      return {
        positions: Number(r.final_positions) + Number(r.open_positions) + Number(r.log_fixes),
        bytes, fileBytes: bytes,
        walBytes: 0, // the server's WAL is shared by every table and database: not the store's to count
        devices: Number(r.devices),
        chunks: Number(r.final_chunks) + Number(r.open_chunks), recentChunks: Number(r.recent_chunks), logFixes: Number(r.log_fixes),
        tables,
      };
    },

    async inBox(box, from, to) {
      open();
      return fixesInBox(pool, box, from, to);
    },
    async near(q) {
      open();
      return devicesNear(pool, q);
    },

    async close() {
      closed = true; // a compaction in progress stops after its current slice
      await maintenance;
    },
  };
}
