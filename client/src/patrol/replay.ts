// Track replay (轨迹回放), pure: where a phone was at instant t, interpolated between its fixes,
// the part of its path walked by then, and the replay clock (play, pause, speed, seek). No DOM,
// no map: the wall's patrol state (patrol/state.ts) drives it from requestAnimationFrame, and the
// tests drive it with numbers.
//
//   const at = positionAt(points, t);          // [lon, lat] or null before the first fix
//   const path = walkedPath(points, t);         // fixes up to t, ending where the phone is at t
//   let c = newClock(from, to); c = play(c); c = advance(c, 16);   // 16 ms of wall time

export interface TrackPoint {
  /** Epoch ms. */
  t: number;
  lon: number;
  lat: number;
}

export const SPEEDS = [1, 4, 16, 64] as const;
export type Speed = (typeof SPEEDS)[number];

/** The index of the last fix at or before t (-1 when t is before the first). Binary search. */
export function fixIndexAt(points: readonly TrackPoint[], t: number): number {
  let lo = 0;
  let hi = points.length - 1;
  if (hi < 0 || t < points[0]!.t) return -1;
  if (t >= points[hi]!.t) return hi;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (points[mid]!.t <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Where the phone was at t: linear between the fixes around t, held at the last fix after the
 * track ends, null before it starts (nothing to show yet). */
export function positionAt(points: readonly TrackPoint[], t: number): [number, number] | null {
  const k = fixIndexAt(points, t);
  if (k < 0) return null;
  const a = points[k]!;
  const b = points[k + 1];
  if (!b || b.t === a.t) return [a.lon, a.lat];
  const f = (t - a.t) / (b.t - a.t);
  return [a.lon + (b.lon - a.lon) * f, a.lat + (b.lat - a.lat) * f];
}

/** The path walked by t: every fix up to t, then the interpolated position (when between fixes). */
export function walkedPath(points: readonly TrackPoint[], t: number): [number, number][] {
  const k = fixIndexAt(points, t);
  if (k < 0) return [];
  const path: [number, number][] = new Array(k + 1);
  for (let i = 0; i <= k; i++) path[i] = [points[i]!.lon, points[i]!.lat];
  const at = positionAt(points, t)!;
  const last = points[k]!;
  if (at[0] !== last.lon || at[1] !== last.lat) path.push(at);
  return path;
}

/** The replay's clock: the range replayed, the instant shown, running or not, how fast. */
export interface ReplayClock {
  from: number;
  to: number;
  t: number;
  playing: boolean;
  speed: Speed;
}

export const newClock = (from: number, to: number, speed: Speed = 16): ReplayClock => ({ from, to, t: from, playing: false, speed });

/** Starts (from the beginning again when it had reached the end). */
export const play = (c: ReplayClock): ReplayClock => ({ ...c, playing: true, t: c.t >= c.to ? c.from : c.t });

export const pause = (c: ReplayClock): ReplayClock => ({ ...c, playing: false });

export const setSpeed = (c: ReplayClock, speed: Speed): ReplayClock => ({ ...c, speed });

/** Moves to instant t, kept inside the range. */
export const seek = (c: ReplayClock, t: number): ReplayClock => ({ ...c, t: Math.min(c.to, Math.max(c.from, t)) });

/** `wallMs` of real time passed: the replay moves by wallMs × speed, and stops at the end. */
export function advance(c: ReplayClock, wallMs: number): ReplayClock {
  if (!c.playing) return c;
  const t = c.t + Math.max(0, wallMs) * c.speed;
  return t >= c.to ? { ...c, t: c.to, playing: false } : { ...c, t };
}

/** The range that holds every track given (the earliest first fix to the latest last), or null. */
export function spanOf(tracks: readonly (readonly TrackPoint[])[]): [number, number] | null {
  let from = Infinity;
  let to = -Infinity;
  for (const p of tracks) {
    if (p.length === 0) continue;
    from = Math.min(from, p[0]!.t);
    to = Math.max(to, p[p.length - 1]!.t);
  }
  return from <= to ? [from, to] : null;
}
