// A worker's day read from their fixes: a 10-minute stay at a resident's door is a stop, a
// 3-minute chat is not; a straight kilometre is a kilometre; standing still does not add
// distance; a silent phone is not patrol time; simplification keeps the ends and corners.
import { describe, expect, it } from 'vitest';
import CheapRuler from 'cheap-ruler';
import type { Fix } from '../server/domain/fix.ts';
import { analyseTrack } from '../server/patrol/track-analysis.ts';
import { mulberry32 } from '../server/sim/random.ts';

const T0 = Date.UTC(2026, 10, 23, 1); // 09:00 CST
const S = 1000, MIN = 60_000;
const ORIGIN: [number, number] = [119.974, 31.781]; // 天宁区, a street corner
const ruler = new CheapRuler(ORIGIN[1], 'meters');

/** A track drawn in metres east/north of ORIGIN: [t, east, north][]. */
function track(points: [number, number, number][]): Fix[] {
  return points.map(([t, e, n]) => {
    const [lon, lat] = ruler.offset(ORIGIN, e, n);
    return { device: 'w-0001', t, lon, lat, speed: null, bearing: null, altitude: null, accuracy: 5, battery: 80 };
  });
}
/** Walk from (e0,n0) to (e1,n1) at 1.2 m/s, a fix every 5 s, starting at t. */
function leg(t: number, e0: number, n0: number, e1: number, n1: number): [number, number, number][] {
  const len = Math.hypot(e1 - e0, n1 - n0);
  const steps = Math.round(len / 6);
  return Array.from({ length: steps + 1 }, (_, k) => [t + k * 5 * S, e0 + ((e1 - e0) * k) / steps, n0 + ((n1 - n0) * k) / steps]);
}
/** Stand at (e,n) for `ms`, a fix every 5 s, a few metres of GPS jitter. */
function stay(t: number, e: number, n: number, ms: number, seed = 1): [number, number, number][] {
  const r = mulberry32(seed);
  return Array.from({ length: Math.floor(ms / (5 * S)) + 1 }, (_, k) => [t + k * 5 * S, e + (r() - 0.5) * 8, n + (r() - 0.5) * 8]);
}
const end = (pts: [number, number, number][]) => pts[pts.length - 1][0];

describe('analyseTrack', () => {
  it('measures a straight 1 km walk as ~1,000 m, 14 minutes of patrol, no stop', () => {
    const walk = leg(T0, 0, 0, 1000, 0);
    const a = analyseTrack(track(walk));
    expect(a.distanceM).toBeGreaterThan(995);
    expect(a.distanceM).toBeLessThan(1005);
    expect(a.stops).toEqual([]);
    expect(a.patrolMs).toBe(end(walk) - T0);
    expect(a.points).toHaveLength(walk.length);
  });

  it('finds a 10-minute stay at a door, where it was, and does not count its jitter as walking', () => {
    const a1 = leg(T0, 0, 0, 300, 0);
    const door = stay(end(a1) + 5 * S, 300, 0, 10 * MIN);
    const a2 = leg(end(door) + 5 * S, 300, 0, 300, 300);
    const a = analyseTrack(track([...a1, ...door, ...a2]));
    expect(a.stops).toHaveLength(1);
    const [s] = a.stops;
    // ten minutes at the door, give or take the steps within ~10 m of it (the walk's last
    // 50 m in and first 50 m out are walking, not the stay)
    expect(s.durationMs).toBeGreaterThanOrEqual(10 * MIN);
    expect(s.durationMs).toBeLessThanOrEqual(10 * MIN + 30 * S);
    expect(ruler.distance([s.lon, s.lat], ruler.offset(ORIGIN, 300, 0))).toBeLessThan(5);
    // 600 m walked; 120 fixes of ±4 m jitter would have added ~500 m
    expect(a.distanceM).toBeGreaterThan(580); // the last steps up to the door are inside the stop
    expect(a.distanceM).toBeLessThan(640);
  });

  it('does not make a stop of a 3-minute chat, nor of a slow stroll', () => {
    const a1 = leg(T0, 0, 0, 200, 0);
    const chat = stay(end(a1) + 5 * S, 200, 0, 3 * MIN);
    const stroll = Array.from({ length: 200 }, (_, k): [number, number, number] => [end(chat) + (k + 1) * 5 * S, 200 + k * 0.3 * 5, 0]); // 0.3 m/s
    const a = analyseTrack(track([...a1, ...chat, ...stroll]));
    expect(a.stops).toEqual([]);
  });

  it('finds two stops of a morning and the walks between them', () => {
    const a1 = leg(T0, 0, 0, 0, 400);
    const s1 = stay(end(a1) + 5 * S, 0, 400, 6 * MIN, 2);
    const a2 = leg(end(s1) + 5 * S, 0, 400, 500, 400);
    const s2 = stay(end(a2) + 5 * S, 500, 400, 20 * MIN, 3);
    const a = analyseTrack(track([...a1, ...s1, ...a2, ...s2]));
    expect(a.stops.map((s) => Math.round(s.durationMs / MIN))).toEqual([6, 20]);
    expect(a.stops[0].to).toBeLessThan(a.stops[1].from);
  });

  it('counts patrol time only where fixes are less than 5 minutes apart', () => {
    const morning = leg(T0, 0, 0, 600, 0); // ~8 min
    const afternoon = leg(end(morning) + 2 * 3_600_000, 600, 0, 1200, 0); // the phone was off for 2 h
    const a = analyseTrack(track([...morning, ...afternoon]));
    expect(a.patrolMs).toBe(end(morning) - T0 + (end(afternoon) - afternoon[0][0]));
  });

  it('simplifies at a tolerance, keeping both ends and the corners of an L-shaped walk', () => {
    const l = [...leg(T0, 0, 0, 400, 0), ...leg(T0 + 400 * S, 400, 0, 400, 300).slice(1)];
    const r = mulberry32(9);
    const jittered = l.map(([t, e, n]): [number, number, number] => [t, e + (r() - 0.5) * 2, n + (r() - 0.5) * 2]);
    const fixes = track(jittered);
    const a = analyseTrack(fixes, { toleranceM: 5 });
    expect(a.points.length).toBeLessThan(10);
    expect(a.points[0]).toBe(fixes[0]);
    expect(a.points[a.points.length - 1]).toBe(fixes[fixes.length - 1]);
    const corner = ruler.offset(ORIGIN, 400, 0);
    expect(Math.min(...a.points.map((p) => ruler.distance([p.lon, p.lat], corner)))).toBeLessThan(3);
    // every fix left out is within the tolerance of the simplified line
    const line = a.points.map((p) => [p.lon, p.lat] as [number, number]);
    for (const f of fixes) expect(ruler.pointToSegmentDistance([f.lon, f.lat], ...nearestSegment(line, [f.lon, f.lat]))).toBeLessThanOrEqual(5.01);
    // distance and stops are measured on every fix, not the simplified ones
    expect(a.distanceM).toBeGreaterThan(700);
  });

  it('answers an empty track, one fix, and fixes out of order', () => {
    expect(analyseTrack([])).toEqual({ points: [], stops: [], distanceM: 0, patrolMs: 0 });
    const one = track([[T0, 0, 0]]);
    expect(analyseTrack(one, { toleranceM: 10 })).toEqual({ points: one, stops: [], distanceM: 0, patrolMs: 0 });
    const walk = track(leg(T0, 0, 0, 100, 0));
    const shuffled = [...walk].reverse();
    const a = analyseTrack(shuffled);
    expect(a.points.map((p) => p.t)).toEqual(walk.map((p) => p.t));
    expect(Math.round(a.distanceM)).toBe(100);
  });
});

function nearestSegment(line: [number, number][], p: [number, number]): [[number, number], [number, number]] {
  let best: [[number, number], [number, number]] = [line[0], line[Math.min(1, line.length - 1)]];
  let bestD = Infinity;
  for (let i = 1; i < line.length; i++) {
    const d = ruler.pointToSegmentDistance(p, line[i - 1], line[i]);
    if (d < bestD) [bestD, best] = [d, [line[i - 1], line[i]]];
  }
  return best;
}
