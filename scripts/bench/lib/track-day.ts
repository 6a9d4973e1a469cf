// The simulated working day the track benchmarks share (scripts/bench/tracks.ts for the
// SQLite stores, scripts/bench/tracks-pg.ts for PostgreSQL beside SQLite): phones walking
// a block lattice, a fix every 5 s, fed a simulated minute at a time, appended in batches
// with several in flight as the app's ingest does. Described in full in tracks.ts.
import type { Fix } from '../../../server/domain/fix.ts';
import { dayCST, dayStartMs } from '../../../server/domain/day.ts';
import { mulberry32 } from '../../../server/sim/random.ts';

export const BATCH = 500;
export const IN_FLIGHT = 8;
export const DAY = dayCST(Date.UTC(2026, 10, 23, 4));
export const AT = (h: number, m = 0) => dayStartMs(DAY) + (h * 60 + m) * 60_000;
export const ALL_DAY = 'w-24h';

/** The longest the event loop was held while `job` ran (a 0 ms timer chain beside it). */
export async function heldMs<T>(job: () => Promise<T>): Promise<{ value: T; heldMs: number }> {
  let held = 0, last = performance.now(), on = true;
  const tick = () => {
    const now = performance.now();
    held = Math.max(held, now - last);
    last = now;
    if (on) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  const value = await job();
  on = false;
  return { value, heldMs: Math.max(held, performance.now() - last) };
}
export const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
export const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

/** One phone's day, fix by fix: `next(t)` gives its fix due at or before t, or null. */
export function phone(device: string, seed: number, shifts: [number, number][]) {
  const r = mulberry32(seed);
  const gauss = () => (r() + r() + r() + r() - 2) * 1.22;
  const lon0 = 119.5 + r() * 0.6, lat0 = 31.4 + r() * 0.5;
  const KX = 94_600, KY = 111_000; // metres per degree near 31.7°N
  let x = Math.floor(r() * 8) * 100, y = Math.floor(r() * 8) * 100; // on the lattice, 0..700 m
  let dir = Math.floor(r() * 4); // 0 N, 1 E, 2 S, 3 W
  let pauseUntil = 0, ex = 0, ey = 0, batt = 60 + r() * 40, alt = 5 + r() * 10;
  const jitterShift = () => Math.round((r() - 0.5) * 30 * 60_000);
  const spans = shifts.map(([a, b]) => [a + jitterShift(), b + jitterShift()]);
  let span = 0;
  let t = spans[0][0] + Math.floor(r() * 5000);
  return {
    device,
    /** The fixes due before `until`, advancing the walk. */
    take(until: number, out: Fix[]) {
      while (span < spans.length && t < until) {
        if (t >= spans[span][1]) {
          if (++span < spans.length) t = spans[span][0] + Math.floor(r() * 5000);
          continue;
        }
        let speed = 0;
        if (t >= pauseUntil) {
          const before = [x, y];
          speed = 1.2 + gauss() * 0.1;
          const step = speed * 5;
          x += dir === 1 ? step : dir === 3 ? -step : 0;
          y += dir === 0 ? step : dir === 2 ? -step : 0;
          // at a corner: go on, turn, or turn back at the edge of the grid
          if (Math.floor(before[0] / 100) !== Math.floor(x / 100) || Math.floor(before[1] / 100) !== Math.floor(y / 100)) {
            x = Math.min(700, Math.max(0, x)); y = Math.min(700, Math.max(0, y));
            const u = r();
            dir = u < 0.5 ? dir : u < 0.75 ? (dir + 1) % 4 : (dir + 3) % 4;
            if ((dir === 1 && x >= 700) || (dir === 3 && x <= 0) || (dir === 0 && y >= 700) || (dir === 2 && y <= 0)) dir = (dir + 2) % 4;
          }
          if (r() < 0.004) pauseUntil = t + 120_000 + r() * 780_000; // a door: 2–15 minutes
        }
        ex = 0.95 * ex + gauss() * 0.8; // metres; a few metres of slowly drifting error
        ey = 0.95 * ey + gauss() * 0.8;
        alt += gauss() * 0.5;
        batt = Math.max(1, batt - 0.1 / 12);
        out.push({
          device, t, lon: lon0 + (x + ex) / KX, lat: lat0 + (y + ey) / KY,
          speed: Math.max(0, speed + gauss() * 0.15), bearing: (dir * 90 + gauss() * 8 + 360) % 360,
          altitude: alt, accuracy: 3 + Math.abs(gauss()) * 4, battery: Math.round(batt),
        });
        t += 5000 + Math.round(gauss() * 20);
      }
    },
  };
}

export const SHIFTS: [number, number][] = [[AT(8), AT(12)], [AT(13, 30), AT(17, 30)]];
export function phones(n: number) {
  const out = Array.from({ length: n }, (_, k) => phone(`320402${String(k).padStart(9, '0')}-03`, 1000 + k, SHIFTS));
  out.push(phone(ALL_DAY, 7, [[AT(0), AT(24)]]));
  return out;
}

/** The day, a simulated minute at a time: `sink(fixes, minuteEnd)` gets that minute's fixes in time order. */
export async function runDay(n: number, sink: (fixes: Fix[], end: number) => Promise<void>) {
  const ps = phones(n);
  for (let m = AT(0); m < AT(24); m += 60_000) {
    const fixes: Fix[] = [];
    for (const p of ps) p.take(m + 60_000, fixes);
    fixes.sort((a, b) => a.t - b.t);
    await sink(fixes, m + 60_000);
  }
}

/** Appends in batches of BATCH, at most IN_FLIGHT at once; the wall time spent. */
export async function appendAll(fixes: Fix[], append: (b: Fix[]) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  const flying = new Set<Promise<unknown>>();
  for (let i = 0; i < fixes.length; i += BATCH) {
    const p = append(fixes.slice(i, i + BATCH)).finally(() => flying.delete(p));
    flying.add(p);
    if (flying.size >= IN_FLIGHT) await Promise.race(flying);
  }
  await Promise.all(flying);
  return performance.now() - t0;
}
