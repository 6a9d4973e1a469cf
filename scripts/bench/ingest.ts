// Sustained ingest through the real entry point (`node --import tsx server/index.ts`, a
// child process with a fresh DATA_DIR and the simulator off), loaded with autocannon:
//  1. POST /api/tickets for INGEST_SECONDS (20) at 10, then 50 connections: req/s, latency,
//     non-2xx, and the server's RSS before, at its peak (sampled every 250 ms) and
//     INGEST_SETTLE_SECONDS (120) after the load.
//  2. A fresh server: INGEST_N (60,000) reports with no reads in between, then the size of the
//     WAL and of the database, then how long the first reads take.
// Every body is a real report at a grid's label point (inside the grid), cycling through
// the city's 6,298 grids and the categories and sources. One JSON line per run.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadNet } from '../../server/net/load.ts';
import { rssMB, startServerChild, type ServerChild } from './lib/server-child.ts';
import { autocannon, type CannonRequest } from './lib/cannon.ts';
import { CATEGORY_CODES, SOURCE_CODES } from '../../server/domain/ticket.ts';

const SECONDS = Number(process.env.INGEST_SECONDS ?? 20);
const SETTLE_SECONDS = Number(process.env.INGEST_SETTLE_SECONDS ?? 120);
const N = Number(process.env.INGEST_N ?? 60_000);
const CONNECTIONS = [10, 50];

const net = loadNet();
const bodies: string[] = [];
let k = 0;
for (const a of net.areas.values()) {
  if (a.level !== 'grid') continue;
  const [lon, lat] = a.label;
  bodies.push(JSON.stringify({
    lon, lat,
    category: CATEGORY_CODES[k % CATEGORY_CODES.length],
    source: SOURCE_CODES[k % SOURCE_CODES.length],
    description: '楼道内电动车充电',
  }));
  k++;
}
let next = 0;
const postTickets = (s: ServerChild) => ({
  method: 'POST',
  path: '/api/tickets',
  headers: { 'content-type': 'application/json', ...s.auth },
  setupRequest: (r: CannonRequest) => ({ ...r, body: bodies[next++ % bodies.length] }),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/** Sizes of the SQLite files in the data directory: the databases and their -wal files. */
function storeBytes(dir: string): { walBytes: number; dbBytes: number } {
  let walBytes = 0;
  let dbBytes = 0;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('-wal')) continue;
    walBytes += statSync(join(dir, f)).size;
    try {
      dbBytes += statSync(join(dir, f.slice(0, -'-wal'.length))).size;
    } catch { /* a WAL without its database: counted as WAL only */ }
  }
  return { walBytes, dbBytes };
}

type Server = ServerChild;
const startServer = () => startServerChild('ingest');

/** Samples the child's RSS every 250 ms until stopped; returns the peak. */
function samplePeak(pid: number): () => number {
  let peak = rssMB(pid);
  const t = setInterval(() => { peak = Math.max(peak, rssMB(pid)); }, 250);
  return () => {
    clearInterval(t);
    return Math.max(peak, rssMB(pid));
  };
}

async function timed(url: string, headers: Record<string, string> = {}): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return { ms: round(performance.now() - t0), status: res.status };
}

const servers: Server[] = [];
process.on('exit', () => { for (const s of servers) s.child.kill('SIGKILL'); });

try {
  // Part 1: sustained load at 10, then 50 connections, on one server.
  const s1 = await startServer();
  servers.push(s1);
  for (const connections of CONNECTIONS) {
    const rssBeforeMB = rssMB(s1.pid);
    const peak = samplePeak(s1.pid);
    const r = await autocannon({ url: s1.url, connections, duration: SECONDS, requests: [postTickets(s1)] });
    const rssPeakMB = peak();
    await sleep(SETTLE_SECONDS * 1000);
    console.log(JSON.stringify({
      bench: 'ingest',
      what: 'POST /api/tickets, real reports at grid label points, server/index.ts in a child process',
      connections,
      seconds: round(r.duration, 1),
      requests: r.requests.total,
      reqPerSec: round(r.requests.average, 1),
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      maxMs: r.latency.max,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, v]) => [code, v.count])),
      rssBeforeMB,
      rssPeakMB,
      rssAfterMB: rssMB(s1.pid),
      settleSeconds: SETTLE_SECONDS,
      ...storeBytes(s1.dir),
    }));
  }
  await s1.stop();

  // Part 2: N reports with no reads, then the WAL, then the first reads.
  const s2 = await startServer();
  servers.push(s2);
  await timed(`${s2.url}/api/no-such-route`); // warm up the client (fetch) without touching the store
  const t0 = performance.now();
  const r = await autocannon({ url: s2.url, connections: 10, amount: N, requests: [postTickets(s2)] });
  const ingestSeconds = (performance.now() - t0) / 1000;
  const files = storeBytes(s2.dir);
  const list = await timed(`${s2.url}/api/tickets?limit=50`, s2.auth);
  const health = await timed(`${s2.url}/api/health`);
  console.log(JSON.stringify({
    bench: 'ingest',
    figure: 'wal',
    reports: N,
    connections: 10,
    ingestSeconds: round(ingestSeconds, 1),
    reqPerSec: round(r.requests.total / ingestSeconds, 1),
    non2xx: r.non2xx,
    errors: r.errors,
    ...files,
    firstReadMs: list.ms,
    firstReadStatus: list.status,
    healthMs: health.ms,
    healthStatus: health.status,
    rssMB: rssMB(s2.pid),
  }));
  await s2.stop();
} finally {
  for (const s of servers) await s.stop();
}
