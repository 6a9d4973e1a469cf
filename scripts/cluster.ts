// `npm run cluster`: several nodes of the server behind HAProxy on this machine, with
// PostgreSQL and Redis already running. Prints the address; Ctrl-C stops everything; a node
// that dies is reported and started again (CLUSTER_RESTART=0: only reported).
//
//   NODES=3 PORT=8080 npm run cluster
//   DATABASE_URL (postgres://postgres@127.0.0.1:5432/onenet, created if missing), REDIS_URL
//   (redis://127.0.0.1:6379), SESSION_SECRET and ADMIN_PASSWORD (generated and printed when
//   not set), CLUSTER_DIR (./var/cluster: the nodes' DATA_DIRs, haproxy.cfg), HAPROXY_MAXCONN
//   (4096; each connection takes two descriptors of HAProxy's `ulimit -n`).
// Anything else in the environment (SIMULATE, SIM_RATE, REDIS_PREFIX, LOG_LEVEL …) goes to
// every node as it would to `npm start`; the simulator runs on one node at a time.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDeployment, type Deployment } from './cluster/deployment.ts';
import { ensureClientBuilt } from './client-build.ts';
import { redactUrl } from '../server/store/open.ts';

const count = Number(process.env.NODES ?? 3);
if (!Number.isInteger(count) || count < 1 || count > 16) throw new Error(`NODES: 1–16, got "${process.env.NODES}"`);
const port = Number(process.env.PORT ?? 8080);
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/onenet';
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const restart = process.env.CLUSTER_RESTART !== '0';
const dir = resolve(process.env.CLUSTER_DIR ?? 'var/cluster');
mkdirSync(dir, { recursive: true });
/** A value from the environment, else the one kept in CLUSTER_DIR (made on the first run):
 * the database outlives a run, and so must the admin's password and the signing secret. */
const kept = (name: string, bytes: number) => {
  if (process.env[name]) return { value: process.env[name]!, given: true };
  const file = join(dir, name.toLowerCase());
  if (!existsSync(file)) writeFileSync(file, randomBytes(bytes).toString('base64url'), { mode: 0o600 });
  return { value: readFileSync(file, 'utf8').trim(), given: false };
};
const { value: sessionSecret } = kept('SESSION_SECRET', 32);
const { value: adminPassword, given: adminGiven } = kept('ADMIN_PASSWORD', 12);
const { PORT: _p, NODES: _n, DATABASE_URL: _d, REDIS_URL: _r, SESSION_SECRET: _s, ADMIN_PASSWORD: _a, CLUSTER_DIR: _c, CLUSTER_RESTART: _cr, HAPROXY_MAXCONN: _m, ...passOn } = process.env;

// The wall, built once for every node (as `npm start` does).
ensureClientBuilt();

const time = () => new Date().toISOString().slice(11, 19);
let d: Deployment | null = null;
let stopping = false;

console.log(`一张网 One Net cluster: ${count} node(s) on ports ${port + 1}–${port + count}, HAProxy on ${port}`);
console.log(`  PostgreSQL ${redactUrl(databaseUrl)}, Redis ${redisUrl}, working directory ${dir}`);
d = await startDeployment({
  nodes: count, port, basePort: port, databaseUrl, redisUrl, sessionSecret, adminPassword, dir,
  env: { SIMULATE: '1', ...(passOn as Record<string, string>) },
  statsPort: port + 100,
  maxconn: process.env.HAPROXY_MAXCONN ? Number(process.env.HAPROXY_MAXCONN) : undefined,
  onLine: (who, line, stream) => {
    // Nodes' start-up banners are long; print what matters: warnings, errors, singletons.
    if (stream === 'err' || /singleton|cluster:|not started|Redis|storage/.test(line)) console.log(`${time()} [${who}] ${line}`);
  },
  onExit: (node, code, signal) => {
    if (stopping) return;
    console.error(`${time()} [${node.name}] DIED (${signal ?? `exit ${code}`}); HAProxy takes it out of rotation${restart ? '; starting it again' : ''}`);
    if (restart) {
      setTimeout(() => {
        if (stopping) return;
        d?.start(node.index).then(
          () => console.log(`${time()} [${node.name}] back on ${node.url}`),
          (e: unknown) => console.error(`${time()} [${node.name}] could not be started again: ${(e as Error).message}`),
        );
      }, 1000);
    }
  },
});

console.log(`\n一张网 One Net — the wall is on http://localhost:${port}  (through HAProxy)`);
for (const n of d.nodes) console.log(`  ${n.name}: ${n.url} (pid ${n.proc?.pid})`);
console.log(`  HAProxy stats: http://127.0.0.1:${port + 100}/stats`);
console.log(`  admin: admin / ${adminGiven ? '(ADMIN_PASSWORD)' : `${adminPassword} (kept in ${join(dir, 'admin_password')}; the first run's sets it)`}`);
const demoFile = join(dir, 'n1', 'demo-accounts.json');
if (existsSync(demoFile)) {
  const demo = JSON.parse(readFileSync(demoFile, 'utf8')) as { displayToken: string; accounts: { username: string; password: string; role: string; scopeName: string }[] };
  console.log(`  demo wall (display token, whole city): http://localhost:${port}/?display=${demo.displayToken}`);
  for (const a of demo.accounts) console.log(`    ${a.username.padEnd(20)} ${a.password}  ${a.role.padEnd(10)} ${a.scopeName}`);
}
console.log('  Ctrl-C stops every node and HAProxy.');

async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${time()} stopping…`);
  await d?.stop();
  process.exit(0);
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void shutdown());
