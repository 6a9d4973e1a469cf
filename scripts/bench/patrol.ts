// Patrol at the city's scale (issue 9 §4), on the real server (server/index.ts, SIMULATE=0,
// a child process with a fresh DATA_DIR; scripts/bench/lib/server-child.ts) with a real
// Socket.IO wall on the city (area 320400, `layers: ['workers']`) connected throughout, so
// every fix is validated, located, stored and framed as in production.
//
// The devices are the net's phone carriers (GET /api/patrol/devices: 8,658 with their frame
// index), each walking plausibly inside its own grid (lib/patrol-walkers.ts), positions in
// whole 1e-6 degree so a fix is recognisable in a frame by its device and position.
//  1. ingest: PATROL_SENDERS (20) concurrent senders, each a gateway for its own 1/20 of the
//     devices (so one device's fixes are never in two requests at once, and arrive in time
//     order), posting batches of PATROL_BATCH (500) fixes to POST /api/positions as admin,
//     each device a fix every 5 s of its own (simulated) time, for PATROL_SECONDS (20) after
//     2 s of warm-up: positions/s accepted, requests/s, latency, non-2xx, the server's RSS
//     and CPU. Target ≥ 50,000 positions/s.
//  2. ingest-osmand: the naive alternative, in the same run: the same walkers, one fix per
//     request, POST /osmand?id=…&token=…&timestamp=…&lat=…&lon=… exactly as Traccar Client
//     sends it, each device with its own token (POST /api/devices, issued beforehand),
//     autocannon at PATROL_OSMAND_CONNECTIONS (20) for PATROL_OSMAND_SECONDS (10).
//  Then the server's first track compaction (60 s after it started: the two runs' backlog out
//  of its append log) is let pass, watching /proc until the server is quiet.
//  3. wall-latency: PATROL_RATE (10,000) positions/s paced (a batch of 500 every 50 ms, on a
//     schedule, not waiting for answers) for PATROL_LATENCY_SECONDS (65: the server's next
//     compaction, of these fixes alone, falls inside), every fix stamped now; for each fix,
//     the time from just before its POST was written to the arrival at the wall of the first
//     frame carrying its device at its position (Date.now() on both ends, one process). Split
//     into the frame's own instant (the server's clock when it encoded it) minus the send, and
//     arrival minus that instant; and the p99 outside the longest gap between frames (a
//     compaction or GC holding the event loop). Target p99 ≤ 250 ms.
//  4. frame-size: the largest `positions` frame the wall got during (1), where every device
//     moves in each 500 ms window: its bytes (the binary attachment; Socket.IO adds a ~50-byte
//     text packet and WebSocket headers) and the devices in it. Target ≤ 100 KB (100,000 B).
//  5. track-bytes: the track store after the run: tracks.sqlite's files while the server
//     runs, then the store's own stats() (opened in this process once the server stopped),
//     with the fixes in its append log and after one compact() moved them into chunks. Only
//     what this short run leaves (recent, unmerged chunks): scripts/bench/tracks.ts measures
//     a working day properly. With what compaction costs: the server's first one (its CPU)
//     and the one here (its time).
// One JSON line per figure, each with its target and whether it was met. The machine is
// shared: lines carry the load average and the CPU the server and this process used.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNet } from '../../server/net/load.ts';
import { CITY_CODE } from '../../server/net/codes.ts';
import { positionsFrameBytes } from '../../server/domain/positions-frame.ts';
import { openSqliteTrackStore } from '../../server/store/sqlite-tracks.ts';
import { startServerChild, rssMB, type ServerChild } from './lib/server-child.ts';
import { sampler } from './lib/proc-stats.ts';
import { autocannon, statusCodes, type CannonRequest } from './lib/cannon.ts';
import { patrolWalkers, type PatrolWalkers } from './lib/patrol-walkers.ts';
import { cityWall, cpuMeter, cpuSeconds, pct, post, quietAfter, trackFiles, type FrameSeen } from './lib/patrol-probes.ts';

const SENDERS = Number(process.env.PATROL_SENDERS ?? 20);
const BATCH = Number(process.env.PATROL_BATCH ?? 500);
const SECONDS = Number(process.env.PATROL_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.PATROL_WARMUP_SECONDS ?? 2);
const OSMAND_SECONDS = Number(process.env.PATROL_OSMAND_SECONDS ?? 10);
const OSMAND_CONNECTIONS = Number(process.env.PATROL_OSMAND_CONNECTIONS ?? 20);
const RATE = Number(process.env.PATROL_RATE ?? 10_000);
const LATENCY_SECONDS = Number(process.env.PATROL_LATENCY_SECONDS ?? 65);
const FIX_EVERY_MS = 5000; // a phone's fix interval (simulated time, phases 1 and 2)
const TARGET_POSITIONS_PER_SEC = 50_000;
const TARGET_P99_MS = 250;
/** The server's frame interval (FRAME_INTERVAL_MS reaches the child through its environment). */
const FRAME_MS = Number(process.env.FRAME_INTERVAL_MS ?? 500);
const TARGET_FRAME_BYTES = 100_000;
const TARGET_BYTES_PER_POSITION = 12;

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const line = (o: object) => console.log(JSON.stringify({ bench: 'patrol', ...o }));
/** Phase 1: SENDERS gateways, each posting batches of its own devices, until `seconds` pass. */
async function batches(s: ServerChild, w: PatrolWalkers, seconds: number, t0Sim: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  const headers = { ...s.auth };
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let accepted = 0, duplicates = 0, rejected = 0, errors = 0, requests = 0, fixesSent = 0, bodyBytes = 0;
  let firstProblem: string | undefined;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(Array.from({ length: SENDERS }, async (_, c) => {
    const mine: number[] = [];
    for (let i = c; i < w.count; i += SENDERS) mine.push(i);
    let cursor = 0;
    while (performance.now() < end) {
      let body = '{"fixes":[';
      for (let k = 0; k < BATCH; k++) {
        const i = mine[cursor++ % mine.length];
        w.step(i, w.t[i] ? w.t[i] + FIX_EVERY_MS : t0Sim + (i % 5) * 1000);
        body += (k ? ',' : '') + w.fixJson(i);
      }
      body += ']}';
      const t0 = performance.now();
      try {
        const r = await post(s, agent, '/api/positions', body, headers);
        latencies.push(performance.now() - t0);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        requests++;
        fixesSent += BATCH;
        bodyBytes += body.length;
        if (r.status === 200) {
          const a = JSON.parse(r.text) as { accepted: number; duplicates: number[]; rejected: { message: string }[] };
          accepted += a.accepted;
          duplicates += a.duplicates.length;
          rejected += a.rejected.length;
          firstProblem ??= a.rejected[0]?.message;
        } else firstProblem ??= `${r.status} ${r.text.slice(0, 200)}`;
      } catch (e) {
        errors++;
        firstProblem ??= (e as Error).message;
      }
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { elapsed, latencies, statuses, accepted, duplicates, rejected, errors, requests, fixesSent, bodyBytes, firstProblem };
}

const dir = mkdtempSync(join(tmpdir(), 'one-net-patrol-'));
let server: ServerChild | undefined;
process.on('exit', () => server?.child.kill('SIGKILL'));
try {
  const loadAvgBefore = round(loadavg()[0]);
  const net = loadNet();
  server = await startServerChild('patrol', { dir });
  const s = server;
  const serverStarted = Date.now(); // its compaction timer (every 60 s) started just before
  const roster = ((await (await fetch(`${s.url}/api/patrol/devices?area=${CITY_CODE}`, { headers: s.auth })).json()) as { items: { index: number; id: string; grid: string }[] }).items;
  roster.sort((a, b) => a.index - b.index);
  if (roster.some((d, k) => d.index !== k)) throw new Error('the roster is not indexed 0 … n-1');
  const w = patrolWalkers(roster, net);
  const wall = await cityWall(s);
  await sleep(1500); // its snapshot (empty: no fix yet)

  // 1. Batches, after a warm-up.
  // An hour back, so even 300,000 positions/s (5 s of a device's time each) stay short of now.
  const t0Sim = Math.floor((Date.now() - 60 * 60_000) / 1000) * 1000;
  const warm = await batches(s, w, WARMUP_SECONDS, t0Sim);
  await sleep(1000);
  const rss = sampler(s.pid);
  const rssBeforeMB = rssMB(s.pid);
  const framesFrom = wall.frames.length;
  const gapsBefore = wall.stats().seqGaps;
  const cpu = cpuMeter(s.pid);
  const monoStart = process.hrtime.bigint() / 1000n;
  const b = await batches(s, w, SECONDS, t0Sim);
  const cpuB = cpu();
  // The stretch on the monotonic clock (µs, as V8's CPU profiles stamp samples), to read a
  // profile of the server (BENCH_SERVER_NODE_ARGS=--cpu-prof …) over the ingest run alone.
  if (process.env.BENCH_SERVER_NODE_ARGS?.includes('--cpu-prof')) console.error(`patrol: ingest run on the monotonic clock ${monoStart}–${process.hrtime.bigint() / 1000n} µs`);
  const { rssPeakMB } = rss.stop();
  const ingestEnded = Date.now();
  await sleep(2000);
  const [p50, p99, max] = pct(b.latencies, 0.5, 0.99, 1);
  const positionsPerSec = round(b.accepted / b.elapsed, 0);
  line({
    figure: 'ingest', what: `POST /api/positions as admin: ${SENDERS} concurrent senders (keep-alive), each the gateway of its own 1/${SENDERS} of the ${w.count} devices, batches of ${BATCH} fixes (~${Math.round(b.bodyBytes / Math.max(1, b.requests) / 1024)} KB JSON), each device a fix every 5 s of its own time walking in its grid; a city wall with the workers layer connected; after ${WARMUP_SECONDS} s of warm-up. The server's track compaction (every 60 s) did not run in this window: its cost is on the track-bytes line`,
    senders: SENDERS, batch: BATCH, devices: w.count, seconds: round(b.elapsed, 1), requests: b.requests, reqPerSec: round(b.requests / b.elapsed, 1),
    fixesSent: b.fixesSent, accepted: b.accepted, duplicates: b.duplicates, rejected: b.rejected, positionsPerSec,
    p50Ms: p50, p99Ms: p99, maxMs: max, non2xx: b.requests - (b.statuses['200'] ?? 0), errors: b.errors, statusCodes: b.statuses, firstProblem: b.firstProblem,
    rssBeforeMB, rssPeakMB, rssAfterMB: rssMB(s.pid), rssAfterSeconds: 2, ...cpuB, positionsPerServerCpuSecond: round(b.accepted / cpuB.serverCpuSeconds, 0), loadAvg: loadAvgBefore, loadAvgAfter: round(loadavg()[0]),
    targetPositionsPerSec: TARGET_POSITIONS_PER_SEC, ok: positionsPerSec >= TARGET_POSITIONS_PER_SEC && b.requests === (b.statuses['200'] ?? 0) && b.errors === 0,
  });
  if (ingestEnded - serverStarted > 58_000) console.error('patrol: the ingest run may have overlapped the server\'s first track compaction (60 s after start)');
  const ingestFrames = wall.frames.slice(framesFrom).filter((f) => !f.snapshot);
  const ingestGaps = wall.stats().seqGaps - gapsBefore;

  // 2. The naive alternative: one fix per request through /osmand, each device with its token.
  const tokens: string[] = new Array(w.count);
  const issueStarted = performance.now();
  {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    let next = 0;
    await Promise.all(Array.from({ length: 20 }, async () => {
      while (next < w.count) {
        const i = next++;
        const r = await post(s, agent, '/api/devices', JSON.stringify({ id: w.ids[i], workerId: w.ids[i] }), s.auth);
        if (r.status !== 201) throw new Error(`POST /api/devices ${w.ids[i]}: ${r.status} ${r.text.slice(0, 200)}`);
        tokens[i] = (JSON.parse(r.text) as { token: string }).token;
      }
    }));
    agent.destroy();
  }
  const issueSeconds = (performance.now() - issueStarted) / 1000;
  await sleep(1000);
  let k = 0;
  let built = 0;
  const nextOsmand = (r: CannonRequest): CannonRequest => {
    const i = k++ % w.count;
    // Whole seconds: OsmAnd's timestamp is Unix seconds.
    w.step(i, Math.ceil((w.t[i] + FIX_EVERY_MS) / 1000) * 1000);
    built++;
    return { ...r, path: `/osmand?${w.osmandQuery(i)}&token=${tokens[i]}` };
  };
  const rssO = sampler(s.pid);
  const rssBeforeOsmandMB = rssMB(s.pid);
  const cpuO0 = cpuMeter(s.pid);
  const monoO = process.hrtime.bigint() / 1000n;
  const o = await autocannon({ url: s.url, connections: OSMAND_CONNECTIONS, duration: OSMAND_SECONDS, requests: [{ method: 'POST', path: '/osmand', headers: {}, setupRequest: nextOsmand }] });
  const cpuO = cpuO0();
  if (process.env.BENCH_SERVER_NODE_ARGS?.includes('--cpu-prof')) console.error(`patrol: OsmAnd run on the monotonic clock ${monoO}–${process.hrtime.bigint() / 1000n} µs`);
  const osmandPeak = rssO.stop().rssPeakMB;
  const ok2xx = o.requests.total - o.non2xx;
  const osmandPerSec = round(ok2xx / o.duration, 0);
  line({
    figure: 'ingest-osmand', what: `the naive alternative, same run, same walkers: one fix per request, POST /osmand?id=…&token=…&timestamp=…&lat=…&lon=…&speed=…&bearing=…&accuracy=…&batt=… (empty body, as Traccar Client sends it), every device with its own token, autocannon at ${OSMAND_CONNECTIONS} connections`,
    connections: OSMAND_CONNECTIONS, seconds: round(o.duration, 1), requests: o.requests.total, reqPerSec: round(o.requests.average, 1), positionsPerSec: osmandPerSec,
    p50Ms: o.latency.p50, p99Ms: o.latency.p99, maxMs: o.latency.max, non2xx: o.non2xx, errors: o.errors, timeouts: o.timeouts, statusCodes: statusCodes(o),
    rssBeforeMB: rssBeforeOsmandMB, rssPeakMB: osmandPeak, rssAfterMB: rssMB(s.pid), ...cpuO, positionsPerServerCpuSecond: round(ok2xx / cpuO.serverCpuSeconds, 0), tokensIssued: w.count, issueSeconds: round(issueSeconds, 1),
    batchesFasterBy: round(positionsPerSec / Math.max(1, osmandPerSec), 1), batchesCheaperPerPositionBy: round(b.accepted / cpuB.serverCpuSeconds / (ok2xx / cpuO.serverCpuSeconds), 1), requestsBuilt: built,
  });
  const backlog = warm.accepted + b.accepted + ok2xx;

  // The server's first compaction (60 s after it started) moves everything above out of its
  // append log: let it pass, so the latency run sees the steady state — one compaction of
  // its own fixes, 60 s later — not this backlog. The CPU the server uses from when it is
  // quiet after the OsmAnd run until it is quiet after the compaction (nothing sent
  // meanwhile; the wall's empty frames cost next to nothing) is the compaction's cost.
  const settled = await quietAfter(s.pid, Date.now());
  const cpuC0 = cpuSeconds(s.pid);
  const watchFrom = Date.now();
  const compacted = await quietAfter(s.pid, serverStarted + 61_000);
  const firstCompaction = {
    serverCpuSeconds: round(cpuSeconds(s.pid) - cpuC0, 2), watchedSeconds: round((Date.now() - watchFrom) / 1000, 1),
    watchStartedAtSecond: round((watchFrom - serverStarted) / 1000, 1), quiet: settled.quiet && compacted.quiet,
  };

  // 3. Latency to the wall at a steady RATE positions/s.
  const pendLon: number[][] = Array.from({ length: w.count }, () => []);
  const pendLat: number[][] = Array.from({ length: w.count }, () => []);
  const pendAt: number[][] = Array.from({ length: w.count }, () => []);
  const lat: number[] = [];
  const latSentAt: number[] = [];
  const toFrame: number[] = []; // frame's instant − send
  const transit: number[] = []; // arrival − frame's instant
  let superseded = 0, unmatchedRows = 0, frameRows = 0;
  let measuring = false;
  wall.listen((f, at) => {
    if (!measuring || f.snapshot) return;
    for (let r = 0; r < f.count; r++) {
      const i = f.index[r];
      frameRows++;
      const lons = pendLon[i];
      if (!lons?.length) {
        unmatchedRows++;
        continue;
      }
      let j = lons.length - 1;
      while (j >= 0 && !(lons[j] === f.lonE6[r] && pendLat[i][j] === f.latE6[r])) j--;
      if (j < 0) {
        unmatchedRows++;
        continue;
      }
      const sent = pendAt[i][j];
      lat.push(at - sent);
      latSentAt.push(sent);
      toFrame.push(f.t - sent);
      transit.push(at - f.t);
      superseded += j; // older fixes of this device that no frame showed: coalesced away
      lons.splice(0, j + 1);
      pendLat[i].splice(0, j + 1);
      pendAt[i].splice(0, j + 1);
    }
  });
  const agentL = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const perBatch = BATCH;
  const intervalMs = (perBatch / RATE) * 1000;
  const batchesToSend = Math.round((LATENCY_SECONDS * 1000) / intervalMs);
  const postMs: number[] = [];
  const inFlight: Promise<void>[] = [];
  let lAccepted = 0, lNon2xx = 0, lErrors = 0, lateSends = 0, cursor = 0, maxBehindMs = 0;
  let lProblem: string | undefined;
  const framesBeforeL = wall.frames.length;
  const gapsBeforeL = wall.stats().seqGaps;
  const cpuL0 = cpuMeter(s.pid);
  const rssL = sampler(s.pid);
  measuring = true;
  const lStart = performance.now();
  const lStartEpoch = Date.now();
  for (let n = 0; n < batchesToSend; n++) {
    const due = lStart + n * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    else if (wait < -intervalMs) lateSends++;
    maxBehindMs = Math.max(maxBehindMs, -wait);
    let body = '{"fixes":[';
    const now = Date.now();
    const sentIdx: number[] = [];
    for (let q = 0; q < perBatch; q++) {
      const i = cursor++ % w.count;
      w.step(i, Math.max(now, w.t[i] + 1));
      body += (q ? ',' : '') + w.fixJson(i);
      sentIdx.push(i);
    }
    body += ']}';
    const sentAt = Date.now();
    for (const i of sentIdx) {
      pendLon[i].push(w.lonE6[i]);
      pendLat[i].push(w.latE6[i]);
      pendAt[i].push(sentAt);
    }
    const t0 = performance.now();
    inFlight.push(post(s, agentL, '/api/positions', body, s.auth).then((r) => {
      postMs.push(performance.now() - t0);
      if (r.status === 200) lAccepted += (JSON.parse(r.text) as { accepted: number }).accepted;
      else (lNon2xx++, (lProblem ??= `${r.status} ${r.text.slice(0, 200)}`));
    }, (e: Error) => {
      lErrors++;
      lProblem ??= e.message;
    }));
  }
  await Promise.all(inFlight);
  const lSeconds = (performance.now() - lStart) / 1000;
  const cpuL = cpuL0();
  await sleep(1500); // the last frames
  measuring = false;
  wall.listen(null);
  agentL.destroy();
  const rssLatency = rssL.stop();
  let lost = 0;
  for (const l of pendLon) lost += l.length;
  const [l50, l95, l99, lmax] = pct(lat, 0.5, 0.95, 0.99, 1);
  const [f50, f99] = pct(toFrame, 0.5, 0.99);
  const [tr50, tr99, trmax] = pct(transit, 0.5, 0.99, 1);
  const [pp50, pp99, ppmax] = pct(postMs, 0.5, 0.99, 1);
  const lFrames = wall.frames.slice(framesBeforeL).filter((f) => !f.snapshot);
  const gaps = lFrames.slice(1).map((f, q) => f.at - lFrames[q].at);
  const [g50, g99] = pct(gaps, 0.5, 0.99);
  // The longest wait between two frames (a compaction or a GC holding the server's event
  // loop) and the latency of the fixes sent outside it.
  const worst = gaps.reduce((a, g, q) => (g > gaps[a] ? q : a), 0);
  const stallFrom = (lFrames[worst]?.at ?? 0) - 500;
  const stallTo = lFrames[worst + 1]?.at ?? 0;
  const outside = lat.filter((_, q) => latSentAt[q] < stallFrom || latSentAt[q] > stallTo);
  const [o99] = pct(outside, 0.99);
  line({
    figure: 'wall-latency', what: `POST /api/positions → the city wall's positions frame carrying the fix's device at its position (socket.io-client, websocket), ${RATE} positions/s paced as a batch of ${perBatch} every ${round(intervalMs, 1)} ms for ${LATENCY_SECONDS} s (so the server's track compaction, every 60 s, runs once inside it, on its own fixes), every fix stamped now; from just before the POST is written to the frame's arrival (Date.now(), one process). Frames go out every ${FRAME_MS} ms (FRAME_INTERVAL_MS), so waiting for the next one is 0–${FRAME_MS} ms of it`,
    rate: RATE, seconds: round(lSeconds, 1), batches: batchesToSend, fixesSent: batchesToSend * perBatch, accepted: lAccepted, non2xx: lNon2xx, errors: lErrors, firstProblem: lProblem,
    matched: lat.length, superseded, lost, unmatchedRows, frameRows,
    p50Ms: l50, p95Ms: l95, p99Ms: l99, maxMs: lmax,
    sendToFrameInstantP50Ms: f50, sendToFrameInstantP99Ms: f99, frameInstantToArrivalP50Ms: tr50, frameInstantToArrivalP99Ms: tr99, frameInstantToArrivalMaxMs: trmax,
    postP50Ms: pp50, postP99Ms: pp99, postMaxMs: ppmax, frames: lFrames.length, frameGapP50Ms: g50, frameGapP99Ms: g99,
    longestFrameGap: { ms: gaps[worst], atSecond: round((stallFrom + 500 - lStartEpoch) / 1000, 1) }, p99MsOutsideLongestGap: o99,
    framesLost: wall.stats().seqGaps - gapsBeforeL, senderLateBatches: lateSends, senderMaxBehindMs: round(maxBehindMs, 1), ...cpuL, rssPeakMB: rssLatency.rssPeakMB,
    targetP99Ms: TARGET_P99_MS, ok: l99 <= TARGET_P99_MS && lost === 0,
  });

  // 4. The largest frame while every device moved in every 500 ms window (phase 1).
  const largest = ingestFrames.reduce((a, f) => (f.bytes > a.bytes ? f : a), { bytes: 0, count: 0 } as FrameSeen);
  const [cnt50] = pct(ingestFrames.map((f) => f.count), 0.5);
  line({
    figure: 'frame-size', what: `the largest positions frame (binary attachment bytes as the wall received it) at the city wall during the ingest run, when all ${w.count} devices moved in every 500 ms window; Socket.IO adds a ~50-byte text packet and WebSocket headers`,
    bytes: largest.bytes, devices: largest.count, bytesPerDevice: round((largest.bytes - 20) / Math.max(1, largest.count), 2), formula: `20 + 11·n = ${positionsFrameBytes(largest.count)}`,
    frames: ingestFrames.length, framesWithAllDevices: ingestFrames.filter((f) => f.count >= w.count).length, devicesPerFrameP50: cnt50, framesLost: ingestGaps,
    bytesFor8500: positionsFrameBytes(8500), targetBytes: TARGET_FRAME_BYTES, ok: largest.count >= 8500 && largest.bytes <= TARGET_FRAME_BYTES,
  });

  // 5. The track store.
  const running = trackFiles(s.dir);
  wall.socket.close();
  await s.stop();
  server = undefined;
  const afterStop = trackFiles(dir);
  // Reopened here: the server's shutdown does not wait for the track store's close (its log is
  // replayed at the next open), so the last fixes are still in the log tier; then one
  // compaction, as the server runs every minute, moves them into per device-day chunks.
  const opened = performance.now();
  const store = openSqliteTrackStore(dir);
  const openMs = performance.now() - opened;
  const inLog = await store.stats();
  const c0 = performance.now();
  await store.compact({ budgetMs: 60_000 });
  const compactMs = performance.now() - c0;
  const st = await store.stats();
  await store.close();
  const perPosition = (x: { bytes: number; positions: number }) => round(x.bytes / Math.max(1, x.positions), 2);
  const bytesPerPosition = perPosition(st);
  line({
    figure: 'track-bytes', what: "tracks.sqlite after this run: its files while the server ran; then, opened in this process once the server stopped, the store's own stats() (pages in use, indexes included, over positions) with the last fixes still in the append log, and after one compact() (what the server does every minute) moved them into recent per device-day chunks. Only minutes of each device's day, unmerged: scripts/bench/tracks.ts measures a working day. Also what compaction costs: the server's first one (the ingest and OsmAnd runs' backlog, CPU read from /proc while nothing else was sent) and the one here",
    positions: st.positions, devices: st.devices, runningDbBytes: running.dbBytes, runningWalBytes: running.walBytes, afterStopDbBytes: afterStop.dbBytes, afterStopWalBytes: afterStop.walBytes,
    logTier: { logFixes: inLog.logFixes, chunks: inLog.chunks, bytesInUse: inLog.bytes, bytesPerPosition: perPosition(inLog) },
    afterCompact: { logFixes: st.logFixes, chunks: st.chunks, recentChunks: st.recentChunks, bytesInUse: st.bytes, fileBytes: st.fileBytes, bytesPerPosition },
    serverFirstCompaction: { backlogFixes: backlog, devices: w.count, ...firstCompaction, serverCpuUsPerFix: round((firstCompaction.serverCpuSeconds * 1e6) / Math.max(1, backlog), 2) },
    compactionHere: { fixes: inLog.logFixes, devices: st.devices, openMs: round(openMs, 0), compactMs: round(compactMs, 0), usPerFix: round((compactMs * 1000) / Math.max(1, inLog.logFixes), 2) },
    targetBytesPerPosition: TARGET_BYTES_PER_POSITION, ok: bytesPerPosition <= TARGET_BYTES_PER_POSITION,
    note: "not the issue's figure, which is over a full working day, where a finished device-day is one deflated chunk",
  });
} finally {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
