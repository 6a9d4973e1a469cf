// Simulated grid phones: every phone carrier of the net walks its own grid and sends a fix
// every 5 s through `/osmand` — the path a real phone running Traccar Client takes, with a
// device token of its own. Synthetic and reproducible from the seed.
// A walk: a waypoint drawn inside the grid (rejection sampling on the locator, so it is
// really in the grid, not just in its box), walked at 0.9–1.5 m/s with a few metres of GPS
// jitter, a pause of up to 5 minutes there (a stop), then the next. Phones patrol during
// working hours on working days (the server's work clock); out of them a night duty of
// `nightShare` of them walks. Some phones drop out for a while (a dead battery, a dead zone):
// they stop sending, and the wall shows them offline after 5 minutes.
// Sending: the phones due in each 100 ms slice, at most `maxInFlight` requests at once over
// keep-alive connections; a phone whose request is still under way skips its turn.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Grid, Net } from '../net/types.ts';
import type { AccessStore } from '../store/types.ts';
import type { WorkClock } from '../domain/workclock.ts';
import { tokenHash } from '../auth/tokens.ts';
import { mulberry32 } from './random.ts';

export const FIX_INTERVAL_MS = 5000;
const SLICE_MS = 100;
const M_PER_DEG = 111_320;

export interface SimPhone {
  id: string;
  name: string;
  grid: Grid;
  token: string;
}

/** The secret the phones' tokens derive from. One node: kept in DATA_DIR (mode 600), so a
 * restart finds the phones registered and needs no new tokens. Several nodes: derived from
 * the deployment's shared session secret, so the node the simulator moves to when its node
 * dies derives the same tokens (from its own DATA_DIR it would find every phone registered
 * under another token, and simulate none). */
export function phoneSecret(o: { dataDir: string } | { shared: string }): string {
  if ('shared' in o) return createHmac('sha256', o.shared).update('one-net:sim-phones').digest('base64url');
  const file = join(o.dataDir, 'sim-phones-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** One device token per phone, derived from `secret` (phoneSecret) and the phone's id. */
export async function simPhones(access: AccessStore, net: Net, secret: string, now: number, limit = Infinity): Promise<SimPhone[]> {
  const phones: SimPhone[] = [];
  const carriers = [...net.workers.values()].filter((w: { carriesPhone?: boolean }) => w.carriesPhone !== false).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const w of carriers) {
    if (phones.length >= limit) break;
    const grid = net.areas.get(w.grid) as Grid | undefined;
    if (!grid) continue;
    const token = createHmac('sha256', secret).update(w.id).digest('base64url');
    const known = await access.issued('device', w.id);
    if (!known) await access.issue('device', { id: w.id, name: `${w.name}的网格通（模拟）`, scope: w.grid, workerId: w.id, tokenHash: tokenHash(token), createdBy: 'simulator', createdAt: now });
    else if (known.revokedAt !== null || known.tokenHash !== tokenHash(token)) continue; // revoked, or issued by someone else
    phones.push({ id: w.id, name: w.name, grid, token });
  }
  return phones;
}

export interface PhoneSimOptions {
  baseUrl: string;
  phones: SimPhone[];
  /** Is this point inside that grid (the server's locator)? */
  gridAt: (lon: number, lat: number) => string | null;
  clock: WorkClock;
  now?: () => number;
  seed?: number;
  /** Share of phones walking outside working hours (night duty), default 0.05. */
  nightShare?: number;
  /** Share of phones out of reach at any time (each for a while), default 0.03. */
  droppedShare?: number;
  maxInFlight?: number;
  onError?: (err: unknown) => void;
}

export interface PhoneSim {
  /** A phone walking in this grid now, where it stands (inside the grid): it reports what it finds there. */
  standingIn(grid: string): { id: string; lon: number; lat: number } | null;
  /** A task pushed to phone `id`: it walks to the place and stays there a while (on site). */
  goTo(id: string, lon: number, lat: number): boolean;
  stop(): void;
  stats(): { phones: number; sent: number; failed: number; walking: number };
}

export function startPhoneSim(o: PhoneSimOptions): PhoneSim {
  const rand = mulberry32(o.seed ?? 20261123);
  const now = o.now ?? Date.now;
  const n = o.phones.length;
  const lon = new Float64Array(n), lat = new Float64Array(n), toLon = new Float64Array(n), toLat = new Float64Array(n);
  const speed = new Float32Array(n), pauseUntil = new Float64Array(n), outUntil = new Float64Array(n), battery = new Float32Array(n);
  const busy = new Uint8Array(n);
  const night = new Uint8Array(n);
  /** Walking to a pushed task's place (the next waypoint is the task). */
  const tasked = new Uint8Array(n);
  const byGrid = new Map<string, number[]>();
  const byId = new Map<string, number>();
  o.phones.forEach((p, i) => {
    byId.set(p.id, i);
    const list = byGrid.get(p.grid.code);
    if (list) list.push(i);
    else byGrid.set(p.grid.code, [i]);
  });
  let working = false;
  const nightShare = o.nightShare ?? 0.05, droppedShare = o.droppedShare ?? 0.03;

  const pointIn = (g: Grid): [number, number] => {
    const [x0, y0, x1, y1] = g.bbox;
    for (let k = 0; k < 30; k++) {
      const x = x0 + rand() * (x1 - x0), y = y0 + rand() * (y1 - y0);
      if (o.gridAt(x, y) === g.code) return [x, y];
    }
    return g.label;
  };
  for (let i = 0; i < n; i++) {
    [lon[i], lat[i]] = pointIn(o.phones[i].grid);
    [toLon[i], toLat[i]] = pointIn(o.phones[i].grid);
    speed[i] = 0.9 + rand() * 0.6;
    battery[i] = 60 + rand() * 40;
    night[i] = rand() < nightShare ? 1 : 0;
  }

  let sent = 0, failed = 0, inFlight = 0, slice = 0;
  const maxInFlight = o.maxInFlight ?? 64;
  const slices = FIX_INTERVAL_MS / SLICE_MS;
  // Out for 17.5 min on average: dropping with this chance per fix keeps `droppedShare` out.
  const dropChance = (droppedShare * FIX_INTERVAL_MS) / (17.5 * 60_000 * (1 - droppedShare));

  /** Five seconds of walking for phone i. */
  function step(i: number, t: number): void {
    if (t < pauseUntil[i]) return;
    const cos = Math.cos((lat[i] * Math.PI) / 180);
    const dx = (toLon[i] - lon[i]) * M_PER_DEG * cos, dy = (toLat[i] - lat[i]) * M_PER_DEG;
    const d = Math.hypot(dx, dy);
    const walk = speed[i] * (FIX_INTERVAL_MS / 1000);
    if (d <= walk) {
      lon[i] = toLon[i];
      lat[i] = toLat[i];
      // On a task's site 10–20 minutes (the check); elsewhere a stop of up to 5.
      pauseUntil[i] = t + (tasked[i] ? (10 + rand() * 10) * 60_000 : rand() * 5 * 60_000);
      tasked[i] = 0;
      [toLon[i], toLat[i]] = pointIn(o.phones[i].grid);
      return;
    }
    lon[i] += (dx / d) * walk / (M_PER_DEG * cos);
    lat[i] += (dy / d) * walk / M_PER_DEG;
  }

  async function send(i: number, t: number): Promise<void> {
    const p = o.phones[i];
    const jitter = () => (rand() - 0.5) * 6 / M_PER_DEG;
    battery[i] = Math.max(5, battery[i] - 0.004);
    const moving = t >= pauseUntil[i];
    const q = new URLSearchParams({
      id: p.id, token: p.token, timestamp: String(Math.floor(t / 1000)),
      lat: (lat[i] + jitter()).toFixed(6), lon: (lon[i] + jitter()).toFixed(6),
      speed: moving ? (speed[i] / (1852 / 3600)).toFixed(2) : '0', accuracy: (3 + rand() * 9).toFixed(1), batt: battery[i].toFixed(0),
    });
    busy[i] = 1;
    inFlight++;
    try {
      const r = await fetch(`${o.baseUrl}/osmand?${q}`, { method: 'POST' });
      await r.arrayBuffer();
      if (r.ok) sent++;
      else failed++;
    } catch (e) {
      failed++;
      o.onError?.(e);
    } finally {
      busy[i] = 0;
      inFlight--;
    }
  }

  const walkingNow = (i: number, t: number): boolean => (working || night[i] === 1) && t >= outUntil[i];

  const timer = setInterval(() => {
    const t = now();
    working = o.clock.isWorkday(t) && o.clock.workingMsBetween(t, t + 1) > 0;
    // Phone i is due in slice i mod slices: each sends once every 5 s, spread evenly.
    for (let i = slice; i < n; i += slices) {
      if (!working && !night[i]) continue;
      if (t < outUntil[i]) continue;
      if (rand() < dropChance) { outUntil[i] = t + (5 + rand() * 25) * 60_000; continue; } // out for 5–30 min
      step(i, t);
      if (busy[i] || inFlight >= maxInFlight) continue;
      void send(i, t);
    }
    slice = (slice + 1) % slices;
  }, SLICE_MS);
  timer.unref();

  return {
    standingIn(grid) {
      const t = now();
      for (const i of byGrid.get(grid) ?? []) {
        if (!walkingNow(i, t) || tasked[i]) continue;
        if (o.gridAt(lon[i], lat[i]) === grid) return { id: o.phones[i].id, lon: lon[i], lat: lat[i] };
      }
      return null;
    },
    goTo(id, toX, toY) {
      const i = byId.get(id);
      if (i === undefined) return false;
      toLon[i] = toX;
      toLat[i] = toY;
      pauseUntil[i] = 0;
      outUntil[i] = 0; // a pushed task reaches a phone that is on (the push found it online)
      tasked[i] = 1;
      return true;
    },
    stop: () => clearInterval(timer),
    stats: () => {
      const t = now();
      let walking = 0;
      for (let i = 0; i < n; i++) if (t >= outUntil[i]) walking++;
      return { phones: n, sent, failed, walking };
    },
  };
}
