// The registers with a place, in PostGIS (migrations/012_registers.sql): the net's grids as
// polygons, components and cameras as points, each behind a GiST index.
//
//   const reg = pgRegisters(pool);
//   await reg.sync({ net, components, cameras });   // at start: loads what changed, once
//   await reg.gridAt(lon, lat)                      // ST_Covers over grids_geom
//   await reg.componentsIn(bbox, classMask)         // && over components_geom
//   await reg.cameras.bbox(w, s, e, n)              // && over cameras_geom
//   await reg.cameras.nearest(lon, lat, 12, 200)    // ST_DWithin over cameras_geog, by distance
//
// Loading: every node calls `sync` at start. Under one transaction-scoped advisory lock a
// register is compared by a hash of its content with the version stored; only a new one is
// replaced (delete and bulk insert through unnest/json, one transaction), so the first
// node of a deployment loads it and the others find it there. The rows carry the node's
// own indices (`idx`), the same on every node: the generators are seeded, and a changed
// generator changes the hash, so the rows and the nodes' catalogues never disagree.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { CameraCatalogue } from '../../cameras/catalogue.ts';
import type { NearCamera } from '../../cameras/index.ts';
import type { Components } from '../../city/generate.ts';
import type { Net } from '../../net/types.ts';

export interface RegisterSources {
  net?: Net;
  components?: Components;
  cameras?: CameraCatalogue;
}

export type Bbox = readonly [number, number, number, number];

/** Camera queries by place, answered by PostGIS (the in-memory CameraIndex's twin). */
export interface CameraLookup {
  bbox(west: number, south: number, east: number, north: number): Promise<number[]>;
  nearest(lon: number, lat: number, limit: number, radiusM: number, keep?: (index: number) => boolean): Promise<NearCamera[]>;
}

export interface PgRegisters {
  /** Loads each given register unless the same content is stored; the names loaded. */
  sync(src: RegisterSources): Promise<string[]>;
  gridAt(lon: number, lat: number): Promise<string | null>;
  /** Component indices in the box whose class bit is set in `mask` (bit c: class c), ascending. */
  componentsIn(bbox: Bbox, mask: number): Promise<number[]>;
  cameras: CameraLookup;
}

const LOCK = "SELECT pg_advisory_xact_lock(hashtext('one-net:registers'))";
const BATCH = 20_000;

const hashOf = (...parts: (string | ArrayBufferView)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  return h.digest('hex').slice(0, 32);
};

/** One register: its content hash and how to write its rows (inside the sync transaction). */
interface Load {
  name: 'grids' | 'components' | 'cameras';
  version: () => string;
  rows: number;
  write: (c: pg.PoolClient) => Promise<void>;
}

function gridsLoad(net: Net): Load {
  const features = net.features.grid.features;
  return {
    name: 'grids',
    rows: features.length,
    version: () => hashOf(JSON.stringify(features)),
    async write(c) {
      for (let i = 0; i < features.length; i += 500) {
        const batch = features.slice(i, i + 500).map((f) => ({ code: f.properties.code, name: f.properties.name, geometry: f.geometry }));
        // PostGIS reads the GeoJSON itself; every grid stored as a multipolygon.
        await c.query(`INSERT INTO grids (code, name, geom)
          SELECT f->>'code', f->>'name', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326))
          FROM json_array_elements($1::json) AS f`, [JSON.stringify(batch)]);
      }
    },
  };
}

function componentsLoad(k: Components): Load {
  return {
    name: 'components',
    rows: k.n,
    version: () => hashOf(String(k.n), k.lon, k.lat, k.cls, k.grid, k.gridCodes.join(','), k.runs.map((r) => `${r.prefix}:${r.start}:${r.count}`).join(',')),
    async write(c) {
      for (let s = 0; s < k.n; s += BATCH) {
        const e = Math.min(k.n, s + BATCH);
        const idx: number[] = [], code: string[] = [], cls: number[] = [], grid: string[] = [];
        for (let i = s; i < e; i++) (idx.push(i), code.push(k.codeAt(i)), cls.push(k.cls[i]), grid.push(k.gridCodes[k.grid[i]]));
        await c.query(`INSERT INTO components (idx, code, class, grid, geom)
          SELECT i, code, cls, grid, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
          FROM unnest($1::int[], $2::text[], $3::smallint[], $4::text[], $5::float8[], $6::float8[]) AS u(i, code, cls, grid, lon, lat)`,
          [idx, code, cls, grid, Array.from(k.lon.subarray(s, e)), Array.from(k.lat.subarray(s, e))]);
      }
    },
  };
}

function camerasLoad(k: CameraCatalogue): Load {
  return {
    name: 'cameras',
    rows: k.count,
    version: () => hashOf(k.ids.join(','), k.grid.join(','), k.lon, k.lat),
    async write(c) {
      for (let s = 0; s < k.count; s += BATCH) {
        const e = Math.min(k.count, s + BATCH);
        const idx = Array.from({ length: e - s }, (_, j) => s + j);
        await c.query(`INSERT INTO cameras (idx, id, grid, geom, geog)
          SELECT i, id, grid, p, p::geography
          FROM unnest($1::int[], $2::text[], $3::text[], $4::float8[], $5::float8[]) AS u(i, id, grid, lon, lat),
            LATERAL (SELECT ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS p) AS pt`,
          [idx, k.ids.slice(s, e), k.grid.slice(s, e), Array.from(k.lon.subarray(s, e)), Array.from(k.lat.subarray(s, e))]);
      }
    },
  };
}

export function pgRegisters(pool: pg.Pool, now: () => number = Date.now): PgRegisters {
  return {
    async sync(src) {
      const loads = [src.net && gridsLoad(src.net), src.components && componentsLoad(src.components), src.cameras && camerasLoad(src.cameras)].filter((l): l is Load => !!l);
      if (!loads.length) return [];
      const versions = new Map(loads.map((l) => [l.name, l.version()]));
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query(LOCK); // nodes starting together: one loads, the others wait, then find it loaded
        const { rows } = await c.query<{ name: string; version: string }>('SELECT name, version FROM register_versions WHERE name = ANY($1)', [loads.map((l) => l.name)]);
        const stored = new Map(rows.map((r) => [r.name, r.version]));
        const stale = loads.filter((l) => stored.get(l.name) !== versions.get(l.name));
        for (const l of stale) {
          await c.query(`DELETE FROM ${l.name}`);
          await l.write(c);
          await c.query(`INSERT INTO register_versions (name, version, rows, loaded_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (name) DO UPDATE SET version = excluded.version, rows = excluded.rows, loaded_at = excluded.loaded_at`,
            [l.name, versions.get(l.name), l.rows, now()]);
        }
        await c.query('COMMIT');
        // Fresh statistics, so the planner picks the GiST indexes on a just-loaded table.
        for (const l of stale) await pool.query(`ANALYZE ${l.name}`);
        return stale.map((l) => l.name);
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    },

    async gridAt(lon, lat) {
      // Covers, not Contains: a point on a grid's edge is in it, as the in-memory locator has it.
      const { rows } = await pool.query<{ code: string }>({
        name: 'reg-grid-at',
        text: 'SELECT code FROM grids WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY code LIMIT 1',
        values: [lon, lat],
      });
      return rows[0]?.code ?? null;
    },

    // ST_Intersects, not a bare &&: the index's boxes are float4, rounded outwards, so &&
    // alone takes in points up to a metre outside the edge (found by the equality test).
    async componentsIn(b, mask) {
      const classes = [1, 2, 3, 4, 5, 6].filter((c) => (mask >> c) & 1);
      const { rows } = await pool.query<{ idx: number }>({
        name: 'reg-components-in',
        text: 'SELECT idx FROM components WHERE ST_Intersects(ST_MakeEnvelope($1, $2, $3, $4, 4326), geom) AND class = ANY($5::smallint[]) ORDER BY idx',
        values: [b[0], b[1], b[2], b[3], classes],
      });
      return rows.map((r) => r.idx);
    },

    cameras: {
      async bbox(w, s, e, n) {
        const { rows } = await pool.query<{ idx: number }>({
          name: 'reg-cameras-in',
          text: 'SELECT idx FROM cameras WHERE ST_Intersects(ST_MakeEnvelope($1, $2, $3, $4, 4326), geom) ORDER BY idx',
          values: [w, s, e, n],
        });
        return rows.map((r) => r.idx);
      },
      async nearest(lon, lat, limit, radiusM, keep) {
        // Every camera within the radius, nearest first (a few dozen at most within 2 km of a
        // place), then the caller's scope: a LIMIT before the scope could leave out ones it may see.
        const { rows } = await pool.query<{ idx: number; d: number }>({
          name: 'reg-cameras-near',
          text: `SELECT idx, ST_Distance(geog, p, false) AS d FROM cameras, (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography AS p) AS q
            WHERE ST_DWithin(geog, p, $3, false) ORDER BY d, idx`,
          values: [lon, lat, radiusM],
        });
        const out: NearCamera[] = [];
        for (const r of rows) {
          if (keep && !keep(r.idx)) continue;
          out.push({ index: r.idx, distanceM: Math.round(r.d * 10) / 10 });
          if (out.length >= limit) break;
        }
        return out;
      },
    },
  };
}
