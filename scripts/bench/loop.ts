// The ticket loop at scale (issue 8): a year of history, then the real server on it.
//  1. seed: `scripts/seed-history.ts` (a child process, as `npm run seed:history` runs) writes
//     LOOP_N (1,500,000) tickets ending now into a fresh data directory: its time and size.
//  2. start: the real entry point (server/index.ts, SIMULATE=0) on that store: time to listen
//     and its RSS once started.
//  3. kpi: GET /api/kpi of the city, a district, a street and a grid (the busiest grid and its
//     ancestors) over the last month and the last year, LOOP_REQUESTS (200) requests each,
//     one at a time: p50/p95.
//  4. queues: a queue page (/api/queues/to_verify, /api/queues/overdue) and filtered lists
//     (/api/queues/to_dispatch?item=…&light=red with the commonest item waiting there red,
//     which is often none, so also /api/queues/handling?item=…&light=red, and
//     /api/queues/to_verify?q=井盖): p50/p95 the same way.
//  5. writes: LOOP_SECONDS (20) at 10 connections of POST /api/tickets (real reports at grid
//     label points) alternating with POST /api/tickets/:id/actions {action: remind} on open
//     tickets (each connection cycles through its own, so no two requests race for one):
//     req/s, p99, non-2xx, RSS before, peak (sampled every 250 ms) and LOOP_SETTLE_SECONDS
//     (60) after. Then the same on a small store (LOOP_BASE_N, 20,000 tickets) in the same
//     run: what the size costs, apart from what else the machine is doing.
// One JSON line per figure, with the issue's target and whether it was met. The machine is
// shared: timings vary with what else runs (the seed line reports its CPU seconds and the
// load average too).
// PostgreSQL side by side: with DATABASE_URL (or LOOP_DATABASE_URL) set, every step runs on
// SQLite, then again on PostgreSQL (seeded by COPY into a schema of the bench's own, dropped
// at the end); each line says its `db` (sqlite or postgres). LOOP_STORES=postgres (or sqlite) runs only one.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNet } from '../../server/net/load.ts';
import type { Net } from '../../server/net/types.ts';
import { CITY_CODE } from '../../server/net/codes.ts';
import { CATEGORY_CODES, SOURCE_CODES } from '../../server/domain/ticket.ts';
import { dateCST, dayCST, dayStartMs } from '../../server/domain/day.ts';
import { rssMB, startServerChild, type ServerChild } from './lib/server-child.ts';
import { autocannon, type CannonRequest } from './lib/cannon.ts';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const N = Number(process.env.LOOP_N ?? 1_500_000);
const REQUESTS = Number(process.env.LOOP_REQUESTS ?? 200);
const SECONDS = Number(process.env.LOOP_SECONDS ?? 20);
const SETTLE_SECONDS = Number(process.env.LOOP_SETTLE_SECONDS ?? 60);
const BASE_N = Number(process.env.LOOP_BASE_N ?? 20_000);
const CONNECTIONS = 10;
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DATABASE_URL = process.env.LOOP_DATABASE_URL ?? process.env.DATABASE_URL;
type Store = 'sqlite' | 'postgres';
const STORES = (process.env.LOOP_STORES ?? (DATABASE_URL ? 'sqlite,postgres' : 'sqlite')).split(',').map((x) => x.trim()).filter(Boolean) as Store[];
if (STORES.includes('postgres') && !DATABASE_URL) throw new Error('LOOP_STORES names postgres: set DATABASE_URL (or LOOP_DATABASE_URL)');
let store: Store = 'sqlite';
const line = (o: object) => console.log(JSON.stringify({ bench: 'loop', db: store, ...o }));

/** Where one store lives: a data directory (tracks, and everything with SQLite) and, with
 * PostgreSQL, a schema of its own. */
interface Target {
  dir: string;
  database?: { url: string; schema: string };
}
async function dropSchema(t: Target): Promise<void> {
  if (!t.database) return;
  const c = new pg.Client({ connectionString: t.database.url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${t.database.schema} CASCADE`);
  } finally {
    await c.end();
  }
}
function target(name: string): Target {
  const dir = mkdtempSync(join(tmpdir(), `one-net-${name}-`));
  return store === 'postgres' ? { dir, database: { url: DATABASE_URL!, schema: `bench_${name.replace(/-/g, '_')}_${process.pid}` } } : { dir };
}

/** CPU seconds (user + system, all threads) a running process has used: /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** The seed, as `npm run seed:history` runs it: its JSON line, the CPU it used (sampled every
 * 250 ms until it exits) and the machine's load meanwhile. */
function seed(into: Target, count: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const loadBefore = loadavg()[0];
    const { DATABASE_URL: _url, DATABASE_SCHEMA: _schema, ...env } = process.env;
    const database = into.database ? { DATABASE_URL: into.database.url, DATABASE_SCHEMA: into.database.schema } : {};
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'seed-history.ts'), '--count', String(count), '--dir', into.dir], { cwd: root, env: { ...env, ...database }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let cpu = 0;
    let load = 0, loads = 0;
    const t = setInterval(() => {
      const c = cpuSeconds(child.pid!);
      if (Number.isFinite(c)) cpu = c;
      load += loadavg()[0];
      loads++;
    }, 250);
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('exit', (code) => {
      clearInterval(t);
      if (code !== 0) return reject(new Error(`seed:history exited with ${code}`));
      resolve({ ...JSON.parse(out.trim().split('\n').pop()!), cpuSeconds: round(cpu, 1), loadAvgBefore: round(loadBefore), loadAvgDuring: round(load / Math.max(1, loads)) });
    });
  });
}

/** `n` GETs one at a time (after 10 to warm up): latency percentiles, and the last body. */
async function timed(s: ServerChild, path: string, n = REQUESTS) {
  const ms: number[] = [];
  let body: unknown;
  let status = 0;
  for (let i = -10; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(s.url + path, { headers: s.auth });
    const text = await res.text();
    if (i >= 0) ms.push(performance.now() - t0);
    status = res.status;
    if (status !== 200) throw new Error(`${path}: ${status} ${text.slice(0, 300)}`);
    body = JSON.parse(text);
  }
  ms.sort((a, b) => a - b);
  const pct = (p: number) => round(ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)]);
  return { n, p50Ms: pct(50), p95Ms: pct(95), maxMs: round(ms[ms.length - 1]), status, body };
}

/** LOOP_SECONDS at 10 connections: reports alternating with 催办 on open tickets. */
async function writes(s: ServerChild, store: string, net: Net): Promise<void> {
  const open: string[] = [];
  for (const queue of ['handling', 'to_accept', 'to_check', 'to_dispatch']) {
    let cursor = '';
    while (open.length < 2000) {
      const page = (await timed(s, `/api/queues/${queue}?limit=200${cursor ? `&cursor=${cursor}` : ''}`, 1)).body as { items: { ticket: { id: string } }[]; nextCursor: string | null };
      for (const { ticket } of page.items) open.push(ticket.id);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
  }
  if (open.length < CONNECTIONS * 2) throw new Error(`only ${open.length} open tickets to remind`);
  const bodies: string[] = [];
  let k = 0;
  for (const a of net.areas.values()) {
    if (a.level !== 'grid') continue;
    bodies.push(JSON.stringify({ lon: a.label[0], lat: a.label[1], category: CATEGORY_CODES[k % CATEGORY_CODES.length], source: SOURCE_CODES[k % SOURCE_CODES.length], description: '楼道内电动车充电' }));
    k++;
  }
  // Connection c reminds open[c], open[c + 10], …: never two requests on one ticket at once.
  let nextBody = 0;
  let nextConnection = 0;
  const json = { 'content-type': 'application/json', ...s.auth };
  const requests = [
    { method: 'POST', path: '/api/tickets', headers: json, setupRequest: (r: CannonRequest) => ({ ...r, body: bodies[nextBody++ % bodies.length] }) },
    {
      method: 'POST', path: '/api/tickets/T/actions', headers: json,
      setupRequest: (r: CannonRequest, ctx: Record<string, unknown>) => {
        if (ctx.c === undefined) (ctx.c = nextConnection++ % CONNECTIONS), (ctx.i = 0);
        const i = (ctx.c as number) + CONNECTIONS * ((ctx.i as number)++ % Math.floor(open.length / CONNECTIONS));
        return { ...r, path: `/api/tickets/${open[i]}/actions`, body: '{"action":"remind"}' };
      },
    },
  ];
  const rssBeforeMB = rssMB(s.pid);
  const peak = samplePeak(s.pid);
  const r = await autocannon({ url: s.url, connections: CONNECTIONS, duration: SECONDS, requests });
  const rssPeakMB = peak();
  await sleep(SETTLE_SECONDS * 1000);
  line({
    figure: 'writes', store, what: 'POST /api/tickets alternating with POST /api/tickets/:id/actions {remind} on open tickets', connections: CONNECTIONS,
    seconds: round(r.duration, 1), requests: r.requests.total, reqPerSec: round(r.requests.average, 1), p50Ms: r.latency.p50, p99Ms: r.latency.p99, maxMs: r.latency.max,
    non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, v]) => [code, v.count])),
    openTickets: open.length, rssBeforeMB, rssPeakMB, rssAfterMB: rssMB(s.pid), settleSeconds: SETTLE_SECONDS, targetReqPerSec: 2000, ok: r.requests.average >= 2000 && r.non2xx === 0,
  });
}

function samplePeak(pid: number): () => number {
  let peak = rssMB(pid);
  const t = setInterval(() => (peak = Math.max(peak, rssMB(pid))), 250);
  return () => (clearInterval(t), Math.max(peak, rssMB(pid)));
}

let server: ServerChild | undefined;
process.on('exit', () => server?.child.kill('SIGKILL'));

async function run(): Promise<void> {
  const big = target('loop');
  const base = target('loop-base');
  try {
    // 1. The history.
    const seeded = await seed(big, N);
    line({ figure: 'seed', ...seeded, targetSeconds: 120, ok: Number(seeded.seconds) <= 120 });

    // 2. The server on it.
    const t0 = performance.now();
    server = await startServerChild('loop', big);
    const startMs = Math.round(performance.now() - t0);
    await sleep(2000);
    line({ figure: 'start', tickets: seeded.tickets, startMs, rssMB: rssMB(server.pid) });

    // 3. KPIs of the busiest grid's areas, over the last month and year.
    const net = loadNet();
    const ranking = (await timed(server, `/api/kpi/ranking?by=grid&area=${CITY_CODE}&from=${dateCST(dayStartMs(dayCST(Date.now()) - 364))}`, 1)).body as { items: { key: string; received: number }[] };
    const grid = [...ranking.items].sort((a, b) => b.received - a.received)[0].key;
    const today = dayCST(Date.now());
    const periods = { month: dateCST(dayStartMs(today - 29)), year: dateCST(dayStartMs(today - 364)) };
    for (const [level, area] of [['city', CITY_CODE], ['district', grid.slice(0, 6)], ['street', grid.slice(0, 9)], ['grid', grid]] as const) {
      for (const [period, from] of Object.entries(periods)) {
        const r = await timed(server, `/api/kpi?area=${area}&from=${from}&to=${dateCST(Date.now())}`);
        const k = r.body as { received: number; closureRate: number; onTimeRate: number; overdueNow: number };
        line({ figure: 'kpi', level, area, name: net.areas.get(area)?.name, period, n: r.n, p50Ms: r.p50Ms, p95Ms: r.p95Ms, maxMs: r.maxMs, received: k.received, closureRate: k.closureRate, onTimeRate: k.onTimeRate, overdueNow: k.overdueNow, targetP95Ms: 50, ok: r.p95Ms <= 50 });
      }
    }

    // 4. Queue pages and filtered lists.
    // The item most often waiting red for dispatch (else waiting at all): a list that is not empty.
    const commonest = async (path: string) => {
      const counts = new Map<string, number>();
      for (const { ticket } of ((await timed(server!, path, 1)).body as { items: { ticket: { item: string | null } }[] }).items) if (ticket.item) counts.set(ticket.item, (counts.get(ticket.item) ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    };
    const item = (await commonest('/api/queues/to_dispatch?light=red&limit=200')) ?? (await commonest('/api/queues/to_dispatch?limit=200')) ?? 'SR-01-001';
    // Red cases wait mostly in handling (few wait red for dispatch): a red list with rows.
    const redItem = (await commonest('/api/queues/handling?light=red&limit=200')) ?? item;
    for (const [kind, path] of [
      ['page', '/api/queues/to_verify'], ['page', '/api/queues/overdue'],
      ['filtered', `/api/queues/to_dispatch?item=${item}&light=red`], ['filtered', `/api/queues/handling?item=${redItem}&light=red`],
      ['filtered', `/api/queues/to_verify?q=${encodeURIComponent('井盖')}`],
    ] as const) {
      const r = await timed(server, path);
      line({ figure: 'queue', kind, path: decodeURIComponent(path), n: r.n, p50Ms: r.p50Ms, p95Ms: r.p95Ms, maxMs: r.maxMs, total: (r.body as { total: number }).total, targetP95Ms: 20, ok: r.p95Ms <= 20 });
    }

    // 5. Reports and 催办, on this store and, for comparison in the same run, on a small one.
    await writes(server, `${seeded.tickets} tickets`, net);
    await server.stop();
    server = undefined;
    rmSync(big.dir, { recursive: true, force: true });
    await dropSchema(big);
    const small = await seed(base, BASE_N);
    server = await startServerChild('loop-base', base);
    await writes(server, `${small.tickets} tickets (the same mix on a small store, same run)`, net);
  } finally {
    await server?.stop();
    server = undefined;
    for (const t of [big, base]) {
      rmSync(t.dir, { recursive: true, force: true });
      await dropSchema(t).catch((e: unknown) => console.error(`loop: schema ${t.database?.schema} not dropped: ${(e as Error).message}`));
    }
  }
}

for (const s of STORES) {
  store = s;
  await run();
}
