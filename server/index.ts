// Entry point: load the net, open the store, listen on PORT, start the simulator.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from './config.ts';
import { loadNet } from './net/load.ts';
import { openSqliteStores } from './store/sqlite.ts';
import { ensureAdmin, ensureDemo, sessionSecret, simulatorKey } from './auth/bootstrap.ts';
import { DataDirInUseError } from './store/errors.ts';
import { buildApp } from './app.ts';
import { simSpeedFromEnv, startCitySimulation } from './sim/city.ts';
import { ensureSimAccounts } from './sim/accounts.ts';
import { simPhones, startPhoneSim } from './sim/phones.ts';
import { startCameraSim } from './sim/cameras.ts';
import { defaultWorkClock } from './domain/workclock.ts';
import { createLocator } from './geo/locator.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = readConfig();
const t0 = performance.now();
const net = loadNet();
// One server per data directory (until the scale-out store makes several legitimate):
// a second one stops here, before it listens or simulates anything.
const stores = (() => {
  try {
    return openSqliteStores(config.dataDir);
  } catch (e) {
    if (!(e instanceof DataDirInUseError)) throw e;
    console.error(`一张网 One Net: not started. ${e.message}`);
    process.exit(1);
  }
})();
const store = stores.tickets;
const admin = await ensureAdmin(stores.access, process.env.ADMIN_PASSWORD, Date.now());
const demo = config.simulate ? await ensureDemo(stores.access, net, config.dataDir, Date.now()) : null;
const simSpeed = config.simulate ? simSpeedFromEnv() : 0;
const simAccounts = config.simulate ? await ensureSimAccounts(stores.access, net, Date.now()) : null;
const allowedOrigins = (process.env.ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const locator = createLocator(net);
const app = await buildApp({ net, stores, locator, patrol: config.patrol, photosDir: join(config.dataDir, 'photos'), secret: sessionSecret(config.dataDir), allowedOrigins, clientDir: join(root, 'client', 'dist'), logger: { level: process.env.LOG_LEVEL ?? 'warn' } });
await app.listen({ port: config.port, host: config.host });

const { port, address } = app.server.address() as { port: number; address: string };
const url = `http://localhost:${port}`;
// The simulator is a client like any other: it calls the address the server listens on,
// signed in as its own synthetic accounts (sim-…), and works the loop (server/sim/city.ts).
const self = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address;
// One key for the simulator's clients (another call would revoke this one).
const simKey = simAccounts ? await simulatorKey(stores.access, Date.now()) : null;

// The grid phones: SIM_PHONES of the net's phone carriers (all by default) walk their grids
// and send fixes through /osmand, each with its own device token.
const phoneDevices = config.simulate && config.simPhones > 0 ? await simPhones(stores.access, net, config.dataDir, Date.now(), config.simPhones) : [];
const phones = phoneDevices.length > 0
  ? startPhoneSim({
    baseUrl: `http://${self}:${port}`, phones: phoneDevices,
    gridAt: (lon, lat) => locator.gridAt(lon, lat), clock: defaultWorkClock, seed: config.simSeed, nightShare: config.simNightShare,
    onError: (e) => app.log.warn({ err: e }, 'phone simulator: a fix was not sent'),
  })
  : null;

const sim = simAccounts
  ? await startCitySimulation({
    baseUrl: `http://${self}:${port}`, net, accounts: simAccounts, apiKey: simKey!,
    ratePerMinute: config.simRate, seed: config.simSeed, speed: simSpeed, log: (level, msg, obj) => app.log[level](obj ?? {}, msg),
    phones: phones ? { sim: phones, devices: phoneDevices } : undefined,
  }).catch((e) => {
    console.error(`  simulator: not started: ${(e as Error).message}`);
    return null;
  })
  : null;

// The cameras' gateway: a few cameras a minute go offline or fault and come back.
const cameraSim = simKey
  ? startCameraSim({ baseUrl: `http://${self}:${port}`, apiKey: simKey, seed: config.simSeed, onError: (e) => app.log.warn({ err: e }, 'camera simulator: a status was not sent') })
  : null;

console.log(`一张网 One Net — the wall is on ${url}`);
console.log(`  net: ${net.areas.size} areas, ${net.features.grid.features.length} grids (started in ${Math.round(performance.now() - t0)} ms)`);
console.log(`  store: SQLite (WAL) in ${config.dataDir}, ${await store.total()} tickets`);
console.log(`  simulator: ${sim ? `on, ${config.simRate} tickets/min, speed ${simSpeed}× (a real second is ${simSpeed} simulated seconds of people's work; limits and lights run on the server's clock), seed ${config.simSeed} (SIM_RATE, SIM_SPEED, SIM_SEED; SIMULATE=0 turns it off)` : 'off'}`);
console.log(`  grid phones: ${phones ? `${phones.stats().phones} simulated phones walking their grids, a fix every 5 s through /osmand in working hours (${Math.round(config.simNightShare * 100)} % on night duty) (SIM_PHONES, SIM_NIGHT_SHARE)` : 'none simulated'}`);
if (sim && simAccounts) console.log(`  simulator accounts (synthetic, password new each start, in memory only): ${simAccounts.dispatcher}, ${Object.keys(simAccounts.handlers).length} × sim-handler-<department>, ${Object.keys(simAccounts.workers).length} × sim-worker-<district>`);
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
  sim?.stop();
  phones?.stop();
  cameraSim?.stop();
  try {
    await app.close();
  } finally {
    stores.close();
    process.exit(0);
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void shutdown());
