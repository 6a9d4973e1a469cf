// Real deployments for the fault tests: nodes of server/index.ts as child processes behind
// the shipped HAProxy config (scripts/cluster/), on the real PostgreSQL (a schema per
// deployment) and Redis (a key prefix per deployment), so test files running at the same
// time never see each other's rows or keys. Plus what the tests drive them with: a load
// generator that behaves like the field's clients (retries with an Idempotency-Key), walls
// (socket.io-client through the balancer, sticky by cookie), and a TCP proxy to Redis the
// test can cut, since this machine has no iptables/nft to drop a node's packets.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket as Tcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { expect } from 'vitest';
import { openPgTrackStore } from '../server/store/pg/tracks.ts';
import { seqOfTicketId } from '../server/domain/ticket.ts';
import { io, type Socket } from 'socket.io-client';
import { startDeployment, type Deployment, type DeploymentOptions } from '../scripts/cluster/deployment.ts';
import { connectRedis } from '../server/cluster/redis.ts';
import { dropKeys, REDIS_URL, testPrefix } from './cluster-harness.ts';
import { gridOf, report, theNet } from './helpers.ts';

export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ADMIN_PASSWORD = `faults-${randomBytes(6).toString('hex')}`;

export interface TestDeployment extends Deployment {
  schema: string;
  prefix: string;
  db: pg.Pool;
  auth: { authorization: string };
  /** The node index whose process holds a lease now (from Redis), or -1. */
  leaseHolder(name: string): Promise<number>;
  close(): Promise<void>;
}

export async function startTestDeployment(name: string, o: Partial<DeploymentOptions> & { nodes: number }): Promise<TestDeployment> {
  const schema = `${name}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const prefix = testPrefix(name);
  const dir = mkdtempSync(join(tmpdir(), `one-net-${name}-`));
  const d = await startDeployment({
    port: 0, databaseUrl: DATABASE_URL, schema, redisUrl: REDIS_URL, redisPrefix: prefix, sessionSecret: randomBytes(24).toString('hex'),
    adminPassword: ADMIN_PASSWORD, dir,
    onLine: (who, line, stream) => {
      if (stream === 'err' || /singleton|DIED/.test(line)) console.log(`[${name} ${who}] ${line}`);
    },
    ...o,
    // A short lease so a lost holder's work moves in seconds (production: 10 s).
    env: { REDIS_LEASE_MS: '3000', RATE_WRITES_PER_MIN: '1000000000', LOG_LEVEL: 'error', ...o.env },
  });
  const db = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema},public`, max: 3 });
  db.on('error', () => {});
  const r = await fetch(`${d.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  if (r.status !== 200) throw new Error(`sign-in through the balancer: ${r.status} ${await r.text()}`);
  const auth = { authorization: `Bearer ${((await r.json()) as { token: string }).token}` };
  const redis = await connectRedis(REDIS_URL, { prefix });
  return {
    ...d, schema, prefix, db, auth,
    async leaseHolder(lease) {
      const v = await redis.commands.get(`${prefix}lease:${lease}`);
      const pid = Number(v?.split(':')[1]);
      return d.nodes.findIndex((n) => n.proc?.pid === pid && n.proc.exitCode === null && n.proc.signalCode === null);
    },
    async close() {
      await d.stop().catch(() => {});
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await db.end();
      await dropKeys(redis, prefix).catch(() => {});
      await redis.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ── the field's clients ──────────────────────────────────────────────────────────────

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One request with a hard limit: a hang is a failure the test sees, not a stuck test. */
export async function timedFetch(url: string, init: RequestInit = {}, ms = 8000): Promise<{ status: number; body: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    const r = await fetch(url, { ...init, signal: AbortSignal.timeout(ms) });
    const text = await r.text();
    let body: unknown = text;
    try { body = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, body, ms: performance.now() - t0 };
  } catch (e) {
    return { status: (e as Error).name === 'TimeoutError' ? -2 : -1, body: String(e), ms: performance.now() - t0 };
  }
}

export interface LoadResult {
  /** Idempotency-Key → ticket id, for every report answered 2xx. */
  tickets: Map<string, string>;
  /** Every Idempotency-Key sent (answered or not). */
  sentKeys: Set<string>;
  /** Ticket ids whose `verify` was answered 2xx. */
  verified: Set<string>;
  /** device → instants of fixes answered 2xx. */
  fixes: Map<string, number[]>;
  /** device → every instant sent. */
  sentFixes: Map<string, Set<number>>;
  /** Answers by status (-1: connection error, -2: no answer within the limit). */
  statuses: Map<number, number>;
  /** The slowest answer, ms. */
  maxMs: number;
}

/** Tickets, `verify` steps and phones' fixes through `url` until stop(): each client retries
 * what failed (a 5xx or a lost connection) a few times, with the same Idempotency-Key, as the
 * phone app does; a fix batch retried is deduplicated by (device, instant). */
export function startLoad(url: string, auth: Record<string, string>, o: { ticketClients?: number; phoneClients?: number; district?: string } = {}) {
  const res: LoadResult = { tickets: new Map(), sentKeys: new Set(), verified: new Set(), fixes: new Map(), sentFixes: new Map(), statuses: new Map(), maxMs: 0 };
  const g = gridOf(theNet().net, o.district ?? '320402');
  const headers = { 'content-type': 'application/json', ...auth };
  let running = true;
  const count = (r: { status: number; ms: number }) => {
    res.statuses.set(r.status, (res.statuses.get(r.status) ?? 0) + 1);
    res.maxMs = Math.max(res.maxMs, r.ms);
  };
  const retrying = async (send: () => Promise<{ status: number; body: unknown; ms: number }>) => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const r = await send();
      count(r);
      if (r.status >= 200 && r.status < 300) return r;
      if (r.status >= 400 && r.status < 500) return r; // refused for a reason: no retry
      await sleep(150 * (attempt + 1));
    }
    return null;
  };
  const ticketClient = async () => {
    while (running) {
      const key = randomUUID();
      res.sentKeys.add(key);
      const r = await retrying(() => timedFetch(`${url}/api/tickets`, { method: 'POST', headers: { ...headers, 'idempotency-key': key }, body: JSON.stringify(report(g.label[0], g.label[1])) }));
      if (!r || r.status >= 300) continue;
      const id = (r.body as { id: string }).id;
      res.tickets.set(key, id);
      const v = await retrying(() => timedFetch(`${url}/api/tickets/${id}/actions`, { method: 'POST', headers, body: JSON.stringify({ action: 'verify', item: ITEM, level: 'general' }) }));
      if (v && v.status < 300) res.verified.add(id);
    }
  };
  const workers = [...theNet().net.workers.values()].filter((w) => w.grid.startsWith(o.district ?? '320402')).slice(0, 40);
  const phoneClient = async (k: number) => {
    const mine = workers.filter((_, i) => i % (o.phoneClients ?? 2) === k);
    // Instants 100 ms apart, from a minute ago: a phone's clock may run ahead of the
    // server's (up to 5 min is accepted), and a long run stays well inside that.
    let t = Date.now() - 60_000;
    while (running) {
      t += 100;
      const fixes = mine.map((w, i) => ({ device: w.id, t, lon: g.label[0] + i * 1e-5, lat: g.label[1] }));
      for (const f of fixes) {
        const s = res.sentFixes.get(f.device) ?? new Set<number>();
        s.add(f.t);
        res.sentFixes.set(f.device, s);
      }
      const r = await retrying(() => timedFetch(`${url}/api/positions`, { method: 'POST', headers, body: JSON.stringify({ fixes }) }));
      if (r && r.status < 300) for (const f of fixes) res.fixes.set(f.device, [...(res.fixes.get(f.device) ?? []), f.t]);
      await sleep(50);
    }
  };
  const all = [
    ...Array.from({ length: o.ticketClients ?? 4 }, () => ticketClient()),
    ...Array.from({ length: o.phoneClients ?? 2 }, (_, k) => phoneClient(k)),
  ];
  return {
    result: res,
    async stop() {
      running = false;
      await Promise.all(all);
      return res;
    },
  };
}

/** An item of the catalogue `verify` accepts (fire safety, the reports' category). */
export let ITEM = '';
export async function pickItem(url: string, auth: Record<string, string>): Promise<void> {
  const r = await timedFetch(`${url}/api/catalogue`, { headers: auth });
  const items = ((r.body as { items?: { code: string; category?: string }[] }).items ?? []);
  ITEM = (items.find((i) => i.category === 'fire_safety') ?? items[0])?.code ?? '';
  if (!ITEM) throw new Error(`no catalogue item: ${JSON.stringify(r.body).slice(0, 200)}`);
}

export interface Wall {
  s: Socket;
  stats: { watermark: number; reported: number }[];
  tickets: string[];
  disconnects: number[];
  connects: number[];
}

/** A wall through the balancer, as the browser opens it: long-polling first, then the
 * upgrade to WebSocket, the balancer's cookie kept (withCredentials: a cookie jar in Node). */
export async function openWall(url: string, token: string, area = '320400'): Promise<Wall> {
  const s = io(url, { auth: { token, layers: [] }, query: { area }, withCredentials: true, forceNew: true, reconnectionDelay: 300, reconnectionDelayMax: 2000 });
  const w: Wall = { s, stats: [], tickets: [], disconnects: [], connects: [] };
  s.on('stats', (x: { watermark: number; reported: number }) => w.stats.push(x));
  s.on('ticket', (x: { id: string }) => w.tickets.push(x.id));
  s.on('disconnect', () => w.disconnects.push(Date.now()));
  s.on('connect', () => w.connects.push(Date.now()));
  await new Promise<void>((resolve, reject) => (s.once('connect', () => resolve()), s.once('connect_error', reject)));
  // As the wall does (client/src/live/socket.ts): a refusal by a node's middleware (a node
  // that lost Redis: "unavailable: …") is not retried by socket.io itself; the wall tries
  // again after 5 s, and the balancer sends it elsewhere by then. Same for a server's disconnect.
  s.on('connect_error', () => void (s.active || setTimeout(() => s.connected || s.connect(), 5000)));
  s.on('disconnect', (reason) => void (reason === 'io server disconnect' && setTimeout(() => s.connect(), 1000)));
  return w;
}

/** Every acknowledged report is in the database exactly once under its Idempotency-Key,
 * with the id it was answered; every acknowledged `verify` is once in its timeline; every
 * acknowledged fix is stored once (read back through the track store on the same tables),
 * and nothing is stored that was not sent. */
export async function expectAcknowledgedStoredOnce(d: TestDeployment, res: LoadResult): Promise<{ tickets: number; verified: number; fixes: number }> {
  const { rows } = await d.db.query<{ client_id: string; seq: number; n: number }>(
    'SELECT client_id, min(seq)::int AS seq, count(*)::int AS n FROM tickets WHERE client_id = ANY($1::text[]) GROUP BY client_id', [[...res.sentKeys]]);
  const byKey = new Map(rows.map((r) => [r.client_id, r]));
  expect(rows.filter((r) => r.n !== 1)).toEqual([]);
  for (const [key, id] of res.tickets) expect(byKey.get(key)?.seq, key).toBe(seqOfTicketId(id));
  const seqs = [...res.verified].map((id) => seqOfTicketId(id)!);
  const { rows: steps } = await d.db.query<{ ticket: number; n: number }>("SELECT ticket, count(*)::int AS n FROM timeline WHERE action = 'verify' AND ticket = ANY($1::bigint[]) GROUP BY ticket", [seqs]);
  expect(steps.length).toBe(seqs.length);
  expect(steps.filter((s) => s.n !== 1)).toEqual([]);
  const tracks = openPgTrackStore(d.db);
  let fixes = 0;
  for (const [device, acked] of res.fixes) {
    const stored = (await tracks.track(device, Date.now() - 3_600_000, Date.now() + 600_000)).map((f) => f.t);
    expect(new Set(stored).size, device).toBe(stored.length);
    expect(stored.filter((t) => !res.sentFixes.get(device)!.has(t)), device).toEqual([]);
    const s = new Set(stored);
    expect(acked.filter((t) => !s.has(t)), device).toEqual([]);
    fixes += acked.length;
  }
  return { tickets: res.tickets.size, verified: seqs.length, fixes };
}

// ── a partition from Redis ───────────────────────────────────────────────────────────

/** A TCP relay to Redis for one node. `cut()` makes it a black hole, as a firewall dropping
 * packets would: open connections stop carrying anything (no RST, no FIN) and new ones are
 * accepted but never connected through; `heal()` drops the dead ones so clients reconnect. */
export async function redisRelay(target = new URL(REDIS_URL)): Promise<{ url: string; cut(): void; heal(): void; close(): Promise<void> }> {
  let blocked = false;
  const pairs = new Set<[Tcp, Tcp | null]>();
  const server: Server = createServer((a) => {
    a.on('error', () => {});
    if (blocked) {
      pairs.add([a, null]);
      return;
    }
    const b = connect(Number(target.port || 6379), target.hostname);
    b.on('error', () => a.destroy());
    a.on('error', () => b.destroy());
    const pair: [Tcp, Tcp] = [a, b];
    pairs.add(pair);
    a.on('data', (d) => void (blocked || b.write(d)));
    b.on('data', (d) => void (blocked || a.write(d)));
    a.on('close', () => (b.destroy(), pairs.delete(pair)));
    b.on('close', () => (a.destroy(), pairs.delete(pair)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `redis://127.0.0.1:${port}`,
    cut: () => void (blocked = true),
    heal() {
      blocked = false;
      for (const [a, b] of pairs) (a.destroy(), b?.destroy());
      pairs.clear();
    },
    close: () => new Promise<void>((r) => {
      for (const [a, b] of pairs) (a.destroy(), b?.destroy());
      server.close(() => r());
    }),
  };
}
