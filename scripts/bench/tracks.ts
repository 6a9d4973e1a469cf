// Track storage: the chunked store (server/store/sqlite-tracks.ts) against the obvious
// alternative — one SQLite row per fix with a unique (device, t) index — on the same
// simulated working day, in the same run. One JSON line per figure.
//   npm run bench -- tracks            (TRACKS_WORKERS=800, TRACKS_NAIVE_WORKERS=150)
//
// The day: TRACKS_WORKERS grid workers, each in a ~0.7 × 0.7 km area of its own (0.5 km²)
// somewhere in Changzhou, patrolling 08:00–12:00 and 13:30–17:30 (±15 min): walking the
// streets of a 100 m block lattice at ~1.2 m/s, turning at corners, stopping at doors for
// 2–15 minutes; one fix every 5 s (±20 ms, as Android's fused provider delivers them), GPS
// error drifting by a few metres (AR(1)), speed, bearing, altitude, accuracy, battery
// falling ~0.1 %/min. Plus one phone that patrols all 24 hours (~17,000 fixes): the track
// query figure. Fixes arrive in time order, in batches of 500 (≈500 devices each), up to 8
// batches in flight (concurrent senders), compact() every simulated minute, as the app runs.
// Bytes per position do not depend on the number of workers (each device-day is its own
// chunk), so the default runs 800 of the city's 8,500 to stay within ~2 minutes here.
import Database from 'better-sqlite3';
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fix } from '../../server/domain/fix.ts';
import { openSqliteTrackStore } from '../../server/store/sqlite-tracks.ts';
import { analyseTrack } from '../../server/patrol/track-analysis.ts';
import { ALL_DAY, AT, BATCH, DAY, IN_FLIGHT, appendAll, cpuMs, heldMs, pct, round, runDay } from './lib/track-day.ts';

const WORKERS = Number(process.env.TRACKS_WORKERS ?? 800);
const NAIVE_WORKERS = Number(process.env.TRACKS_NAIVE_WORKERS ?? 150);
const QUERY_RUNS = 30;
const emit = (o: object) => console.log(JSON.stringify({ bench: 'tracks', ...o }));

// ---- the chunked store ----
const dir = mkdtempSync(join(tmpdir(), 'one-net-bench-tracks-'));
try {
  const store = openSqliteTrackStore(dir, { now: () => AT(0) });
  let appendMs = 0, appendCpuMs = 0, appended = 0, duplicates = 0, compactCpuMs = 0;
  const compactMs: number[] = [];
  const compactHeldMs: number[] = [];
  let duringDay: Awaited<ReturnType<typeof store.stats>> | null = null;
  const started = performance.now();
  await runDay(WORKERS, async (fixes, end) => {
    let cpu = process.cpuUsage();
    appendMs += await appendAll(fixes, async (b) => {
      const r = await store.append(b);
      duplicates += r.duplicates.length;
    });
    appendCpuMs += cpuMs(cpu);
    appended += fixes.length;
    const t0 = performance.now();
    cpu = process.cpuUsage();
    const { heldMs: held } = await heldMs(() => store.compact({ now: end }));
    compactCpuMs += cpuMs(cpu);
    compactHeldMs.push(held);
    compactMs.push(performance.now() - t0);
    if (end === AT(17, 30)) duringDay = await store.stats();
  });
  const simMs = performance.now() - started;

  // A live day's query: the all-day phone at 17:30 read back from today's chunks.
  const live = await store.track(ALL_DAY, AT(0), AT(17, 30));
  const t1 = performance.now();
  let mergeCalls = 0;
  while ((await store.compact({ now: AT(24, 5), budgetMs: 1000 })).pending > 0) mergeCalls++;
  const dayEndMergeMs = performance.now() - t1;
  const after = await store.stats();

  emit({
    impl: 'chunked', what: 'a simulated working day appended and compacted', workers: WORKERS, positions: after.positions, duplicates,
    appendFixesPerSec: Math.round(appended / (appendMs / 1000)), appendUsPerFix: round((appendMs * 1000) / appended, 3), appendCpuUsPerFix: round((appendCpuMs * 1000) / appended, 3),
    batch: BATCH, inFlight: IN_FLIGHT,
    compactEveryMinute: {
      wallP50Ms: round(pct(compactMs, 0.5)), wallMaxMs: round(Math.max(...compactMs)), cpuMsPerWorkingMinute: round(compactCpuMs / (9.5 * 60)),
      loopHeldP99Ms: round(pct(compactHeldMs, 0.99)), loopHeldMaxMs: round(Math.max(...compactHeldMs)),
    },
    loadavg: loadavg().map((l) => round(l)),
    dayEndMergeMs: Math.round(dayEndMergeMs), dayEndMergeCalls: mergeCalls + 1, wallSeconds: round(simMs / 1000, 1),
  });
  const d = duringDay!;
  emit({ impl: 'chunked', figure: 'bytes per position', state: 'at 17:30, the day not yet merged', positions: d.positions, bytes: d.bytes, bytesPerPosition: round(d.bytes / d.positions), chunks: d.chunks, recentChunks: d.recentChunks, logFixes: d.logFixes });
  emit({ impl: 'chunked', figure: 'bytes per position', state: 'the day over and merged (one chunk per device-day)', positions: after.positions, bytes: after.bytes, bytesPerPosition: round(after.bytes / after.positions), fileBytes: after.fileBytes, chunks: after.chunks, target: 12 });

  // track() + analysis of the all-day phone, sealed (and, above, live).
  const timings = { track: [] as number[], analyse: [] as number[], analyseSimplified: [] as number[], liveTrack: [] as number[] };
  let fixesRead = 0;
  for (let k = 0; k < QUERY_RUNS; k++) {
    let t = performance.now();
    const fixes = await store.track(ALL_DAY, AT(0), AT(24));
    timings.track.push(performance.now() - t);
    t = performance.now();
    analyseTrack(fixes, {});
    timings.analyse.push(performance.now() - t);
    t = performance.now();
    analyseTrack(fixes, { toleranceM: 5 });
    timings.analyseSimplified.push(performance.now() - t);
    fixesRead = fixes.length;
  }
  const a = analyseTrack(await store.track(ALL_DAY, AT(0), AT(24)), { toleranceM: 5 });
  emit({
    impl: 'chunked', figure: 'a full day of one device: track() + analyseTrack()', fixes: fixesRead, liveFixesAt1730: live.length, runs: QUERY_RUNS,
    trackMs: { p50: round(pct(timings.track, 0.5)), max: round(Math.max(...timings.track)) },
    analyseMs: { p50: round(pct(timings.analyse, 0.5)), max: round(Math.max(...timings.analyse)) },
    analyseSimplified5mMs: { p50: round(pct(timings.analyseSimplified, 0.5)), max: round(Math.max(...timings.analyseSimplified)) },
    totalP50Ms: round(pct(timings.track, 0.5) + pct(timings.analyseSimplified, 0.5)), target: 50,
    result: { points: a.points.length, stops: a.stops.length, distanceKm: round(a.distanceM / 1000), patrolHours: round(a.patrolMs / 3_600_000) },
  });

  // Restart: today's coverage is rebuilt by reading every device's day (server/patrol/service.ts
  // rebuildCoverage); the reads dominate it. Scaled to the city's 8,500 phones.
  {
    const t = performance.now();
    let read = 0, devices = 0;
    for (const last of await store.lastFixes()) {
      read += (await store.track(last.device, AT(0), AT(24))).length;
      devices++;
    }
    const ms = performance.now() - t;
    emit({ impl: 'chunked', figure: 'coverage rebuild after a restart: every device\'s day read', devices, fixes: read, ms: Math.round(ms), msPer8500Devices: Math.round((ms / devices) * 8500) });
  }

  // Restart: memory rebuilt from track_last (the live layer's reload).
  await store.close();
  let t = performance.now();
  const reopened = openSqliteTrackStore(dir, { now: () => AT(24, 10) });
  const openMs = performance.now() - t;
  const lasts = (await reopened.lastFixes()).length;
  t = performance.now();
  const dropped = await reopened.dropDaysBefore(DAY + 1);
  emit({ impl: 'chunked', figure: 'open and retention', openMs: round(openMs), devices: lasts, dropDayMs: round(performance.now() - t), droppedPositions: dropped });
  await reopened.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ---- the obvious alternative: a row per fix ----
// As one would first write it (the device's id as text, a unique index for duplicates), and
// the leanest row-per-fix table (an integer device number, WITHOUT ROWID, the primary key
// the only index).
const NAIVE = {
  'row-per-fix': {
    schema: `CREATE TABLE positions (device TEXT NOT NULL, t INTEGER NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL,
      speed REAL, bearing REAL, altitude REAL, accuracy REAL, battery REAL);
      CREATE UNIQUE INDEX positions_device_t ON positions (device, t);`,
    key: (device: string) => device,
  },
  'row-per-fix-lean': {
    schema: `CREATE TABLE positions (device INTEGER NOT NULL, t INTEGER NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL,
      speed REAL, bearing REAL, altitude REAL, accuracy REAL, battery REAL, PRIMARY KEY (device, t)) WITHOUT ROWID;`,
    key: (() => {
      const ids = new Map<string, number>();
      return (device: string) => ids.get(device) ?? (ids.set(device, ids.size), ids.size - 1);
    })(),
  },
};
for (const [impl, { schema, key }] of Object.entries(NAIVE)) {
  const naiveDir = mkdtempSync(join(tmpdir(), 'one-net-bench-tracks-naive-'));
  try {
    const db = new Database(join(naiveDir, 'naive.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(schema);
    const ins = db.prepare('INSERT OR IGNORE INTO positions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insertAll = db.transaction((b: Fix[]) => {
      for (const f of b) ins.run(key(f.device), f.t, f.lon, f.lat, f.speed, f.bearing, f.altitude, f.accuracy, f.battery);
    });
    let appendMs = 0, appended = 0;
    await runDay(NAIVE_WORKERS, async (fixes) => {
      appendMs += await appendAll(fixes, async (b) => insertAll(b));
      appended += fixes.length;
    });
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const size = db.pragma('page_size', { simple: true }) as number;
    const positions = db.prepare('SELECT count(*) FROM positions').pluck().get() as number;
    emit({ impl, figure: 'bytes per position', workers: NAIVE_WORKERS, positions, bytes: (pages - free) * size, bytesPerPosition: round(((pages - free) * size) / positions), appendFixesPerSec: Math.round(appended / (appendMs / 1000)) });
    const sel = db.prepare('SELECT * FROM positions WHERE device = ? AND t >= ? AND t < ? ORDER BY t');
    const times: number[] = [];
    let n = 0;
    for (let k = 0; k < QUERY_RUNS; k++) {
      const t0 = performance.now();
      n = (sel.all(key(ALL_DAY), AT(0), AT(24)) as unknown[]).length;
      times.push(performance.now() - t0);
    }
    emit({ impl, figure: 'a full day of one device: SELECT (rows, not yet fixes)', fixes: n, trackMs: { p50: round(pct(times, 0.5)), max: round(Math.max(...times)) } });
    const t0 = performance.now();
    const gone = db.prepare('DELETE FROM positions WHERE t < ?').run(AT(24)).changes;
    emit({ impl, figure: 'retention: drop the day', dropDayMs: round(performance.now() - t0), droppedPositions: gone, note: 'DELETE by time: every row visited' });
    db.close();
  } finally {
    rmSync(naiveDir, { recursive: true, force: true });
  }
}
