// Track storage on PostgreSQL (server/store/pg/tracks.ts) beside the embedded SQLite store
// (server/store/sqlite-tracks.ts), the same simulated working day in the same run
// (lib/track-day.ts; described in tracks.ts). One JSON line per figure and store, the
// figure names as in tracks.ts plus `store` ('sqlite' | 'pg') and, for PostgreSQL,
// `ingest` — how an append stages its fixes: COPY (pg-copy-streams) into a temporary table,
// or one INSERT … SELECT FROM unnest(arrays); both then INSERT … ON CONFLICT DO NOTHING.
//   npm run bench -- tracks-pg        (TRACKS_PG_WORKERS=300, TRACKS_PG_URL or DATABASE_URL,
//                                      default postgres://postgres@127.0.0.1:5432/test;
//                                      TRACKS_PG_INGEST=copy,unnest to run both ingest modes)
// Figures, per store:
//  - a simulated day: positions/s appended (a minute of the day's fixes at a time, batches of
//    500, 8 in flight), this process's CPU per fix (PostgreSQL's own CPU is not in it), and
//    compact() every simulated minute;
//  - a burst: a city minute (8,500 phones × 12 fixes) at once, batches of 500, 8 in flight;
//  - bytes per position at 17:30 and once the day is over and merged: for PostgreSQL,
//    pg_total_relation_size of every track table (partitions, indexes, TOAST) as found
//    (the store vacuums the tables it churns after each compaction), then after one more
//    VACUUM of them, then after VACUUM FULL of them (pages in use only: what SQLite's
//    figure counts), and the finished day's partition alone;
//  - a full day of the all-day phone read back (track()), and for PostgreSQL the devices
//    near a point that day (near(), 50 m, the GiST index on chunk extents);
//  - retention: the day dropped (dropDaysBefore).
// Skips with one line when no PostgreSQL answers. Each PostgreSQL run has a schema of its
// own, dropped at the end.
import { loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Fix } from '../../server/domain/fix.ts';
import type { TrackStats, TrackStore } from '../../server/store/tracks.ts';
import { openSqliteTrackStore } from '../../server/store/sqlite-tracks.ts';
import { openPgTrackStore, type PgTrackStore } from '../../server/store/pg/tracks.ts';
import { openPgPool } from '../../server/store/pg/pool.ts';
import { migratePg } from '../../server/store/pg/migrate.ts';
import { mulberry32 } from '../../server/sim/random.ts';
import { ALL_DAY, AT, BATCH, DAY, IN_FLIGHT, appendAll, cpuMs, pct, round, runDay } from './lib/track-day.ts';

const WORKERS = Number(process.env.TRACKS_PG_WORKERS ?? 300);
const URL = process.env.TRACKS_PG_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const INGEST = (process.env.TRACKS_PG_INGEST ?? 'copy').split(',').filter((m): m is 'copy' | 'unnest' => m === 'copy' || m === 'unnest');
const BURST_PHONES = 8500;
const QUERY_RUNS = 10;
const emit = (o: object) => console.log(JSON.stringify({ bench: 'tracks-pg', ...o }));

interface Subject {
  tag: { store: 'sqlite' | 'pg'; ingest?: string };
  tracks: TrackStore;
  /** Rewrites/vacuums what churned; PostgreSQL only. */
  vacuum?: (full: boolean) => Promise<void>;
  done(): Promise<void>;
}

async function sqliteSubject(): Promise<Subject> {
  const dir = mkdtempSync(join(tmpdir(), 'one-net-bench-tracks-pg-'));
  const tracks = openSqliteTrackStore(dir, { now: () => AT(0) });
  return { tag: { store: 'sqlite' }, tracks, async done() { await tracks.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function pgSubject(ingest: 'copy' | 'unnest'): Promise<Subject> {
  const schema = `bench_tracks_${ingest}_${process.pid}`;
  await migratePg(URL, { schema });
  const pool = openPgPool({ url: URL, schema, max: IN_FLIGHT + 2, statementTimeoutMs: 120_000 });
  const tracks = openPgTrackStore(pool, { ingest });
  return {
    tag: { store: 'pg', ingest }, tracks,
    vacuum: async (full) => { await pool.query(`VACUUM ${full ? 'FULL ' : ''}track_open, track_log, track_last`); },
    async done() {
      await tracks.close();
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}

function bytesLine(s: TrackStats) {
  const t = (s as Partial<Awaited<ReturnType<PgTrackStore['stats']>>>).tables;
  return {
    positions: s.positions, bytes: s.bytes, bytesPerPosition: round(s.bytes / s.positions), chunks: s.chunks, recentChunks: s.recentChunks, logFixes: s.logFixes,
    ...(t ? { tables: t, finalBytesPerPosition: round(t.final / s.positions) } : {}),
  };
}

/** A city minute: every phone's 12 fixes of one minute the day after (a fix every 5 s, each
 * phone at its own offset, walking from its own start), in time order. */
function burst(): Fix[] {
  const r = mulberry32(50_000);
  const start = AT(24 + 8);
  const out: Fix[] = [];
  for (let k = 0; k < BURST_PHONES; k++) {
    const lon = 119.5 + r() * 0.6, lat = 31.4 + r() * 0.5, offset = Math.floor(r() * 5000), heading = r() * 2 * Math.PI;
    for (let j = 0; j < 12; j++) {
      out.push({
        device: `b-${k}`, t: start + offset + j * 5000, lon: lon + (j * 6 * Math.sin(heading)) / 94_600, lat: lat + (j * 6 * Math.cos(heading)) / 111_000,
        speed: 1.2, bearing: (heading * 180) / Math.PI, altitude: 8, accuracy: 3 + r() * 5, battery: 80,
      });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

async function run(subject: Subject) {
  const { tracks } = subject;
  let appendMs = 0, appendCpuMs = 0, appended = 0, duplicates = 0;
  const compactMs: number[] = [];
  let duringDay: TrackStats | null = null;
  const started = performance.now();
  await runDay(WORKERS, async (fixes, end) => {
    const cpu = process.cpuUsage();
    appendMs += await appendAll(fixes, async (b) => {
      duplicates += (await tracks.append(b)).duplicates.length;
    });
    appendCpuMs += cpuMs(cpu);
    appended += fixes.length;
    const t0 = performance.now();
    await tracks.compact({ now: end });
    compactMs.push(performance.now() - t0);
    if (end === AT(17, 30)) duringDay = await tracks.stats();
  });
  const simMs = performance.now() - started;
  const t1 = performance.now();
  let mergeCalls = 1;
  while ((await tracks.compact({ now: AT(24, 5), budgetMs: 1000 })).pending > 0) mergeCalls++;
  const dayEndMergeMs = performance.now() - t1;
  emit({
    ...subject.tag, what: 'a simulated working day appended and compacted', workers: WORKERS, positions: appended, duplicates,
    appendFixesPerSec: Math.round(appended / (appendMs / 1000)), appendUsPerFix: round((appendMs * 1000) / appended, 3), appendCpuUsPerFix: round((appendCpuMs * 1000) / appended, 3),
    batch: BATCH, inFlight: IN_FLIGHT,
    compactEveryMinute: { wallP50Ms: round(pct(compactMs, 0.5)), wallP99Ms: round(pct(compactMs, 0.99)), wallMaxMs: round(Math.max(...compactMs)) },
    dayEndMergeMs: Math.round(dayEndMergeMs), dayEndMergeCalls: mergeCalls, wallSeconds: round(simMs / 1000, 1), loadavg: loadavg().map((l) => round(l)),
  });
  emit({ ...subject.tag, figure: 'bytes per position', state: 'at 17:30, the day not yet merged', ...bytesLine(duringDay!) });
  emit({ ...subject.tag, figure: 'bytes per position', state: 'the day over and merged (one chunk per device-day)', target: 12, ...bytesLine(await tracks.stats()) });
  if (subject.vacuum) {
    await subject.vacuum(false);
    emit({ ...subject.tag, figure: 'bytes per position', state: 'merged, after one more VACUUM of the churned tables (log, open chunks, last fixes)', ...bytesLine(await tracks.stats()) });
    await subject.vacuum(true);
    emit({ ...subject.tag, figure: 'bytes per position', state: 'merged, after VACUUM FULL of the churned tables (pages in use, as SQLite counts)', ...bytesLine(await tracks.stats()) });
  }

  const times: number[] = [];
  let fixes: Fix[] = [];
  for (let k = 0; k < QUERY_RUNS; k++) {
    const t = performance.now();
    fixes = await tracks.track(ALL_DAY, AT(0), AT(24));
    times.push(performance.now() - t);
  }
  const near: number[] = [];
  let found = 0;
  if ('near' in tracks) {
    const pgTracks = tracks as PgTrackStore;
    for (let k = 0; k < QUERY_RUNS; k++) {
      const p = fixes[Math.floor(((k + 0.5) / QUERY_RUNS) * fixes.length)];
      const t = performance.now();
      found += (await pgTracks.near({ lon: p.lon, lat: p.lat, radiusM: 50, from: AT(0), to: AT(24) })).length;
      near.push(performance.now() - t);
    }
  }
  emit({
    ...subject.tag, figure: 'a full day of one device: track()', fixes: fixes.length, runs: QUERY_RUNS, trackMs: { p50: round(pct(times, 0.5)), max: round(Math.max(...times)) },
    ...(near.length ? { nearMs: { p50: round(pct(near, 0.5)), max: round(Math.max(...near)) }, nearRadiusM: 50, devicesFoundPerQuery: round(found / near.length, 1) } : {}),
  });

  const city = burst();
  const cpu = process.cpuUsage();
  const burstMs = await appendAll(city, (b) => tracks.append(b));
  emit({ ...subject.tag, figure: 'burst: a city minute at once', phones: BURST_PHONES, fixes: city.length, batch: BATCH, inFlight: IN_FLIGHT, appendFixesPerSec: Math.round(city.length / (burstMs / 1000)), appendCpuUsPerFix: round((cpuMs(cpu) * 1000) / city.length, 3), ms: Math.round(burstMs) });

  const t = performance.now();
  const dropped = await tracks.dropDaysBefore(DAY + 1);
  emit({ ...subject.tag, figure: 'retention: drop the day', dropDayMs: round(performance.now() - t), droppedPositions: dropped });
}

try {
  const c = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3000 });
  await c.connect();
  await c.end();
} catch (e) {
  emit({ skipped: `no PostgreSQL at ${URL.replace(/\/\/[^@/]*@/, '//')}: ${(e as Error).message}` });
  process.exit(0);
}
for (const make of [sqliteSubject, ...INGEST.map((m) => () => pgSubject(m))]) {
  const subject = await make();
  try {
    await run(subject);
  } finally {
    await subject.done();
  }
}
