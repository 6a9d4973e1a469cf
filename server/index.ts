// Entry point: load the net, open the store, listen on PORT, start the simulator.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from './config.ts';
import { loadNet } from './net/load.ts';
import { openSqliteStore } from './store/sqlite.ts';
import { DataDirInUseError } from './store/errors.ts';
import { buildApp } from './app.ts';
import { createSimulator } from './sim/simulator.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = readConfig();
const t0 = performance.now();
const net = loadNet();
// One server per data directory (until the scale-out store makes several legitimate):
// a second one stops here, before it listens or simulates anything.
const store = (() => {
  try {
    return openSqliteStore(config.dataDir);
  } catch (e) {
    if (!(e instanceof DataDirInUseError)) throw e;
    console.error(`一张网 One Net: not started. ${e.message}`);
    process.exit(1);
  }
})();
const app = await buildApp({ net, store, clientDir: join(root, 'client', 'dist'), logger: { level: process.env.LOG_LEVEL ?? 'warn' } });
await app.listen({ port: config.port, host: config.host });

const { port, address } = app.server.address() as { port: number; address: string };
const url = `http://localhost:${port}`;
// The simulator is a client like any other: it calls the address the server listens on.
const self = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address;
const sim = config.simulate
  ? createSimulator({ baseUrl: `http://${self}:${port}`, net, ratePerMinute: config.simRate, seed: config.simSeed, onError: (e) => app.log.warn({ err: e }, 'simulator') })
  : null;

console.log(`一张网 One Net — the wall is on ${url}`);
console.log(`  net: ${net.areas.size} areas, ${net.features.grid.features.length} grids (started in ${Math.round(performance.now() - t0)} ms)`);
console.log(`  store: SQLite (WAL) in ${config.dataDir}, ${store.total()} tickets`);
console.log(`  simulator: ${sim ? `on, ${config.simRate} tickets/min, seed ${config.simSeed} (SIM_RATE, SIM_SEED; SIMULATE=0 turns it off)` : 'off'}`);
console.log(`  API: ${url}/api/docs/json`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  sim?.stop();
  try {
    await app.close();
  } finally {
    store.close();
    process.exit(0);
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void shutdown());
