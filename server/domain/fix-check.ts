// A fix as a client sent it (any datum, any field possibly absent or absurd) checked and
// turned into a Fix, or refused with the field that is wrong. One bad fix in a batch
// refuses only itself. Ranges are what a phone can honestly report; a time far in the
// future is a wrong clock, and one older than the retention has nowhere to be kept.
import { toWgs84, type Crs } from '../geo/datum.ts';
import type { Fix } from './fix.ts';

export interface RawFix {
  t: number;
  lon: number;
  lat: number;
  speed?: number | null;
  bearing?: number | null;
  altitude?: number | null;
  accuracy?: number | null;
  battery?: number | null;
  /** The tracker's own "no GPS lock" flag (OsmAnd `valid=false`). */
  valid?: boolean;
  crs?: Crs;
}

/** A phone's clock may run this far ahead of the server's. */
export const MAX_FUTURE_MS = 5 * 60_000;

export interface FixLimits {
  now: number;
  /** The oldest instant kept (the retention's start). */
  oldest: number;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** An optional field: null when absent, the problem when out of range. At module level: a
 * closure per fix costs a defineProperty each under tsx's keep-names (~7 % of ingest). */
function optional(name: string, v: number | null | undefined, lo: number, hi: number): number | null | string {
  if (v === undefined || v === null) return null;
  if (!finite(v) || v < lo || v > hi) return `${name}: must be a number in [${lo}, ${hi}]`;
  return v;
}

/** The checked fix, or the problem naming its field. */
export function checkFix(device: string, r: RawFix, lim: FixLimits): { fix: Fix } | { problem: string } {
  if (r.valid === false) return { problem: 'valid: the tracker says it has no GPS fix' };
  if (!finite(r.t)) return { problem: 't: not a time (epoch ms, Unix seconds or ISO 8601)' };
  if (r.t > lim.now + MAX_FUTURE_MS) return { problem: `t: ${new Date(r.t).toISOString()} is in the future (clock ahead by more than 5 minutes)` };
  if (r.t < lim.oldest) return { problem: `t: ${new Date(r.t).toISOString()} is older than the tracks kept` };
  if (!finite(r.lat) || r.lat < -90 || r.lat > 90) return { problem: 'lat: must be a number in [-90, 90]' };
  if (!finite(r.lon) || r.lon < -180 || r.lon > 180) return { problem: 'lon: must be a number in [-180, 180]' };
  if (r.lat === 0 && r.lon === 0) return { problem: 'lat: 0,0 is a tracker without a fix, not a place' };
  const speed = optional('speed', r.speed, 0, 150); // m/s: nothing a grid worker rides is faster
  const bearing = optional('bearing', r.bearing, 0, 360);
  const altitude = optional('altitude', r.altitude, -500, 9000);
  const accuracy = optional('accuracy', r.accuracy, 0, 100_000);
  const battery = optional('battery', r.battery, 0, 100);
  for (const v of [speed, bearing, altitude, accuracy, battery]) if (typeof v === 'string') return { problem: v };
  const [lon, lat] = toWgs84(r.lon, r.lat, r.crs ?? 'wgs84');
  return {
    fix: {
      device, t: Math.round(r.t), lon, lat,
      speed: speed as number | null, bearing: bearing === 360 ? 0 : (bearing as number | null),
      altitude: altitude as number | null, accuracy: accuracy as number | null, battery: battery as number | null,
    },
  };
}
