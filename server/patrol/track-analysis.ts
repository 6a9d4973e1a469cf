// What a day of patrol looks like from its fixes: where the worker stayed, how far they
// walked, how long they were out, and the track thinned for drawing.
//
//   const a = analyseTrack(await tracks.track(device, from, to), { toleranceM: 5 });
//   a.points      // the fixes kept (all of them without toleranceM): Douglas–Peucker in metres
//   a.stops       // stays of ≥ stopMinMs within stopRadiusM: { from, to, lon, lat, durationMs }
//   a.distanceM   // along the track, jitter inside stops not counted
//   a.patrolMs    // time covered by fixes less than gapMs apart
//
// Stops: the stay-point rule of Li et al. (2008), as most trajectory libraries have it —
// from an anchor fix, take the following fixes while each is within the radius of the
// anchor; if they span at least the minimum time they are a candidate, else try the next
// anchor. Measured from the anchor, not from a drifting centre, so a slow walk does not
// pass for a stay. A candidate's ends are then trimmed to where the worker stood (see
// stayCore) and it is a stop, at its mean position, if that still lasts long enough. A
// gap inside a stay (the phone silent in a resident's home) stays part of it.
// Distance and simplification run on metres from cheap-ruler's factors at the track's
// latitude (exact to ~0.1 % across a city), simplification by simplify-js (high quality:
// Douglas–Peucker alone, so ends and corners further than the tolerance stay).
// Pure: no I/O; fixes in time order (track() gives them so; others are sorted first).
import CheapRuler from 'cheap-ruler';
import simplify from 'simplify-js';
import type { Fix } from '../domain/fix.ts';

export interface TrackAnalysisOptions {
  /** Simplify the returned points to this many metres (none when absent or 0). */
  toleranceM?: number;
  /** The shortest stay that is a stop (default 5 minutes). */
  stopMinMs?: number;
  /** How far from where a stay began its fixes may wander (default 50 m). */
  stopRadiusM?: number;
  /** Fixes further apart than this are not patrol time between them (default 5 minutes). */
  gapMs?: number;
}

export interface Stop {
  from: number;
  to: number;
  lon: number;
  lat: number;
  durationMs: number;
}

export interface TrackAnalysis {
  points: Fix[];
  stops: Stop[];
  distanceM: number;
  patrolMs: number;
}

export const STOP_MIN_MS = 5 * 60_000;
export const STOP_RADIUS_M = 50;
export const PATROL_GAP_MS = 5 * 60_000;

export function analyseTrack(input: readonly Fix[], opts: TrackAnalysisOptions = {}): TrackAnalysis {
  const stopMinMs = opts.stopMinMs ?? STOP_MIN_MS;
  const radius = opts.stopRadiusM ?? STOP_RADIUS_M;
  const gapMs = opts.gapMs ?? PATROL_GAP_MS;
  let fixes = input as Fix[];
  for (let i = 1; i < fixes.length; i++) {
    if (fixes[i].t < fixes[i - 1].t) {
      fixes = [...input].sort((a, b) => a.t - b.t);
      break;
    }
  }
  const n = fixes.length;
  if (n === 0) return { points: [], stops: [], distanceM: 0, patrolMs: 0 };

  // Metres east and north of the first fix.
  const ruler = new CheapRuler(fixes[0].lat, 'meters');
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let dLon = fixes[i].lon - fixes[0].lon;
    if (dLon > 180) dLon -= 360;
    else if (dLon < -180) dLon += 360;
    x[i] = dLon * ruler.kx;
    y[i] = (fixes[i].lat - fixes[0].lat) * ruler.ky;
  }

  // Stops, and which fixes lie inside one (their steps are not walking).
  const stops: Stop[] = [];
  const stopOf = new Int32Array(n).fill(-1);
  const r2 = radius * radius;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && (x[j] - x[i]) ** 2 + (y[j] - y[i]) ** 2 <= r2) j++;
    const core = fixes[j - 1].t - fixes[i].t >= stopMinMs ? stayCore(x, y, i, j, radius) : null;
    if (core && fixes[core[1]].t - fixes[core[0]].t >= stopMinMs) {
      const [a, b] = core;
      let lon = 0, lat = 0;
      for (let k = a; k <= b; k++) {
        lon += fixes[k].lon;
        lat += fixes[k].lat;
        stopOf[k] = stops.length;
      }
      const from = fixes[a].t, to = fixes[b].t;
      stops.push({ from, to, lon: lon / (b - a + 1), lat: lat / (b - a + 1), durationMs: to - from });
      i = b + 1;
    } else i++;
  }

  let distanceM = 0;
  let patrolMs = 0;
  for (let i = 1; i < n; i++) {
    if (stopOf[i] < 0 || stopOf[i] !== stopOf[i - 1]) distanceM += Math.hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
    const dt = fixes[i].t - fixes[i - 1].t;
    if (dt < gapMs) patrolMs += dt;
  }

  let points = fixes;
  if (opts.toleranceM && opts.toleranceM > 0 && n > 2) {
    const pts = Array.from({ length: n }, (_, i) => ({ x: x[i], y: y[i], i }));
    points = (simplify(pts, opts.toleranceM, true) as typeof pts).map((p) => fixes[p.i]);
  }
  return { points, stops, distanceM, patrolMs };
}

/** The fixes [a, b] of a candidate stay [i, j) where the worker actually stood: its ends
 * trimmed of fixes far from its median point. The anchor rule alone takes in the last
 * ~50 m of the walk there and the first of the walk away (~40 s each at walking pace);
 * "far" is three times the stay's own median scatter (its GPS jitter), at least a fifth
 * of the radius. */
function stayCore(x: Float64Array, y: Float64Array, i: number, j: number, radius: number): [number, number] {
  const k = j - i;
  const cx = x.slice(i, j).sort()[k >> 1];
  const cy = y.slice(i, j).sort()[k >> 1];
  const d = new Float64Array(k);
  for (let m = 0; m < k; m++) d[m] = Math.hypot(x[i + m] - cx, y[i + m] - cy);
  const lim = Math.max(radius / 5, 3 * d.slice().sort()[k >> 1]);
  let a = 0, b = k - 1;
  while (a < b && d[a] > lim) a++;
  while (b > a && d[b] > lim) b--;
  return [i + a, i + b];
}
