// Spatial questions to the PostgreSQL track store (server/store/pg/tracks.ts): the fixes
// inside a box, and the devices that came within some metres of a point, in a time window.
//
// Each chunk's extent (its fixes' bounding box, a PostGIS polygon) is under a GiST index:
// `extent && box` finds the chunks that may hold such fixes without reading the others —
// in the finished days, only the partitions of the days asked for are searched. The
// candidates are then decoded and each fix tested exactly (a box only says "maybe"). The
// append log (about a minute of fixes, no spatial index) is searched by its rows.
import type pg from 'pg';
import type { Fix } from '../../domain/fix.ts';
import { dayCST } from '../../domain/day.ts';
import { decode } from '../../domain/track-codec.ts';
import { byTime, fixOf, inOrder, type FixRow } from './tracks-db.ts';

/** WGS-84 degrees. */
export interface Box {
  west: number;
  south: number;
  east: number;
  north: number;
}
export interface Near {
  lon: number;
  lat: number;
  radiusM: number;
  from: number;
  to: number;
}

const IN_BOX = `SELECT device, body, NULL::int8 AS t, NULL::float8 AS lon, NULL::float8 AS lat, NULL::float8 AS speed, NULL::float8 AS bearing,
    NULL::float8 AS altitude, NULL::float8 AS accuracy, NULL::float8 AS battery
  FROM track_chunks WHERE day BETWEEN $1 AND $2 AND t1 >= $3 AND t0 < $4 AND extent && ST_MakeEnvelope($5, $6, $7, $8, 4326)
UNION ALL
SELECT device, body, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM track_open WHERE day BETWEEN $1 AND $2 AND t1 >= $3 AND t0 < $4 AND extent && ST_MakeEnvelope($5, $6, $7, $8, 4326)
UNION ALL
SELECT device, NULL, t, lon, lat, speed, bearing, altitude, accuracy, battery
  FROM track_log WHERE t >= $3 AND t < $4 AND lon BETWEEN $5 AND $7 AND lat BETWEEN $6 AND $8`;

/** Fixes inside `box` with from <= t < to, per device (by id), in time order; `keep` may
 * refuse some of them (a finer shape than the box). */
export async function fixesInBox(pool: pg.Pool, box: Box, from: number, to: number, keep?: (f: Fix) => boolean): Promise<{ device: string; fixes: Fix[] }[]> {
  if (!(from < to) || !(box.west <= box.east) || !(box.south <= box.north)) return [];
  const { rows } = await pool.query<FixRow & { body: Buffer | null }>(IN_BOX, [dayCST(from), dayCST(to - 1), from, to, box.west, box.south, box.east, box.north]);
  const inside = (f: Fix) => f.t >= from && f.t < to && f.lon >= box.west && f.lon <= box.east && f.lat >= box.south && f.lat <= box.north && (!keep || keep(f));
  const per = new Map<string, Fix[]>();
  const add = (f: Fix) => {
    const fs = per.get(f.device);
    if (fs) fs.push(f);
    else per.set(f.device, [f]);
  };
  for (const r of rows) {
    if (r.body === null) {
      const f = fixOf(r);
      if (inside(f)) add(f);
    } else for (const f of decode(r.body, r.device)) if (inside(f)) add(f);
  }
  return [...per.keys()].sort().map((device) => {
    const fs = per.get(device)!;
    return { device, fixes: inOrder(fs) ? fs : fs.sort(byTime) };
  });
}

const EARTH_M = 6_371_008.8; // mean radius
const RAD = Math.PI / 180;
/** Great-circle distance in metres (haversine): exact enough at a few hundred metres. */
export function metres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const a = Math.sin(((lat2 - lat1) * RAD) / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(((lon2 - lon1) * RAD) / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

export async function devicesNear(pool: pg.Pool, q: Near): Promise<{ device: string; fix: Fix; distanceM: number }[]> {
  if (!(q.radiusM >= 0)) return [];
  // The circle's bounding box, a little larger than the circle (so no fix on its rim is
  // missed); the distance test below is the exact one.
  const dLat = (q.radiusM / (EARTH_M * RAD)) * 1.001;
  const dLon = dLat / Math.max(1e-6, Math.cos(Math.min(89.9, Math.abs(q.lat) + dLat) * RAD));
  const box = { west: q.lon - dLon, south: q.lat - dLat, east: q.lon + dLon, north: q.lat + dLat };
  const hits = await fixesInBox(pool, box, q.from, q.to, (f) => metres(q.lon, q.lat, f.lon, f.lat) <= q.radiusM);
  const out = hits.map(({ device, fixes }) => {
    let best = fixes[0], bestM = Infinity;
    for (const f of fixes) {
      const m = metres(q.lon, q.lat, f.lon, f.lat);
      if (m < bestM) [best, bestM] = [f, m];
    }
    return { device, fix: best, distanceM: bestM };
  });
  return out.sort((a, b) => a.distanceM - b.distanceM || (a.device < b.device ? -1 : 1));
}
