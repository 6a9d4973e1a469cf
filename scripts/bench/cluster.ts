// Scale-out: the same deployment with 1, 2 and 3 nodes of server/index.ts behind the shipped
// HAProxy config (scripts/cluster/), on the machine's PostgreSQL (a schema per run, dropped
// after) and Redis (a prefix per run). For each size:
//  1. tickets: POST /api/tickets through the balancer (autocannon, CLUSTER_CONNECTIONS, 16),
//     CLUSTER_SECONDS (10) — tickets/s answered 201.
//  2. positions: one fix per request through /osmand, as Traccar Client sends it, 1,000
//     devices each with its own token — positions/s answered 200 (the city: ~1,700/s).
//  3. post→wall (2 nodes and more): a wall connected straight to node 2, reports posted
//     straight to node 1, one every 50 ms: the time from sending the POST to the `ticket`
//     event on the wall, across nodes through Redis (p50/p99 of CLUSTER_SAMPLES, 200).
// Every process shares this machine's cores: with 2 cores, nodes added compete with the
// balancer, PostgreSQL, Redis and autocannon itself, which the figures show as they are.
//
//   npm run bench -- cluster        (DATABASE_URL: postgres://postgres@127.0.0.1:5432/test)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { io } from 'socket.io-client';
import { startDeployment, type Deployment } from '../cluster/deployment.ts';
import { autocannon, statusCodes, type CannonRequest } from './lib/cannon.ts';
import { patrolWalkers } from './lib/patrol-walkers.ts';
import { loadNet } from '../../server/net/load.ts';
import { connectRedis } from '../../server/cluster/redis.ts';

const DATABASE_URL = process.env.CLUSTER_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECONDS = Number(process.env.CLUSTER_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.CLUSTER_CONNECTIONS ?? 16);
const SAMPLES = Number(process.env.CLUSTER_SAMPLES ?? 200);
const SIZES = (process.env.CLUSTER_NODES ?? '1,2,3').split(',').map(Number);
const DEVICES = 1000;

const line = (o: object) => console.log(JSON.stringify({ bench: 'cluster', ...o }));
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const net = loadNet();
const grids = [...net.areas.values()].filter((a) => a.level === 'grid') as unknown as { label: [number, number] }[];
const roster = [...net.workers.values()].slice(0, DEVICES).map((w) => ({ id: w.id, grid: w.grid }));

/** CPU seconds used so far by these processes (utime + stime, /proc; 100 ticks a second). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch { /* gone */ }
  }
  return ticks / 100;
}

/** autocannon, and the CPU the nodes and HAProxy spent meanwhile. */
async function cannonWithCpu(d: Deployment, o: Parameters<typeof autocannon>[0]) {
  const pids = [...d.nodes.map((n) => n.proc!.pid!), d.haproxy.child.pid!];
  const nodePids = pids.slice(0, -1);
  const n0 = cpuSeconds(nodePids), h0 = cpuSeconds(pids.slice(-1));
  const r = await autocannon(o);
  return { r, nodeCpuSeconds: round(cpuSeconds(nodePids) - n0, 2), haproxyCpuSeconds: round(cpuSeconds(pids.slice(-1)) - h0, 2) };
}

async function post(url: string, path: string, body: unknown, headers: Record<string, string>) {
  const r = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

async function measure(nodes: number, d: Deployment, auth: Record<string, string>): Promise<void> {
  const json = { 'content-type': 'application/json', ...auth };
  // 1. Tickets.
  let k = 0;
  const bodies = grids.map((g, i) => JSON.stringify({ lon: g.label[0], lat: g.label[1], category: 'fire_safety', source: i % 2 ? 'patrol' : 'hotline', description: '楼道内电动车充电' }));
  const ticketRequests = [{ method: 'POST', path: '/api/tickets', headers: json, setupRequest: (r: CannonRequest) => ({ ...r, body: bodies[k++ % bodies.length] }) }];
  const targets = nodes === 1 ? [['through HAProxy', d.url], ['straight to the node (the balancer\'s cost, by difference)', d.nodes[0].url]] : [['through HAProxy', d.url]];
  for (const [how, url] of targets) {
    const { r: t, nodeCpuSeconds, haproxyCpuSeconds } = await cannonWithCpu(d, { url, connections: CONNECTIONS, duration: SECONDS, requests: ticketRequests });
    const created = t.statusCodeStats['201']?.count ?? 0;
    line({ figure: 'tickets', nodes, what: `POST /api/tickets ${how}`, connections: CONNECTIONS, seconds: round(t.duration), ticketsPerSec: round(created / t.duration), p50Ms: t.latency.p50, p99Ms: t.latency.p99, maxMs: t.latency.max, errors: t.errors, timeouts: t.timeouts, statusCodes: statusCodes(t), nodeCpuSeconds, haproxyCpuSeconds, ticketsPerNodeCpuSecond: round(created / nodeCpuSeconds), loadAverage: loadavg()[0] });
  }

  // 2. Positions, one fix per request, each device with its token.
  const w = patrolWalkers(roster, net);
  const tokens: string[] = [];
  for (let i = 0; i < w.count; i += 50) {
    const batch = await Promise.all(w.ids.slice(i, i + 50).map((id) => post(d.url, '/api/devices', { id, workerId: id }, auth)));
    for (const r of batch) {
      if (r.status !== 201) throw new Error(`POST /api/devices: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      tokens.push(r.body.token as string);
    }
  }
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 5 * 60_000;
  let j = 0;
  const next = (r: CannonRequest): CannonRequest => {
    const i = j++ % w.count;
    w.step(i, w.t[i] ? w.t[i] + 1000 : t0); // whole seconds: OsmAnd's timestamp is Unix seconds
    return { ...r, path: `/osmand?${w.osmandQuery(i)}&token=${tokens[i]}` };
  };
  const { r: p, nodeCpuSeconds, haproxyCpuSeconds } = await cannonWithCpu(d, { url: d.url, connections: CONNECTIONS, duration: SECONDS, requests: [{ method: 'POST', path: '/osmand', headers: {}, setupRequest: next }] });
  const fixes = p.statusCodeStats['200']?.count ?? 0;
  line({ figure: 'positions', nodes, what: 'POST /osmand (one fix per request, Traccar Client style) through HAProxy', devices: w.count, connections: CONNECTIONS, seconds: round(p.duration), positionsPerSec: round(fixes / p.duration), p50Ms: p.latency.p50, p99Ms: p.latency.p99, maxMs: p.latency.max, errors: p.errors, timeouts: p.timeouts, statusCodes: statusCodes(p), nodeCpuSeconds, haproxyCpuSeconds, positionsPerNodeCpuSecond: round(fixes / nodeCpuSeconds), cityPositionsPerSec: 1700, loadAverage: loadavg()[0] });

  // 3. Post on node 1, wall on the last node (the same node with one).
  const A = d.nodes[0].url;
  const B = d.nodes[nodes - 1].url;
  const socket = io(B, { auth: { token: auth.authorization.slice(7), layers: [] }, query: { area: '320400' }, transports: ['websocket'], forceNew: true });
  await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));
  const waiting = new Map<string, (at: number) => void>();
  const early = new Map<string, number>();
  socket.on('ticket', (x: { id: string }) => {
    const at = performance.now();
    const f = waiting.get(x.id);
    if (f) f(at);
    else early.set(x.id, at);
  });
  await sleep(500);
  const lat: number[] = [];
  const pending: Promise<void>[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const g = grids[(s * 37) % grids.length];
    const sent = performance.now();
    pending.push((async () => {
      const r = await post(A, '/api/tickets', { lon: g.label[0], lat: g.label[1], category: 'fire_safety', source: 'patrol', description: '楼道内电动车充电' }, auth);
      const id = r.body.id as string;
      const at = early.get(id) ?? await Promise.race([new Promise<number>((res) => waiting.set(id, res)), sleep(10_000).then(() => NaN)]);
      lat.push(at - sent);
    })());
    await sleep(50);
  }
  await Promise.all(pending);
  socket.close();
  const got = lat.filter(Number.isFinite);
  line({ figure: 'post-to-wall', nodes, crossNode: nodes > 1, what: `POST /api/tickets on node 1 → the ticket event on a wall connected to node ${nodes}${nodes > 1 ? ' (through Redis)' : ' (the same node)'}`, samples: SAMPLES, received: got.length, p50Ms: round(pct(got, 50)), p99Ms: round(pct(got, 99)), maxMs: round(Math.max(...got)) });
}

for (const nodes of SIZES) {
  const schema = `bench_cluster_${nodes}_${process.pid}`;
  const prefix = `one-net-bench:cluster:${process.pid}:${nodes}:`;
  const dir = mkdtempSync(join(tmpdir(), 'one-net-bench-cluster-'));
  const adminPassword = `bench-${randomBytes(8).toString('hex')}`;
  let d: Deployment | null = null;
  try {
    const started = performance.now();
    d = await startDeployment({
      nodes, port: 0, databaseUrl: DATABASE_URL, schema, redisUrl: REDIS_URL, redisPrefix: prefix, sessionSecret: randomBytes(24).toString('hex'), adminPassword, dir,
      env: { RATE_WRITES_PER_MIN: '1000000000', RATE_SIGNINS_PER_MIN: '100000', LOG_LEVEL: 'error' },
    });
    line({ figure: 'start', nodes, seconds: round((performance.now() - started) / 1000) });
    const r = await post(d.url, '/api/auth/login', { username: 'admin', password: adminPassword }, {});
    await measure(nodes, d, { authorization: `Bearer ${r.body.token as string}` });
  } finally {
    await d?.stop();
    const c = new pg.Client({ connectionString: DATABASE_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
    const link = await connectRedis(REDIS_URL, { prefix });
    for (let cursor = '0'; ;) {
      const [nextCursor, keys] = await link.commands.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await link.commands.del(...keys);
      if ((cursor = nextCursor) === '0') break;
    }
    await link.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
process.exit(0);
