// The whole simulated city, started and stopped as one piece of work: the synthetic
// accounts and their key, the grid phones, the ticket simulator and the cameras' gateway.
// One piece because the steps depend on each other (a new simulator key revokes the last
// one, the accounts get a new password each start): with several nodes it runs on one at a
// time (server/cluster/singleton.ts), and the node that takes it over starts it afresh.
// The simulator is a client like any other: it calls the address the server listens on,
// signed in as its own synthetic accounts (sim-…), and works the loop (server/sim/city.ts).
import type { FastifyBaseLogger } from 'fastify';
import type { Net } from '../net/types.ts';
import type { AccessStore } from '../store/types.ts';
import type { Locator } from '../geo/locator.ts';
import { simulatorKey } from '../auth/bootstrap.ts';
import { simSpeedFromEnv, startCitySimulation } from './city.ts';
import { ensureSimAccounts } from './accounts.ts';
import { phoneSecret, simPhones, startPhoneSim } from './phones.ts';
import { startCameraSim } from './cameras.ts';
import { defaultWorkClock } from '../domain/workclock.ts';

export interface SimulatorsOptions {
  baseUrl: string;
  net: Net;
  access: AccessStore;
  locator: Locator;
  /** Where the phones' token secret is kept (one node), or the deployment's shared secret (several). */
  phoneSecret: { dataDir: string } | { shared: string };
  config: { simRate: number; simSeed: number; simPhones: number; simNightShare: number };
  log: FastifyBaseLogger;
}

export async function startSimulators(o: SimulatorsOptions) {
  const { config, net, log } = o;
  const simSpeed = simSpeedFromEnv();
  const simAccounts = await ensureSimAccounts(o.access, net, Date.now());
  // One key for the simulator's clients (another call would revoke this one).
  const simKey = await simulatorKey(o.access, Date.now());

  // The grid phones: SIM_PHONES of the net's phone carriers (all by default) walk their grids
  // and send fixes through /osmand, each with its own device token.
  const phoneDevices = config.simPhones > 0 ? await simPhones(o.access, net, phoneSecret(o.phoneSecret), Date.now(), config.simPhones) : [];
  const phones = phoneDevices.length > 0
    ? startPhoneSim({
      baseUrl: o.baseUrl, phones: phoneDevices,
      gridAt: (lon, lat) => o.locator.gridAt(lon, lat), clock: defaultWorkClock, seed: config.simSeed, nightShare: config.simNightShare,
      onError: (e) => log.warn({ err: e }, 'phone simulator: a fix was not sent'),
    })
    : null;

  const sim = await startCitySimulation({
    baseUrl: o.baseUrl, net, accounts: simAccounts, apiKey: simKey,
    ratePerMinute: config.simRate, seed: config.simSeed, speed: simSpeed, log: (level, msg, obj) => log[level](obj ?? {}, msg),
    phones: phones ? { sim: phones, devices: phoneDevices } : undefined,
  }).catch((e) => {
    console.error(`  simulator: not started: ${(e as Error).message}`);
    return null;
  });

  // The cameras' gateway: a few cameras a minute go offline or fault and come back.
  const cameraSim = startCameraSim({ baseUrl: o.baseUrl, apiKey: simKey, seed: config.simSeed, onError: (e) => log.warn({ err: e }, 'camera simulator: a status was not sent') });

  const lines = [
    `  simulator: ${sim ? `on, ${config.simRate} tickets/min, speed ${simSpeed}× (a real second is ${simSpeed} simulated seconds of people's work; limits and lights run on the server's clock), seed ${config.simSeed} (SIM_RATE, SIM_SPEED, SIM_SEED; SIMULATE=0 turns it off)` : 'off'}`,
    `  grid phones: ${phones ? `${phones.stats().phones} simulated phones walking their grids, a fix every 5 s through /osmand in working hours (${Math.round(config.simNightShare * 100)} % on night duty) (SIM_PHONES, SIM_NIGHT_SHARE)` : 'none simulated'}`,
  ];
  if (sim) lines.push(`  simulator accounts (synthetic, password new each start, in memory only): ${simAccounts.dispatcher}, ${Object.keys(simAccounts.handlers).length} × sim-handler-<department>, ${Object.keys(simAccounts.workers).length} × sim-worker-<district>`);
  return {
    lines,
    stop() {
      sim?.stop();
      phones?.stop();
      cameraSim.stop();
    },
  };
}
