// Compaction and retention of the PostgreSQL track store (server/store/pg/tracks.ts).
//
// flush: the append log into open chunks, one raw codec run per device and CST day, in
//   slices of ~FLUSH_SLICE fixes (whole devices, in key order), each its own transaction
//   under the exclusive append lock: appends wait at most one slice (~tens of ms). Each
//   slice also saves its devices' newest fix (track_last).
// merge: a device-day of today with `mergeAfter` small chunks becomes one sealed (deflated)
//   open chunk; a device-day of a finished day — all its open chunks and the final chunk it
//   may already have (late fixes) — becomes its one final chunk, in the day's partition of
//   track_chunks, created here the first time. Batches of MERGE_BATCH device-days, each a
//   transaction under the merge lock (one compactor at a time across nodes), until the
//   budget is spent. Merges do not need the append lock: they replace chunks by chunks
//   holding the same fixes, in one transaction, and an append's checks each read one
//   snapshot.
// drop: whole day partitions (DROP TABLE), then what the open chunks, the log and
//   track_last hold of those days.
import type pg from 'pg';
import type { Fix } from '../../domain/fix.ts';
import { dayCST, dayStartMs } from '../../domain/day.ts';
import { decode } from '../../domain/track-codec.ts';
import type { CompactResult } from '../tracks.ts';
import {
  EXTENT, FIX_COLUMNS, LOCK, UNNEST_CHUNKS, UNNEST_FIXES, byDay, byTime, chunkArrays, chunkOf, fixArrays, fixOf, inOrder, withTx,
  type ChunkRow, type FixRow,
} from './tracks-db.ts';

const FLUSH_SLICE = 5000;
const MERGE_BATCH = 32;
// A day's partition: track_chunks_d20415 (day numbers, server/domain/day.ts; a day before
// 1970, from a phone with a broken clock, as track_chunks_dm3).
const PARTITION = /^track_chunks_d(m?)(\d+)$/;
const partitionName = (day: number) => `track_chunks_d${day < 0 ? 'm' : ''}${Math.abs(day)}`;

const INSERT_OPEN = (sealed: boolean) => `INSERT INTO track_open (day, device, t0, t1, n, sealed, body, extent)
  SELECT c.day, c.device, c.t0, c.t1, c.n, ${sealed}, c.body, ${EXTENT} FROM ${UNNEST_CHUNKS}`;
const UPSERT_FINAL = `INSERT INTO track_chunks (day, device, t0, t1, n, body, extent)
  SELECT c.day, c.device, c.t0, c.t1, c.n, c.body, ${EXTENT} FROM ${UNNEST_CHUNKS}
  ON CONFLICT (day, device) DO UPDATE SET t0 = excluded.t0, t1 = excluded.t1, n = excluded.n, body = excluded.body, extent = excluded.extent`;
const UPSERT_LAST = `INSERT INTO track_last (${FIX_COLUMNS}) SELECT * FROM ${UNNEST_FIXES}
  ON CONFLICT (device) DO UPDATE SET t = excluded.t, lon = excluded.lon, lat = excluded.lat, speed = excluded.speed, bearing = excluded.bearing,
    altitude = excluded.altitude, accuracy = excluded.accuracy, battery = excluded.battery
  WHERE excluded.t > track_last.t`;

/** The log into open chunks; how many fixes moved. `live()` false stops between slices. */
export async function flush(pool: pg.Pool, live: () => boolean): Promise<number> {
  let after: string | null = null;
  let moved = 0;
  while (live()) {
    const slice = await withTx(pool, [LOCK.appendExclusive], async (c) => {
      // The slice ends with the whole of the device at FLUSH_SLICE rows into the key order.
      const from = after === null ? '' : 'WHERE device > $1';
      const bound = await c.query<{ device: string }>(`SELECT device FROM track_log ${from} ORDER BY device, t OFFSET ${FLUSH_SLICE} LIMIT 1`, after === null ? [] : [after]);
      const upTo = bound.rows[0]?.device ?? null;
      const where = [after === null ? null : 'device > $1', upTo === null ? null : `device <= $${after === null ? 1 : 2}`].filter(Boolean);
      const params = [after, upTo].filter((v) => v !== null);
      const { rows } = await c.query<FixRow>(`DELETE FROM track_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} RETURNING ${FIX_COLUMNS}`, params);
      if (rows.length === 0) return { n: 0, upTo };
      const perDevice = new Map<string, Fix[]>();
      for (const r of rows) {
        const f = fixOf(r);
        const fs = perDevice.get(f.device);
        if (fs) fs.push(f);
        else perDevice.set(f.device, [f]);
      }
      const chunks: ChunkRow[] = [];
      const newest: Fix[] = [];
      for (const fs of perDevice.values()) {
        const days = byDay(fs);
        for (const run of days) chunks.push(chunkOf(run, false));
        const last = days[days.length - 1];
        newest.push(last[last.length - 1]);
      }
      await c.query(INSERT_OPEN(false), chunkArrays(chunks));
      await c.query(UPSERT_LAST, fixArrays(newest));
      return { n: rows.length, upTo };
    });
    moved += slice.n;
    if (slice.upTo === null) break; // that slice reached the end of the log
    after = slice.upTo;
  }
  return moved;
}

interface Todo {
  day: number;
  device: string;
  final: boolean;
}

/** Device-days to merge: every one of a finished day still with open chunks, and those of
 * today (or later) with `mergeAfter` small chunks gathered. Finished days first. */
async function todo(pool: pg.Pool, today: number, mergeAfter: number): Promise<Todo[]> {
  const { rows } = await pool.query<Todo>(
    `SELECT day, device, true AS final FROM track_open WHERE day < $1 GROUP BY day, device
     UNION ALL
     SELECT day, device, false FROM track_open WHERE day >= $1 AND NOT sealed GROUP BY day, device HAVING count(*) >= $2
     ORDER BY 1, 2`,
    [today, mergeAfter],
  );
  return rows;
}

/** Partitions of track_chunks, by day. */
export async function partitions(q: pg.Pool | pg.PoolClient): Promise<Map<number, string>> {
  const { rows } = await q.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'track_chunks'::regclass`,
  );
  const out = new Map<number, string>();
  for (const r of rows) {
    const m = PARTITION.exec(r.name);
    if (m) out.set((m[1] ? -1 : 1) * Number(m[2]), r.name);
  }
  return out;
}

/** Merges one batch; inside the caller's transaction (merge lock held). */
async function mergeBatch(c: pg.PoolClient, batch: Todo[]) {
  const days = batch.map((b) => b.day), devices = batch.map((b) => b.device), finals = batch.map((b) => b.final);
  // Read again under the lock: another node may have merged some of these meanwhile.
  const open = await c.query<{ id: number; day: number; device: string; body: Buffer }>(
    `SELECT o.id, o.day, o.device, o.body FROM unnest($1::int[], $2::text[], $3::bool[]) AS q(day, device, final)
     JOIN track_open o ON o.day = q.day AND o.device = q.device AND (q.final OR NOT o.sealed)`,
    [days, devices, finals],
  );
  const finalDays = [...new Set(batch.filter((b) => b.final).map((b) => b.day))];
  const known = finalDays.length > 0 ? await partitions(c) : new Map<number, string>();
  for (const day of finalDays) {
    if (!known.has(day)) await c.query(`CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF track_chunks FOR VALUES FROM (${day}) TO (${day + 1})`);
  }
  const kept = finalDays.length === 0 ? { rows: [] } : await c.query<{ day: number; device: string; body: Buffer }>(
    `SELECT k.day, k.device, k.body FROM unnest($1::int[], $2::text[]) AS q(day, device) JOIN track_chunks k ON k.day = q.day AND k.device = q.device`,
    [batch.filter((b) => b.final).map((b) => b.day), batch.filter((b) => b.final).map((b) => b.device)],
  );
  const runs = new Map<string, { final: boolean; fixes: Fix[]; pieces: number }>();
  for (const b of batch) runs.set(`${b.day}\u0000${b.device}`, { final: b.final, fixes: [], pieces: 0 });
  for (const r of [...open.rows, ...kept.rows]) {
    const run = runs.get(`${r.day}\u0000${r.device}`)!;
    for (const f of decode(r.body, r.device)) run.fixes.push(f);
    run.pieces++;
  }
  const sealed: ChunkRow[] = [];
  const final: ChunkRow[] = [];
  for (const run of runs.values()) {
    // Nothing to do when another node got there first (no open chunk left, or just one
    // sealed chunk of today).
    if (run.fixes.length === 0 || (!run.final && run.pieces < 2)) continue;
    if (!inOrder(run.fixes)) run.fixes.sort(byTime);
    (run.final ? final : sealed).push(chunkOf(run.fixes, true));
  }
  const ids = open.rows.filter((r) => {
    const run = runs.get(`${r.day}\u0000${r.device}`)!;
    return run.final || run.pieces >= 2;
  }).map((r) => r.id);
  if (ids.length > 0) await c.query('DELETE FROM track_open WHERE id = ANY($1::int8[])', [ids]);
  if (sealed.length > 0) await c.query(INSERT_OPEN(true), chunkArrays(sealed));
  if (final.length > 0) await c.query(UPSERT_FINAL, chunkArrays(final));
}

/** Vacuums tables whose rows compaction just deleted in bulk. Not left to autovacuum: the
 * log turns over every minute (~100 k rows city-wide), and autovacuum wakes at most once a
 * naptime, may be busy with other tables of a shared server, or be off; without vacuum the
 * log's heap and index grow by ~120 bytes per fix ever appended. VACUUM (not FULL) blocks
 * no reads or writes; SKIP_LOCKED passes over a table another node is vacuuming. A failure
 * (no right to vacuum) leaves the work to autovacuum and does not fail the compaction. */
async function vacuum(pool: pg.Pool, tables: string[]) {
  await pool.query(`VACUUM (SKIP_LOCKED) ${tables.join(', ')}`).catch(() => {});
}

export async function compact(pool: pg.Pool, o: { now: number; budgetMs: number; mergeAfter: number; live: () => boolean }): Promise<CompactResult> {
  const flushed = await flush(pool, o.live);
  if (flushed > 0 && o.live()) await vacuum(pool, ['track_log', 'track_last']);
  const today = dayCST(o.now);
  const work = o.live() ? await todo(pool, today, o.mergeAfter) : [];
  const started = performance.now();
  let merged = 0;
  while (merged < work.length && o.live() && performance.now() - started < o.budgetMs) {
    const batch = work.slice(merged, merged + MERGE_BATCH);
    await withTx(pool, [LOCK.merge], (c) => mergeBatch(c, batch));
    merged += batch.length;
  }
  if (merged > 0 && o.live()) await vacuum(pool, ['track_open']);
  return { flushed, merged, pending: work.length - merged };
}

/** Drops every fix of days before `day`; how many went. */
export async function dropDaysBefore(pool: pg.Pool, day: number): Promise<number> {
  let dropped = 0;
  // Whole days first: a partition at a time, each with its count, under the merge lock so a
  // compaction does not write into a day while it goes.
  for (const [d, name] of await partitions(pool)) {
    if (d >= day) continue;
    dropped += await withTx(pool, [LOCK.merge], async (c) => {
      // Another node's retention may have dropped it since it was listed.
      if ((await c.query('SELECT to_regclass($1) AS r', [name])).rows[0].r === null) return 0;
      const { rows } = await c.query<{ n: number }>(`SELECT coalesce(sum(n), 0)::int8 AS n FROM ${name}`);
      await c.query(`DROP TABLE ${name}`);
      return Number(rows[0].n);
    });
  }
  // The rest in one transaction holding both locks: no flush or merge moves fixes of those
  // days between the tiers while they are deleted (each tier would count them once, or miss
  // them). Open chunks of finished days are few (merged soon after midnight); the log is a
  // minute of fixes.
  const cutoff = dayStartMs(day);
  dropped += await withTx(pool, [LOCK.merge, LOCK.appendExclusive], async (c) => {
    const open = await c.query<{ n: number }>('WITH gone AS (DELETE FROM track_open WHERE day < $1 RETURNING n) SELECT coalesce(sum(n), 0)::int8 AS n FROM gone', [day]);
    const log = await c.query('DELETE FROM track_log WHERE t < $1', [cutoff]);
    await c.query('DELETE FROM track_last WHERE t < $1', [cutoff]);
    return Number(open.rows[0].n) + (log.rowCount ?? 0);
  });
  await vacuum(pool, ['track_open', 'track_log', 'track_last']);
  return dropped;
}
