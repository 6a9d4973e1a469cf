// Several nodes in one test process, against the real Redis (REDIS_URL, default
// redis://127.0.0.1:6379): each node its own app, Redis link and port; all of them one
// store (what PostgreSQL will be for separate processes) and one Redis key prefix per
// harness, so test files running in parallel never see each other's keys.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openSqliteStores, type SqliteStores } from '../server/store/sqlite.ts';
import { buildApp, type App, type AppOptions } from '../server/app.ts';
import { openCluster, type Cluster } from '../server/cluster/cluster.ts';
import { connectRedis, type RedisLink } from '../server/cluster/redis.ts';
import { sharedSecret } from '../server/cluster/secret.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import type { Role } from '../server/auth/roles.ts';
import { TEST_PASSWORD_HASH } from '../scripts/local-app.ts';
import { theNet } from './helpers.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test run uses. */
export const testPrefix = (name: string) => `one-net-test:${name}:${process.pid}:${randomBytes(4).toString('hex')}:`;

/** Deletes every key under `prefix`. */
export async function dropKeys(link: RedisLink, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await link.commands.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await link.commands.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export interface Node {
  app: App;
  cluster: Cluster;
  url: string;
}

export interface Nodes {
  nodes: Node[];
  stores: SqliteStores;
  prefix: string;
  /** A signed-in principal (through node 0's sessions; any node accepts it). */
  as(role: Role, scope?: string, o?: { grids?: string[] }): Promise<{ username: string; token: string; headers: { authorization: string } }>;
  close(): Promise<void>;
}

export type NodeOptions = Pick<AppOptions, 'now' | 'rates' | 'lockout' | 'statsIntervalMs' | 'patrol' | 'live' | 'deadlineClockMs'> & { leaseMs?: number };

export async function startNodes(name: string, count = 2, o: NodeOptions = {}): Promise<Nodes> {
  const { net, locator } = theNet();
  const dir = mkdtempSync(join(tmpdir(), 'one-net-cluster-'));
  const stores = openSqliteStores(dir);
  const prefix = testPrefix(name);
  const nodes: Node[] = [];
  for (let i = 0; i < count; i++) {
    const cluster = await openCluster(REDIS_URL, { prefix, leaseMs: o.leaseMs ?? 2000 });
    // Every node finds its secret the production way: the first one makes it in Redis.
    const secret = await sharedSecret(cluster.link, '');
    const app = await buildApp({
      net, locator, stores, cluster, secret, clientDir: null, photosDir: join(dir, 'photos'), photosNode: `n${i + 1}`,
      now: o.now, maxEventLoopDelayMs: 0,
      // A test on a fake clock moves it by days: its tokens last.
      sessions: o.now ? { accessTtlMs: 365 * 86_400_000, refreshTtlMs: 730 * 86_400_000 } : undefined, deadlineClockMs: o.deadlineClockMs ?? 3_600_000, statsIntervalMs: o.statsIntervalMs,
      rates: { writesPerMinute: 1_000_000, ...o.rates }, lockout: o.lockout, patrol: o.patrol, live: o.live,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    nodes.push({ app, cluster, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` });
  }
  let n = 0;
  return {
    nodes, stores, prefix,
    async as(role, scope = CITY_CODE, x = {}) {
      const username = `${role}-${++n}`;
      await stores.access.createAccount({ username, name: username, role, scope, department: role === 'handler' ? 'cgj' : null, grids: x.grids ?? [], passwordHash: TEST_PASSWORD_HASH }, (o.now ?? Date.now)());
      const t = await nodes[0].app.sessions.open('account', username);
      return { username, token: t.token, headers: { authorization: `Bearer ${t.token}` } };
    },
    async close() {
      for (const node of nodes) await node.app.close();
      for (const node of nodes) await node.cluster.close();
      const link = await connectRedis(REDIS_URL);
      await dropKeys(link, prefix);
      await link.close();
      stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const waitFor = async <T>(f: () => T | undefined | Promise<T | undefined>, ms = 5000, what = 'condition'): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
