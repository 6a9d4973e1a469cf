// The city simulation: reports (server/sim/simulator.ts) and the people who work them
// through the loop (server/sim/loop-actor.ts), every request through the HTTP API as the
// account whose job it is (server/sim/accounts.ts, server/sim/client.ts), on one scheduler
// that keeps at most `maxInFlight` requests under way (server/sim/schedule.ts).
//
// Speed (SIM_SPEED, default 60): simulated time per real time for how long PEOPLE take —
// at 60 one real second is one simulated minute, so a dispatcher's "20 minutes to verify"
// is 20 real seconds and a handler's "3 hours on site" is 3 real minutes. Reports come at
// SIM_RATE per real minute whatever the speed. Time limits and lights are the SERVER's,
// on its own clock: the few tickets the simulator lets run late wait until the server's
// working-day clock puts them in the yellow band or past their deadline (with a real clock
// that is real working time: a 2-hour verification limit turns yellow after 1.6 working
// hours, never at night). When the server's clock is itself compressed (tests, a replay:
// `now` with `clockRate` or `realMsUntil`), the same waits are compressed with it.
import type { Net } from '../net/types.ts';
import type { SimAccounts } from './accounts.ts';
import { createSimClient, deviceWho, KEY, type SimClient, type SimLog } from './client.ts';
import { createScheduler, type Scheduler } from './schedule.ts';
import { createSimulator, type Drawn, type Simulator } from './simulator.ts';
import { createLoopActor, type ActorStats, type LoopActor, type SimLogFn } from './loop-actor.ts';
import { simCatalogue, type SimItem } from './plan.ts';
import { syntheticPhotos } from './photos.ts';
import type { PhoneSim, SimPhone } from './phones.ts';

export const DEFAULT_SIM_SPEED = 60;

export interface CitySimulationOptions {
  baseUrl: string;
  net: Net;
  accounts: SimAccounts;
  /** The integration's API key: reports by citizens, cameras and departments, and 12345's 评价. */
  apiKey?: string;
  ratePerMinute: number;
  seed: number;
  /** Simulated time per real time for people's steps (SIM_SPEED). */
  speed?: number;
  /** The server's clock (its `now`, Date.now unless faked) and how many of its ms pass per
   * real ms (1); or, for a clock that does not run evenly, the real ms until it shows `at`. */
  now?: () => number;
  clockRate?: number;
  realMsUntil?: (at: number) => number;
  /** Requests under way at once, at most (8). */
  maxInFlight?: number;
  /** Tickets followed at once, at most (20,000): beyond, the oldest is let go. */
  maxTickets?: number;
  /** Sign-ins per minute, at most (12: the server allows 30 per address, people need some). */
  signInsPerMinute?: number;
  log?: SimLogFn;
  /** The simulated grid phones: a patrol report is made by a phone walking in its grid, where
   * it stands, with the phone's own device token; a check pushed to a phone walks it there. */
  phones?: { sim: Pick<PhoneSim, 'standingIn' | 'goTo'>; devices: readonly SimPhone[] };
}

export interface CitySimulation {
  reporter: Simulator;
  actor: LoopActor;
  client: SimClient;
  scheduler: Scheduler;
  stats(): { reported: number; skipped: number; actor: ActorStats; requests: SimLog; waiting: number };
  stop(): void;
}

/** SIM_SPEED from the environment: a positive number, DEFAULT_SIM_SPEED when unset. */
export function simSpeedFromEnv(v = process.env.SIM_SPEED): number {
  if (v === undefined || v === '') return DEFAULT_SIM_SPEED;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`SIM_SPEED must be a positive number, got "${v}"`);
  return n;
}

export async function startCitySimulation(o: CitySimulationOptions): Promise<CitySimulation> {
  const now = o.now ?? Date.now;
  const maxInFlight = o.maxInFlight ?? 8;
  const realMsUntil = o.realMsUntil ?? ((at: number) => (at - now()) / (o.clockRate ?? 1));
  const client = createSimClient({ baseUrl: o.baseUrl, accounts: o.accounts, apiKey: o.apiKey, now, realMsUntil, signInsPerMinute: o.signInsPerMinute ?? 12 });
  for (const d of o.phones?.devices ?? []) client.addDevice(d.id, d.token);
  const cat = await client.call(o.accounts.dispatcher, 'GET', '/api/catalogue', undefined, 'catalogue');
  if (cat.status !== 200) throw new Error(`simulator: GET /api/catalogue: ${cat.status}`);
  const catalogue = simCatalogue(cat.body.items as SimItem[]);
  let stopped = false;
  const scheduler = createScheduler({ maxInFlight, onError: (e) => stopped || o.log?.('warn', `simulator: ${(e as Error)?.message ?? e}`) });
  const actor = createLoopActor({
    client, scheduler, catalogue, accounts: o.accounts, hasKey: !!o.apiKey, photos: await syntheticPhotos(o.seed), seed: o.seed,
    speed: o.speed ?? DEFAULT_SIM_SPEED, now, realMsUntil, maxTickets: o.maxTickets ?? 20_000, log: o.log,
    onAssigned: (device, lon, lat) => o.phones?.sim.goTo(device, lon, lat),
  });

  // Who reports by which channel: a grid worker on patrol, the dispatcher taking a 12345
  // call, the integration (citizens' app, cameras, departments) with its key.
  const reporterOf = (d: Drawn) =>
    d.input.source === 'patrol' ? o.accounts.workers[d.gridCode.slice(0, 6)] ?? o.accounts.dispatcher
      : d.input.source === 'hotline' || !o.apiKey ? o.accounts.dispatcher : KEY;
  // Reports waiting for a slot, at most: beyond, the server is not keeping up and one is skipped.
  const maxWaitingReports = 16 * maxInFlight;
  let waitingReports = 0;
  let skipped = 0;
  const report = (d: Drawn, delayMs = 0, tries = 0) => {
    waitingReports++;
    scheduler.after(delayMs, async () => {
      waitingReports--;
      // A patrol finding: reported by a phone walking in that grid, where it stands.
      const phone = d.input.source === 'patrol' ? o.phones?.sim.standingIn(d.gridCode) : null;
      const who = phone ? deviceWho(phone.id) : reporterOf(d);
      const input = phone ? { ...d.input, lon: round6(phone.lon), lat: round6(phone.lat) } : d.input;
      const wait = client.waitFor(who);
      if (wait > 0) return report(d, wait, tries);
      const r = await client.call(who, 'POST', '/api/tickets', input, 'report');
      if (r.status === 201) actor.adopt(r.body, d.ordinal, d.input);
      else if ((r.status === 429 || r.status >= 500) && tries < 3) report(d, r.retryAfterMs ?? 5000, tries + 1);
    });
  };
  const reporter = createSimulator({
    baseUrl: o.baseUrl, net: o.net, ratePerMinute: o.ratePerMinute, seed: o.seed,
    submit: (d) => (waitingReports >= maxWaitingReports ? skipped++ : report(d)),
  });

  return {
    reporter, actor, client, scheduler,
    stats: () => ({ reported: reporter.sent() - skipped, skipped, actor: actor.stats(), requests: client.log, waiting: scheduler.pending() }),
    stop() {
      stopped = true;
      reporter.stop();
      scheduler.stop();
      client.stop();
    },
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
