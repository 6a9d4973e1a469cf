// Entry point: load the net, open the store, listen on PORT, start the simulator.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from './config.ts';
import { loadNet } from './net/load.ts';
import { openStores, storeConfigFromEnv } from './store/open.ts';
import { ensureAdmin, ensureDemo, sessionSecret } from './auth/bootstrap.ts';
import { DataDirInUseError, isToldStorageError } from './store/errors.ts';
import { pgErrorKind } from './store/pg/errors.ts';
import { buildApp } from './app.ts';
import { startSimulators } from './sim/start-all.ts';
import { createLocator } from './geo/locator.ts';
import { clusterFromEnv } from './cluster/cluster.ts';
import { sharedSecret } from './cluster/secret.ts';
import { localSingletons } from './cluster/singleton.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = readConfig();
const t0 = performance.now();
const net = loadNet();
// SQLite under DATA_DIR, or PostgreSQL when DATABASE_URL is set (server/store/open.ts).
// One server per data directory (the tracks stay there until they have a PostgreSQL store):
// a second one stops here, before it listens or simulates anything; so does a database
// that cannot be reached or migrated.
const stores = await (async () => {
  try {
    return await openStores(storeConfigFromEnv(config.dataDir));
  } catch (e) {
    if (e instanceof DataDirInUseError) {
      console.error(`一张网 One Net: not started. ${e.message}`);
      process.exit(1);
    }
    if (pgErrorKind(e)) {
      console.error(`一张网 One Net: not started. The database (DATABASE_URL) cannot be reached: ${(e as Error).message}`);
      process.exit(1);
    }
    throw e;
  }
})();
// A database that goes away later fails requests (503) and background ticks (logged), never
// the process: a rejection of that kind nobody awaited is logged here, anything else still
// ends the process as it would.
process.on('unhandledRejection', (e) => {
  if (!isToldStorageError(e) && !pgErrorKind(e)) throw e;
  console.error(`一张网 One Net: storage: ${(e as Error).message}`);
});
const store = stores.tickets;
const admin = await ensureAdmin(stores.access, process.env.ADMIN_PASSWORD, Date.now());
const demo = config.simulate ? await ensureDemo(stores.access, net, config.dataDir, Date.now()) : null;
// Several nodes behind one address when REDIS_URL is set (server/cluster/): shared secret,
// live feed, limits, and the work below run once per deployment under leases.
const cluster = await clusterFromEnv((level, msg, obj) => console[level === 'info' ? 'log' : level](`  ${msg}`, obj ?? ''));
const secret = cluster ? await sharedSecret(cluster.link) : sessionSecret(config.dataDir);
const allowedOrigins = (process.env.ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
// Behind a balancer (scripts/cluster/haproxy.cfg.tmpl) every request comes from its address.
const trustProxy = (process.env.TRUST_PROXY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const locator = createLocator(net);
const app = await buildApp({ net, stores, locator, patrol: config.patrol, photosDir: config.photos.dir, photosNode: config.photos.node, secret, cluster, allowedOrigins, trustProxy, clientDir: join(root, 'client', 'dist'), logger: { level: process.env.LOG_LEVEL ?? 'warn' } });
await app.listen({ port: config.port, host: config.host });

const { port, address } = app.server.address() as { port: number; address: string };
const url = `http://localhost:${port}`;
const self = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address;
// The simulated city (accounts, key, phones, tickets, cameras) on one node at a time.
let simLines: string[] = ['  simulator: off', '  grid phones: none simulated'];
const simulators = config.simulate
  ? (cluster?.singletons ?? localSingletons()).runOnce('simulator', async () => {
    const s = await startSimulators({ baseUrl: `http://${self}:${port}`, net, access: stores.access, locator, phoneSecret: cluster ? { shared: secret } : { dataDir: config.dataDir }, config, log: app.log });
    simLines = s.lines;
    return () => s.stop();
  })
  : null;
await simulators?.started;
if (cluster && simulators && !simulators.held()) simLines = ['  simulator: running on another node (REDIS_URL: one per deployment)'];

console.log(`一张网 One Net — the wall is on ${url}`);
console.log(`  net: ${net.areas.size} areas, ${net.features.grid.features.length} grids (started in ${Math.round(performance.now() - t0)} ms)`);
console.log(`  store: ${stores.description}, ${await store.total()} tickets`);
for (const line of simLines) console.log(line);
if (cluster) console.log(`  cluster: node ${cluster.link.nodeId}, Redis ${cluster.link.prefix}* (REDIS_URL); simulator, deadline clock and track housekeeping run once per deployment`);
console.log(`  API: ${url}/api/docs/json`);
if (admin.created) console.log(`  admin: created${admin.password ? `, password ${admin.password} (printed once; ADMIN_PASSWORD sets it)` : ' with ADMIN_PASSWORD'}`);
if (demo) {
  console.log(`  demo wall (display token, whole city, no personal data): ${url}/?display=${demo.displayToken}`);
  console.log('  demo accounts (sign in at the wall; kept in DATA_DIR/demo-accounts.json):');
  for (const a of demo.accounts) console.log(`    ${a.username.padEnd(20)} ${a.password}  ${a.role.padEnd(10)} ${a.scopeName} ${a.scope}${a.department ? ` · ${a.department}` : ''}`);
}

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await simulators?.stop();
    await app.close();
    await cluster?.close();
  } finally {
    await Promise.resolve(stores.close()).catch((e: unknown) => console.error(`  store: not closed cleanly: ${(e as Error).message}`));
    process.exit(0);
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void shutdown());
