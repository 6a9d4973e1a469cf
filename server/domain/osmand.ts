// The OsmAnd protocol as Traccar Client and other trackers send it (https://www.traccar.org/osmand/):
// parameters in the query string or an urlencoded form —
//   id | deviceid, lat, lon (or location=lat,lon), timestamp, speed (knots), bearing | heading,
//   altitude, accuracy, hdop, batt (%), valid
// — or the JSON body newer Traccar Clients post:
//   {"device_id", "location": {"timestamp", "coords": {"latitude", "longitude", "accuracy",
//    "speed" (m/s), "heading", "altitude"}, "is_moving", "odometer", "battery": {"level" (0–1), "is_charging"}}}
// Read as Traccar's own decoder reads them: a numeric timestamp below 2^31 is Unix seconds,
// above it milliseconds, anything else ISO 8601; unknown parameters are ignored (trackers
// send many). Pure: the answer is the device id and a raw fix, or what is wrong.
import type { RawFix } from './fix-check.ts';

const KNOT_MS = 1852 / 3600;

export type OsmAndParse = { ok: true; device: string; fix: RawFix } | { ok: false; message: string };

/** A number from a parameter, or undefined when absent/empty; NaN when present but not a number. */
function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || !/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) return NaN;
  return Number(v);
}

/** Epoch ms from Unix seconds, milliseconds or ISO 8601 text; NaN when none of them. */
export function osmandTime(v: unknown): number {
  if (typeof v === 'number' || (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v))) {
    const n = Number(v);
    return n < 2 ** 31 ? Math.round(n * 1000) : Math.round(n);
  }
  if (typeof v !== 'string' || v.length > 40) return NaN;
  // Traccar Client (older) sends "yyyy-MM-dd HH:mm:ss" in UTC; ISO 8601 otherwise.
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(v) ? v.replace(' ', 'T') + 'Z' : v;
  return /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : NaN;
}

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

/** From query or form parameters (a later duplicate is ignored, as Traccar does). */
export function parseOsmAndParams(params: Record<string, unknown>, now: number): OsmAndParse {
  const p = (k: string) => first(params[k]);
  const device = p('id') ?? p('deviceid');
  if (typeof device !== 'string' || !device) return { ok: false, message: 'id: the device id is required (id or deviceid)' };
  let lat = num(p('lat'));
  let lon = num(p('lon'));
  const location = p('location');
  if ((lat === undefined || lon === undefined) && typeof location === 'string') {
    const [a, b] = location.split(',');
    lat = num(a);
    lon = num(b);
  }
  if (lat === undefined || lon === undefined) return { ok: false, message: 'lat: lat and lon (or location=lat,lon) are required' };
  const ts = p('timestamp');
  const valid = p('valid');
  const knots = num(p('speed'));
  return {
    ok: true,
    device,
    fix: {
      t: ts === undefined || ts === '' ? now : osmandTime(ts),
      lat, lon,
      speed: knots === undefined ? null : knots * KNOT_MS,
      bearing: num(p('bearing')) ?? num(p('heading')) ?? null,
      altitude: num(p('altitude')) ?? null,
      accuracy: num(p('accuracy')) ?? num(p('hdop')) ?? null,
      battery: num(p('batt')) ?? null,
      valid: valid === undefined ? true : !(valid === 'false' || valid === '0'),
      crs: 'wgs84',
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** From the JSON body of newer Traccar Clients. */
export function parseOsmAndJson(body: unknown, now: number): OsmAndParse {
  if (!isObject(body)) return { ok: false, message: 'body: expected a JSON object with device_id and location' };
  const device = body.device_id;
  if (typeof device !== 'string' || !device) return { ok: false, message: 'device_id: the device id is required' };
  const loc = body.location;
  if (!isObject(loc) || !isObject(loc.coords)) return { ok: false, message: 'location: expected {timestamp, coords: {latitude, longitude, …}}' };
  const c = loc.coords;
  const field = (v: unknown) => (v === undefined || v === null ? null : typeof v === 'number' ? v : NaN);
  const lat = field(c.latitude);
  const lon = field(c.longitude);
  if (lat === null || lon === null) return { ok: false, message: 'location/coords: latitude and longitude are required' };
  const level = isObject(loc.battery) ? field(loc.battery.level) : null;
  // Clients report a speed or heading they do not know as -1.
  const known = (v: number | null) => (v === null || v < 0 ? null : v);
  return {
    ok: true,
    device,
    fix: {
      t: loc.timestamp === undefined ? now : osmandTime(loc.timestamp),
      lat, lon,
      speed: known(field(c.speed)),
      bearing: known(field(c.heading)),
      altitude: field(c.altitude),
      accuracy: field(c.accuracy),
      battery: level === null || level < 0 ? null : level * 100,
      valid: true,
      crs: 'wgs84',
    },
  };
}
