// Several nodes of server/index.ts behind HAProxy on one machine: what `npm run cluster`
// runs, and what the fault tests and the scale-out bench start. Each node is a child
// process with its own port and DATA_DIR, all on one PostgreSQL (DATABASE_URL, optionally
// a schema of their own) and one Redis (REDIS_URL, a key prefix of their own).
//
//   const d = await startDeployment({ nodes: 3, port: 8080, databaseUrl, redisUrl, dir });
//   d.url                       // the balancer: http://127.0.0.1:8080
//   d.kill(1, 'SIGKILL'); await d.start(1);   // a node dies; the same node again
//   await d.stop();
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migratePg } from '../../server/store/pg/migrate.ts';
import { haproxyConfig, startHaproxy, type Haproxy } from './haproxy.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface DeploymentOptions {
  nodes: number;
  /** The balancer's port (0: a free one). */
  port: number;
  /** The nodes' ports: basePort + 1 … (0 or absent: free ones). */
  basePort?: number;
  databaseUrl: string;
  /** A schema of the deployment's own (tests, benches); the database's default otherwise. */
  schema?: string;
  redisUrl: string;
  redisPrefix?: string;
  /** Per node: another REDIS_URL (a proxy the test can cut). */
  redisUrlOf?: (i: number) => string;
  sessionSecret: string;
  adminPassword: string;
  /** Working directory: the nodes' DATA_DIRs, HAProxy's config and admin socket. */
  dir: string;
  /** More environment for every node (SIMULATE, RATE_WRITES_PER_MIN, REDIS_LEASE_MS …). */
  env?: Record<string, string>;
  /** Each line a node or HAProxy prints, with who printed it. */
  onLine?: (who: string, line: string, stream: 'out' | 'err') => void;
  /** A node that exits without being told to. */
  onExit?: (node: DeploymentNode, code: number | null, signal: NodeJS.Signals | null) => void;
  /** HAProxy's stats page on this port (/stats). */
  statsPort?: number;
  /** HAProxy's maxconn (default 4096: two descriptors each must fit under `ulimit -n`). */
  maxconn?: number;
}

export interface DeploymentNode {
  readonly index: number;
  readonly name: string;
  readonly port: number;
  readonly url: string;
  proc: ChildProcess | null;
  /** Told to stop (kill or stop): its exit is not reported as a death. */
  stopping: boolean;
}

export interface Deployment {
  url: string;
  nodes: DeploymentNode[];
  haproxy: Haproxy;
  /** Starts node i (again), resolves when it listens. */
  start(i: number): Promise<void>;
  /** Sends a signal to node i and resolves once it exited. */
  kill(i: number, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP port nobody listens on now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** CREATE DATABASE for the URL's database when it does not exist (through `postgres`). */
export async function ensureDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`DATABASE_URL: "${name}" is not a plain database name`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
}

export async function startDeployment(o: DeploymentOptions): Promise<Deployment> {
  mkdirSync(o.dir, { recursive: true });
  await ensureDatabase(o.databaseUrl);
  // Migrated once here: nodes starting together would otherwise race on CREATE EXTENSION.
  await migratePg(o.databaseUrl, { schema: o.schema });
  const port = o.port || (await freePort());
  const nodes: DeploymentNode[] = [];
  for (let i = 0; i < o.nodes; i++) {
    const p = o.basePort ? o.basePort + i + 1 : await freePort();
    nodes.push({ index: i, name: `n${i + 1}`, port: p, url: `http://127.0.0.1:${p}`, proc: null, stopping: false });
  }

  const start = (i: number): Promise<void> => {
    const node = nodes[i];
    if (node.proc && node.proc.exitCode === null && node.proc.signalCode === null) throw new Error(`${node.name} is running`);
    node.stopping = false;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      SIMULATE: '0',
      ...o.env,
      PORT: String(node.port),
      HOST: '127.0.0.1',
      DATA_DIR: join(o.dir, node.name),
      // One photos directory for every node (a shared volume in a real deployment): a
      // photo sent through one node is served by all.
      PHOTOS_DIR: join(o.dir, 'photos'),
      DATABASE_URL: o.databaseUrl,
      REDIS_URL: o.redisUrlOf?.(i) ?? o.redisUrl,
      SESSION_SECRET: o.sessionSecret,
      ADMIN_PASSWORD: o.adminPassword,
      // The balancer runs on this machine: its X-Forwarded-For is believed, nobody else's.
      TRUST_PROXY: '127.0.0.1',
    };
    if (o.schema) env.DATABASE_SCHEMA = o.schema;
    else delete env.DATABASE_SCHEMA;
    if (o.redisPrefix) env.REDIS_PREFIX = o.redisPrefix;
    const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'index.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    node.proc = proc;
    let tail = '';
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const t = setTimeout(() => reject(new Error(`${node.name} did not listen within 90 s:\n${tail.slice(-3000)}`)), 90_000);
      for (const [stream, s] of [['out', proc.stdout!], ['err', proc.stderr!]] as const) {
        let partial = '';
        s.setEncoding('utf8').on('data', (d: string) => {
          const lines = (partial + d).split('\n');
          partial = lines.pop()!;
          for (const line of lines) {
            tail = (tail + line + '\n').slice(-8000);
            o.onLine?.(node.name, line, stream);
            if (!ready && stream === 'out' && line.includes('the wall is on')) {
              ready = true;
              clearTimeout(t);
              resolve();
            }
          }
        });
      }
      proc.once('exit', (code, signal) => {
        clearTimeout(t);
        if (!ready) reject(new Error(`${node.name} exited (${code ?? signal}) before listening:\n${tail.slice(-3000)}`));
        else if (!node.stopping) o.onExit?.(node, code, signal);
      });
    });
  };

  const kill = async (i: number, signal: NodeJS.Signals = 'SIGTERM') => {
    const proc = nodes[i].proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    nodes[i].stopping = true;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    const hard = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(hard);
  };

  try {
    // The first node alone: it creates the admin and the demo accounts in the shared store
    // (two nodes doing it at once would race); the others get its demo-accounts.json, so
    // they print the same passwords instead of setting new ones.
    await start(0);
    const demo = join(o.dir, nodes[0].name, 'demo-accounts.json');
    for (const n of nodes.slice(1)) {
      mkdirSync(join(o.dir, n.name), { recursive: true });
      if (existsSync(demo)) copyFileSync(demo, join(o.dir, n.name, 'demo-accounts.json'));
    }
    await Promise.all(nodes.slice(1).map((_, i) => start(i + 1)));
  } catch (e) {
    await Promise.all(nodes.map((_, i) => kill(i, 'SIGKILL')));
    throw e;
  }
  let haproxy: Haproxy;
  try {
    const adminSocket = join(o.dir, 'haproxy.sock');
    haproxy = await startHaproxy(haproxyConfig({ port, bind: '127.0.0.1', nodes: nodes.map((n) => `127.0.0.1:${n.port}`), adminSocket, statsPort: o.statsPort, maxconn: o.maxconn }), o.dir, {
      adminSocket,
      onLine: (line) => o.onLine?.('haproxy', line, 'err'),
    });
  } catch (e) {
    await Promise.all(nodes.map((_, i) => kill(i, 'SIGKILL')));
    throw e;
  }
  const url = `http://127.0.0.1:${port}`;
  // Until HAProxy's first checks pass, it has no server to send to.
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const states = await haproxy.serverStates().catch(() => ({}) as Record<string, string>);
    if (nodes.every((n) => states[n.name] === 'UP')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    nodes,
    haproxy,
    start,
    kill,
    async stop() {
      await haproxy.stop();
      await Promise.all(nodes.map((_, i) => kill(i, 'SIGTERM')));
    },
  };
}
