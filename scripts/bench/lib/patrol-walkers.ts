// Grid phones walking their own grids, for the patrol bench (scripts/bench/patrol.ts): each
// device starts at its home grid's label point and walks at 1.0–1.6 m/s on a heading that
// drifts, turning back towards the label point when it would leave the grid's box or get
// more than 300 m from it (deterministic, seeded). Positions are kept in whole 1e-6 degrees
// (the positions frame's unit), so the wall gives back exactly what was sent and a fix can be
// recognised in a frame by its device and position; every step moves at least 1e-6 degree.
//
//   const w = patrolWalkers(devices, net);     // devices: { id, grid } in roster order
//   w.step(i, t);                              // walker i to instant t (epoch ms)
//   body += w.fixJson(i);                      // its fix as POST /api/positions takes it
//   w.osmandQuery(i)                           // …or as Traccar Client sends it to /osmand
import { mulberry32 } from '../../../server/sim/random.ts';
import type { Net } from '../../../server/net/types.ts';

const M_PER_DEG_LAT = 111_195;
const COS_LAT = Math.cos((31.8 * Math.PI) / 180);
const M_PER_DEG_LON = M_PER_DEG_LAT * COS_LAT;
const RADIUS_M = 300;
const KNOTS_PER_MPS = 1.943_844;

export interface PatrolWalkers {
  count: number;
  ids: string[];
  /** Where walker i is: 1e-6 degree (WGS-84). */
  lonE6: Int32Array;
  latE6: Int32Array;
  /** Instant of walker i's latest fix (epoch ms; 0 before the first). */
  t: Float64Array;
  /** Moves walker i to instant t (walking for the time since its last fix, at most 60 s). */
  step(i: number, t: number): void;
  /** Walker i's latest fix, as one element of POST /api/positions `fixes`. */
  fixJson(i: number): string;
  /** Walker i's latest fix as OsmAnd query parameters (timestamp in Unix seconds, speed in knots). */
  osmandQuery(i: number): string;
}

export function patrolWalkers(devices: readonly { id: string; grid: string }[], net: Net, seed = 9): PatrolWalkers {
  const n = devices.length;
  const next = mulberry32(seed);
  const lonE6 = new Int32Array(n);
  const latE6 = new Int32Array(n);
  const t = new Float64Array(n);
  const home = new Float64Array(n * 2);
  const box = new Float64Array(n * 4);
  const heading = new Float64Array(n);
  const speed = new Float64Array(n);
  const battery = new Float64Array(n);
  // Exact (unrounded) positions, so slow steps accumulate rather than round away.
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  devices.forEach((d, i) => {
    const a = net.areas.get(d.grid);
    if (!a) throw new Error(`device ${d.id}: no grid ${d.grid} in the net`);
    lon[i] = home[i * 2] = a.label[0];
    lat[i] = home[i * 2 + 1] = a.label[1];
    box.set(a.bbox, i * 4);
    lonE6[i] = Math.round(lon[i] * 1e6);
    latE6[i] = Math.round(lat[i] * 1e6);
    heading[i] = next() * 2 * Math.PI;
    speed[i] = 1 + next() * 0.6;
    battery[i] = 60 + next() * 40;
  });

  function step(i: number, at: number): void {
    const seconds = t[i] ? Math.min(60, Math.max(0, (at - t[i]) / 1000)) : 0;
    t[i] = at;
    heading[i] += (next() - 0.5) * 0.6;
    const d = speed[i] * seconds;
    let x = lon[i] + (Math.sin(heading[i]) * d) / M_PER_DEG_LON;
    let y = lat[i] + (Math.cos(heading[i]) * d) / M_PER_DEG_LAT;
    const dx = (x - home[i * 2]) * M_PER_DEG_LON;
    const dy = (y - home[i * 2 + 1]) * M_PER_DEG_LAT;
    const b = i * 4;
    if (dx * dx + dy * dy > RADIUS_M * RADIUS_M || x < box[b] || y < box[b + 1] || x > box[b + 2] || y > box[b + 3]) {
      // Back towards home instead.
      heading[i] = Math.atan2(-dx, -dy);
      x = lon[i] + (Math.sin(heading[i]) * d) / M_PER_DEG_LON;
      y = lat[i] + (Math.cos(heading[i]) * d) / M_PER_DEG_LAT;
    }
    lon[i] = x;
    lat[i] = y;
    let xe6 = Math.round(x * 1e6);
    const ye6 = Math.round(y * 1e6);
    if (xe6 === lonE6[i] && ye6 === latE6[i]) xe6 += 1; // every fix somewhere new
    lonE6[i] = xe6;
    latE6[i] = ye6;
    battery[i] = Math.max(5, battery[i] - seconds / 600);
  }

  const bearingOf = (i: number) => Math.round((((heading[i] * 180) / Math.PI) % 360 + 360) % 360);
  const accuracyOf = (i: number) => 3 + (latE6[i] & 7);

  return {
    count: n,
    ids: devices.map((d) => d.id),
    lonE6,
    latE6,
    t,
    step,
    fixJson: (i) =>
      `{"device":"${devices[i].id}","t":${t[i]},"lon":${lonE6[i] / 1e6},"lat":${latE6[i] / 1e6},"speed":${Math.round(speed[i] * 100) / 100},"bearing":${bearingOf(i)},"accuracy":${accuracyOf(i)},"battery":${Math.round(battery[i])}}`,
    osmandQuery: (i) =>
      `id=${devices[i].id}&timestamp=${Math.floor(t[i] / 1000)}&lat=${latE6[i] / 1e6}&lon=${lonE6[i] / 1e6}&speed=${Math.round(speed[i] * KNOTS_PER_MPS * 100) / 100}&bearing=${bearingOf(i)}&accuracy=${accuracyOf(i)}&batt=${Math.round(battery[i])}`,
  };
}
