// The track store conformance suite (tests/store/track-store.conformance.ts) on the
// PostgreSQL track store, each test on a fresh migrated schema of the machine's real
// PostgreSQL (tests/pg/fresh.ts), with each of its two ways of staging an append (COPY,
// unnest). Then what only a shared database has to show: two nodes appending and compacting
// the same fixes at once, a finished day as one chunk per device in its day's partition
// dropped whole, the spatial queries, and failures (a statement timeout, a connection
// killed mid-append) rejecting the call without harm.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Fix } from '../server/domain/fix.ts';
import { dayCST, dayStartMs } from '../server/domain/day.ts';
import { quantise } from '../server/domain/track-codec.ts';
import { openPgTrackStore } from '../server/store/pg/tracks.ts';
import { openPgPool } from '../server/store/pg/pool.ts';
import { metres } from '../server/store/pg/tracks-spatial.ts';
import { trackStoreConformance } from './store/track-store.conformance.ts';
import { freshSchema } from './pg/fresh.ts';
import { mulberry32 } from '../server/sim/random.ts';

for (const ingest of ['copy', 'unnest'] as const) {
  trackStoreConformance(`PostgreSQL (${ingest})`, async () => {
    const s = await freshSchema(`tracks_${ingest}`);
    let tracks = openPgTrackStore(s.pool, { ingest });
    return {
      get tracks() {
        return tracks;
      },
      async reopen() {
        await tracks.close();
        return (tracks = openPgTrackStore(s.pool, { ingest }));
      },
      async close() {
        await tracks.close();
        await s.drop();
      },
    };
  });
}

const DAY = dayCST(Date.UTC(2026, 10, 23, 4));
const AT = (h: number, m = 0) => dayStartMs(DAY) + (h * 60 + m) * 60_000;

/** A grid worker's day: 08:00–12:00 and 13:30–17:30, a fix every 5 s, walking near (lon0, lat0). */
function workday(device: string, seed: number, lon0 = 119.97, lat0 = 31.78): Fix[] {
  const r = mulberry32(seed);
  const out: Fix[] = [];
  let lon = lon0 + r() * 0.01, lat = lat0 + r() * 0.01, heading = r() * 360, batt = 100;
  for (const [from, to] of [[AT(8), AT(12)], [AT(13, 30), AT(17, 30)]]) {
    for (let t = from; t < to; t += 5000) {
      if (r() < 0.02) heading = (heading + (r() < 0.5 ? 90 : 270)) % 360;
      const step = r() < 0.1 ? 0 : 6;
      lon += (step * Math.sin((heading * Math.PI) / 180)) / 94_600;
      lat += (step * Math.cos((heading * Math.PI) / 180)) / 111_000;
      batt -= 0.004;
      out.push({ device, t, lon, lat, speed: step / 5, bearing: heading, altitude: 6 + r() * 4, accuracy: 3 + r() * 5, battery: Math.round(batt) });
    }
  }
  return out;
}

describe('PostgreSQL track store', () => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const d of drops) await d();
  });
  const fresh = async (tag: string) => {
    const s = await freshSchema(tag);
    drops.push(s.drop);
    return s;
  };

  it('stores each fix once when two nodes append the same fixes in different orders while both compact', async () => {
    const s = await fresh('tracks_nodes');
    const otherPool = openPgPool({ url: s.url, schema: s.schema });
    const a = openPgTrackStore(s.pool, { mergeAfter: 3 }), b = openPgTrackStore(otherPool, { mergeAfter: 3 });
    try {
      const days = Array.from({ length: 6 }, (_, k) => workday(`w-${k}`, k).slice(0, 720)); // 08:00–09:00
      const all = days.flat().sort((x, y) => x.t - y.t);
      const r = mulberry32(3);
      const shuffled = [...all];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      let stored = 0;
      const run = async (store: typeof a, fixes: Fix[], batch: number) => {
        for (let i = 0; i < fixes.length; i += batch) {
          const r = await store.append(fixes.slice(i, i + batch));
          stored += r.stored;
          if ((i / batch) % 4 === 3) await store.compact({ now: fixes[Math.min(fixes.length, i + batch) - 1].t + 60_000 });
        }
      };
      await Promise.all([run(a, all, 200), run(b, shuffled, 150), run(a, all.slice(1000, 2000), 90)]);
      expect(stored).toBe(all.length);
      await b.compact({ now: AT(10) });
      for (const d of days) expect(await b.track(d[0].device, AT(0), AT(24))).toEqual(d.map(quantise));
      expect(await a.stats()).toMatchObject({ positions: all.length, logFixes: 0, devices: 6 });
    } finally {
      await a.close();
      await b.close();
      await otherPool.end();
    }
  });

  it('stores a late offline queue once when several gateways send it at once, in different orders', async () => {
    const s = await fresh('tracks_late');
    const st = openPgTrackStore(s.pool);
    const day = [0, 1, 2].flatMap((k) => workday(`w-${k}`, k).slice(0, 600));
    const gap = day.filter((f) => f.t >= AT(8, 15) && f.t < AT(8, 35)); // a dead zone in every phone's walk
    await st.append(day.filter((f) => !gap.includes(f)));
    await st.compact({ now: AT(9) }); // the chunks' ranges now span the gap: the late fixes take the covered path
    const orders = [gap, [...gap].reverse(), [...gap].sort((a, b) => a.device.localeCompare(b.device) || b.t - a.t), gap.filter((_, i) => i % 2)];
    const answers = await Promise.all(orders.map((o) => st.append(o)));
    expect(answers.reduce((n, a) => n + a.stored, 0)).toBe(gap.length);
    for (const k of [0, 1, 2]) expect(await st.track(`w-${k}`, AT(0), AT(24))).toEqual(day.filter((f) => f.device === `w-${k}`).map(quantise));
    await st.close();
  });

  it('keeps a finished day as one chunk per device in the day\'s partition, at a few bytes a position, and drops the day whole', async () => {
    const s = await fresh('tracks_day');
    const st = openPgTrackStore(s.pool);
    const days = Array.from({ length: 12 }, (_, k) => workday(`320402001001${String(k).padStart(3, '0')}-03`, 10 + k));
    for (let m = AT(8); m < AT(17, 30); m += 60_000) {
      await st.append(days.flatMap((d) => d.filter((f) => f.t >= m && f.t < m + 60_000)));
      if ((m - AT(8)) % (5 * 60_000) === 0) await st.compact({ now: m + 60_000 });
    }
    while ((await st.compact({ now: AT(24, 1), budgetMs: 50 })).pending > 0);
    const stats = await st.stats();
    const positions = days.reduce((n, d) => n + d.length, 0);
    expect(stats).toMatchObject({ positions, chunks: 12, recentChunks: 0, logFixes: 0 });
    const parts = await s.pool.query(`SELECT relname FROM pg_inherits JOIN pg_class ON oid = inhrelid WHERE inhparent = 'track_chunks'::regclass`);
    expect(parts.rows.map((r) => r.relname)).toEqual([`track_chunks_d${DAY}`]);
    // The finished day on disk: its partition, TOAST and indexes, written once. The churned
    // tables (log, open chunks) now hold no rows, but their file sizes depend on whether the
    // store's VACUUM could remove the dead ones, which any other session's open snapshot on
    // this shared server prevents: the bench (tracks-pg) reports them, this test does not.
    expect(stats.tables.final / positions).toBeLessThan(7);
    expect(await st.track(days[3][0].device, AT(0), AT(24))).toEqual(days[3].map(quantise));
    expect(await st.dropDaysBefore(DAY + 1)).toBe(positions);
    expect((await s.pool.query(`SELECT to_regclass('track_chunks_d${DAY}') AS r`)).rows[0].r).toBeNull();
    expect(await st.stats()).toMatchObject({ positions: 0, devices: 0, chunks: 0 });
    await st.close();
  });

  it('finds the fixes in a box and the devices near a point, from every tier, by the chunks\' extents', async () => {
    const s = await fresh('tracks_spatial');
    const st = openPgTrackStore(s.pool);
    // three workers in grids ~1 km apart; yesterday's day final, today's morning in open chunks, now in the log
    const yesterday = workday('w-far', 1, 119.90, 31.70).map((f) => ({ ...f, t: f.t - 86_400_000 }));
    const near = workday('w-near', 2, 119.97, 31.78);
    const other = workday('w-other', 3, 119.99, 31.79);
    await st.append([...yesterday, ...near.slice(0, 2000), ...other.slice(0, 2000)]);
    await st.compact({ now: AT(11, 0) }); // yesterday final, this morning open
    await st.append([...near.slice(2000), ...other.slice(2000)]); // still in the log
    const stats = await st.stats();
    expect(stats.logFixes).toBeGreaterThan(0);
    expect(stats.chunks).toBe(3);

    const p = quantise(near[2500]); // a point w-near passed this afternoon (log tier)
    const hits = await st.near({ lon: p.lon, lat: p.lat, radiusM: 30, from: AT(0), to: AT(24) });
    expect(hits[0]).toMatchObject({ device: 'w-near', distanceM: 0 });
    for (const h of hits) expect(h.distanceM).toBeLessThanOrEqual(30);
    const expectedNear = (fs: Fix[]) => fs.some((f) => metres(p.lon, p.lat, quantise(f).lon, quantise(f).lat) <= 30);
    expect(hits.map((h) => h.device).sort()).toEqual(['w-near', 'w-other'].filter((d) => expectedNear(d === 'w-near' ? near : other)));
    // yesterday's worker at a point of its (final, partitioned) day, asked for that day only
    const y = quantise(yesterday[100]);
    expect((await st.near({ lon: y.lon, lat: y.lat, radiusM: 1, from: AT(0) - 86_400_000, to: AT(0) })).map((h) => h.device)).toEqual(['w-far']);
    expect(await st.near({ lon: y.lon, lat: y.lat, radiusM: 1, from: AT(0), to: AT(24) })).toEqual([]);
    // a box over the morning: exactly the fixes inside it, every tier, in time order
    const box = { west: 119.97, south: 31.78, east: 119.985, north: 31.795 };
    const inBox = (f: Fix) => f.lon >= box.west && f.lon <= box.east && f.lat >= box.south && f.lat <= box.north && f.t >= AT(9) && f.t < AT(16);
    const expected = [near, other].map((fs) => ({ device: fs[0].device, fixes: fs.map(quantise).filter(inBox) })).filter((d) => d.fixes.length > 0);
    expect(expected.length).toBeGreaterThan(0);
    expect(await st.inBox(box, AT(9), AT(16))).toEqual(expected);
    await st.close();
  });

  it('rejects an append blocked past the statement timeout, then takes it once unblocked', async () => {
    const s = await fresh('tracks_timeout');
    const impatient = openPgPool({ url: s.url, schema: s.schema, statementTimeoutMs: 300 });
    const st = openPgTrackStore(impatient);
    const blocker = new pg.Client({ connectionString: s.url });
    await blocker.connect();
    try {
      const fixes = workday('w-1', 1).slice(0, 10);
      await blocker.query(`SET search_path = ${s.schema}, public`);
      await blocker.query('BEGIN');
      // another node's append of the same fix, not yet committed: ours must wait for it
      await blocker.query('INSERT INTO track_log (device, t, lon, lat) VALUES ($1, $2, 0, 0)', [fixes[3].device, fixes[3].t]);
      const t = performance.now();
      await expect(st.append(fixes)).rejects.toThrow(/statement timeout/);
      expect(performance.now() - t).toBeLessThan(5000);
      await blocker.query('ROLLBACK');
      expect(await st.append(fixes)).toEqual({ stored: 10, duplicates: [] });
    } finally {
      await blocker.end();
      await st.close();
      await impatient.end();
    }
  });

  it('rejects an append whose connection is killed mid-way, without crashing, and stores nothing of it', async () => {
    const s = await fresh('tracks_kill');
    const st = openPgTrackStore(s.pool);
    const blocker = new pg.Client({ connectionString: s.url });
    await blocker.connect();
    try {
      const fixes = workday('w-1', 1).slice(0, 10);
      await blocker.query(`SET search_path = ${s.schema}, public`);
      await blocker.query('BEGIN');
      await blocker.query('INSERT INTO track_log (device, t, lon, lat) VALUES ($1, $2, 0, 0)', [fixes[3].device, fixes[3].t]);
      const append = st.append(fixes);
      const settled = append.then(() => 'resolved', (e: Error) => e.message);
      let killed = 0;
      for (let k = 0; k < 500 && killed === 0; k++) { // the append's backend, waiting on the blocker (up to 10 s: a loaded machine)
        await new Promise((r) => setTimeout(r, 20));
        const { rows } = await blocker.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [(blocker as unknown as { processID: number }).processID]);
        killed = rows.length;
      }
      expect(killed).toBe(1);
      expect(await settled).toMatch(/terminat/);
      await blocker.query('ROLLBACK');
      expect(await st.track('w-1', AT(0), AT(24))).toEqual([]);
      expect(await st.append(fixes)).toEqual({ stored: 10, duplicates: [] }); // the pool opened a new connection
    } finally {
      await blocker.end();
      await st.close();
    }
  });

  it('keeps device ids with the characters COPY escapes, and non-ASCII ones, through both ways of staging', async () => {
    const s = await fresh('tracks_ids');
    const ids = ['tab\there', 'back\\slash\\N', 'new\nline\r', '\\N', '网格员-天宁-001', 'emoji-📍'];
    for (const ingest of ['copy', 'unnest'] as const) {
      const st = openPgTrackStore(s.pool, { ingest });
      const fixes = ids.flatMap((id, k) => workday(`${ingest}:${id}`, k).slice(0, 5));
      expect(await st.append(fixes)).toEqual({ stored: fixes.length, duplicates: [] });
      expect((await st.append(fixes)).duplicates).toHaveLength(fixes.length);
      await st.compact({ now: AT(9) });
      for (const id of ids) expect(await st.track(`${ingest}:${id}`, AT(0), AT(24))).toEqual(fixes.filter((f) => f.device === `${ingest}:${id}`).map(quantise));
      await st.close();
    }
  });

  it('refuses a fix it cannot store without storing any of the call, and refuses calls once closed', async () => {
    const s = await fresh('tracks_refuse');
    const st = openPgTrackStore(s.pool);
    const fixes = workday('w-3', 3).slice(0, 10);
    await expect(st.append([...fixes, { ...fixes[0], t: NaN }])).rejects.toThrow(RangeError);
    expect(await st.append(fixes)).toEqual({ stored: 10, duplicates: [] });
    await st.close();
    await expect(st.append(fixes)).rejects.toThrow(/closed/);
    expect((await s.pool.query('SELECT 1 AS one')).rows[0].one).toBe(1); // the pool is the caller's: still open
  });
});
