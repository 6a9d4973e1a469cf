// What the PostgreSQL track store's modules share (server/store/pg/tracks.ts): the
// transaction helper, the advisory locks that order appends against compaction, and the
// row <-> fix and chunk shapes.
import type pg from 'pg';
import type { Fix } from '../../domain/fix.ts';
import { dayCST } from '../../domain/day.ts';
import { encode } from '../../domain/track-codec.ts';

/** Advisory locks, per schema (two deployments or test schemas in one database do not
 * share them): `(class, hashtext(current_schema()))`. Transaction-scoped, so a connection
 * lost mid-way releases them. APPEND: every append holds it shared; moving fixes from the
 * log into chunks holds it exclusive, so an append's "is this fix already in a chunk?"
 * check and its insert into the log see the same state (a fix moving from the log to a
 * chunk between the two would be taken twice). MERGE: compaction's merges and retention,
 * one at a time across every node. */
const LOCK_CLASS_APPEND = 0x7472_61; // "tra"
const LOCK_CLASS_MERGE = 0x7472_6d; // "trm"
export const LOCK = {
  appendShared: `SELECT pg_advisory_xact_lock_shared(${LOCK_CLASS_APPEND}, hashtext(current_schema()))`,
  appendExclusive: `SELECT pg_advisory_xact_lock(${LOCK_CLASS_APPEND}, hashtext(current_schema()))`,
  merge: `SELECT pg_advisory_xact_lock(${LOCK_CLASS_MERGE}, hashtext(current_schema()))`,
};

/** Runs `fn` in one transaction on a client of the caller's pool, after `locks`. Any failure
 * (a statement timeout, a lost connection, a COPY cut short) rolls back and rejects; the
 * client is then closed rather than returned to the pool in an unknown state. While the
 * client is ours, its 'error' event (the server ended the connection) has a listener, so it
 * rejects the running query instead of crashing the process (pg-pool only listens while a
 * client is idle). */
export async function withTx<T>(pool: pg.Pool, locks: string[], fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let failure: Error | undefined;
  const onError = (e: Error) => {
    failure ??= e;
  };
  c.on('error', onError);
  try {
    await c.query(['BEGIN', ...locks].join(';'));
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    failure ??= e instanceof Error ? e : new Error(String(e));
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.off('error', onError);
    c.release(failure);
  }
}

/** The fix columns of track_log and track_last, in table order. */
export const FIX_COLUMNS = 'device, t, lon, lat, speed, bearing, altitude, accuracy, battery';

/** A row as `pg` gives it: a fix whose BIGINT time may arrive as a string. */
export type FixRow = Omit<Fix, 't'> & { t: number | string };

/** A stored row as a fix. The values were quantised before they were written, and float8
 * round-trips a double exactly, so this equals what the codec would decode. */
export const fixOf = (r: FixRow): Fix => ({
  device: r.device, t: Number(r.t), lon: r.lon, lat: r.lat,
  speed: r.speed, bearing: r.bearing, altitude: r.altitude, accuracy: r.accuracy, battery: r.battery,
});

/** Fixes as parallel arrays for `unnest(...)` (a row per fix in one statement). */
export function fixArrays(fixes: readonly Fix[]): unknown[] {
  return [
    fixes.map((f) => f.device), fixes.map((f) => f.t), fixes.map((f) => f.lon), fixes.map((f) => f.lat),
    fixes.map((f) => f.speed), fixes.map((f) => f.bearing), fixes.map((f) => f.altitude), fixes.map((f) => f.accuracy), fixes.map((f) => f.battery),
  ];
}
export const UNNEST_FIXES = 'unnest($1::text[], $2::int8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[])';

/** One codec run of a device-day, ready to insert, with its time range and extent. */
export interface ChunkRow {
  day: number;
  device: string;
  t0: number;
  t1: number;
  n: number;
  body: Uint8Array;
  west: number;
  south: number;
  east: number;
  north: number;
}

/** `fixes`: one device, one CST day, in time order. */
export function chunkOf(fixes: readonly Fix[], deflate: boolean): ChunkRow {
  let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
  for (const f of fixes) {
    if (f.lon < west) west = f.lon;
    if (f.lon > east) east = f.lon;
    if (f.lat < south) south = f.lat;
    if (f.lat > north) north = f.lat;
  }
  const body = encode(fixes, { deflate });
  return { day: dayCST(fixes[0].t), device: fixes[0].device, t0: fixes[0].t, t1: fixes[fixes.length - 1].t, n: fixes.length, body, west, south, east, north };
}

/** Chunk rows as parallel arrays: $1 day … $10 north, for `unnest(...)`; bodies as Buffers
 * (pg sends a Buffer in an array as bytea hex). */
export function chunkArrays(rows: readonly ChunkRow[]): unknown[] {
  return [
    rows.map((r) => r.day), rows.map((r) => r.device), rows.map((r) => r.t0), rows.map((r) => r.t1), rows.map((r) => r.n),
    rows.map((r) => Buffer.from(r.body.buffer, r.body.byteOffset, r.body.length)),
    rows.map((r) => r.west), rows.map((r) => r.south), rows.map((r) => r.east), rows.map((r) => r.north),
  ];
}
export const UNNEST_CHUNKS = `unnest($1::int[], $2::text[], $3::int8[], $4::int8[], $5::int[], $6::bytea[], $7::float8[], $8::float8[], $9::float8[], $10::float8[])
  AS c(day, device, t0, t1, n, body, west, south, east, north)`;
export const EXTENT = 'ST_MakeEnvelope(c.west, c.south, c.east, c.north, 4326)';

export const byTime = (a: Fix, b: Fix) => a.t - b.t;
export const inOrder = (fs: readonly Fix[]) => {
  for (let i = 1; i < fs.length; i++) if (fs[i].t < fs[i - 1].t) return false;
  return true;
};

/** Splits one device's fixes (any order) into time-ordered runs, one per CST day. */
export function byDay(fixes: Fix[]): Fix[][] {
  const sorted = inOrder(fixes) ? fixes : [...fixes].sort(byTime);
  const out: Fix[][] = [];
  for (let i = 0; i < sorted.length; ) {
    const day = dayCST(sorted[i].t);
    let j = i + 1;
    while (j < sorted.length && dayCST(sorted[j].t) === day) j++;
    out.push(sorted.slice(i, j));
    i = j;
  }
  return out;
}
