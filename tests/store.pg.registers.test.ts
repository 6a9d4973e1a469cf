// The registers in PostGIS (server/store/pg/registers.ts) against the nodes' in-memory
// indexes, on the machine's real PostgreSQL: the same grid for a point, the same components
// and cameras in a box, the same nearest cameras; loaded once per deployment however many
// nodes start together, again only when the content changes; the product's routes answer
// from PostGIS on PostgreSQL with the same bytes as on the embedded store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../server/app.ts';
import { generateCameras, type CameraCatalogue } from '../server/cameras/catalogue.ts';
import { CameraIndex } from '../server/cameras/index.ts';
import { componentRegistry } from '../server/city/components.ts';
import { openSqliteStores, type SqliteStores } from '../server/store/sqlite.ts';
import { openPgPool } from '../server/store/pg/pool.ts';
import { pgRegisters, type PgRegisters } from '../server/store/pg/registers.ts';
import { pgStores, type PgStores } from '../server/store/pg/stores.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import { TEST_PASSWORD_HASH } from '../scripts/local-app.ts';
import { freshSchema } from './pg/fresh.ts';
import { theNet } from './helpers.ts';

let schema: Awaited<ReturnType<typeof freshSchema>>;
let reg: PgRegisters;
let cams: CameraCatalogue;
const { net, locator } = theNet();
const components = componentRegistry(net, locator);

/** A seeded stream of numbers in [0, 1): the same points on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}
const [W, S, E, N] = net.city.bbox;

beforeAll(async () => {
  schema = await freshSchema('registers');
  reg = pgRegisters(schema.pool);
  cams = generateCameras(net, locator.gridAt);
}, 60_000);
afterAll(async () => schema?.drop());

describe('the registers in PostGIS', () => {
  it('are loaded once, by one of several nodes starting together, and again only when changed', async () => {
    const other = pgRegisters(openPgPool({ url: schema.url, schema: schema.schema }));
    const src = { net, components: components.data(), cameras: cams };
    const loaded = await Promise.all([reg.sync(src), other.sync(src)]);
    expect(loaded.map((l) => l.length).sort()).toEqual([0, 3]); // one node loaded all three
    expect(await reg.sync(src)).toEqual([]);
    const { rows } = await schema.pool.query<{ name: string; rows: number; n: number }>(
      "SELECT v.name, v.rows, (CASE v.name WHEN 'grids' THEN (SELECT count(*) FROM grids) WHEN 'components' THEN (SELECT count(*) FROM components) ELSE (SELECT count(*) FROM cameras) END)::int AS n FROM register_versions v ORDER BY name");
    expect(rows).toEqual([
      { name: 'cameras', rows: cams.count, n: cams.count },
      { name: 'components', rows: components.data().n, n: components.data().n },
      { name: 'grids', rows: 6298, n: 6298 },
    ]);
    // A register of other content (here: fewer cameras) replaces the stored one.
    const fewer = generateCameras(net, locator.gridAt, 500);
    expect(await reg.sync({ cameras: fewer })).toEqual(['cameras']);
    expect((await schema.pool.query('SELECT count(*)::int AS n FROM cameras')).rows[0].n).toBe(500);
    expect(await reg.sync({ cameras: cams })).toEqual(['cameras']);
  }, 120_000);

  it('uses the GiST indexes', async () => {
    const plan = async (sql: string) => JSON.stringify((await schema.pool.query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows);
    expect(await plan('SELECT code FROM grids WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint(119.95, 31.78), 4326))')).toContain('grids_geom');
    expect(await plan('SELECT idx FROM components WHERE ST_Intersects(ST_MakeEnvelope(119.95, 31.77, 119.96, 31.78, 4326), geom)')).toContain('components_geom');
    expect(await plan('SELECT idx FROM cameras WHERE ST_Intersects(ST_MakeEnvelope(119.95, 31.77, 119.96, 31.78, 4326), geom)')).toContain('cameras_geom');
    expect(await plan("SELECT idx FROM cameras WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint(119.95, 31.78), 4326)::geography, 200, false)")).toContain('cameras_geog');
  });

  it('find the grid holding a point as the in-memory locator does', async () => {
    const r = rng(1);
    let inGrids = 0;
    for (let k = 0; k < 600; k++) {
      const lon = W + (E - W) * r(), lat = S + (N - S) * r();
      const want = locator.gridAt(lon, lat);
      expect(await reg.gridAt(lon, lat), `${lon},${lat}`).toBe(want);
      if (want) inGrids++;
    }
    expect(inGrids).toBeGreaterThan(200); // most of the city's box is inside the net
    // Each grid's label point, which lies inside it.
    for (const g of [...net.areas.values()].filter((a) => a.level === 'grid').slice(0, 200)) {
      expect(await reg.gridAt(g.label[0], g.label[1])).toBe(g.code);
    }
  }, 60_000);

  it('find the components in a box, of some classes, as the in-memory index does', async () => {
    const r = rng(2);
    for (let k = 0; k < 150; k++) {
      const w = W + (E - W) * r(), s = S + (N - S) * r(), size = 0.002 + 0.05 * r();
      const box = [w, s, w + size, s + size * 0.8] as const;
      const mask = k % 3 === 0 ? 0x7e : (1 << (1 + (k % 6))) | (1 << (1 + ((k * 5) % 6)));
      const mem = components.query(box, mask).slice().sort((a, b) => a - b);
      expect(await reg.componentsIn(box, mask)).toEqual(mem);
    }
  }, 60_000);

  it('find the cameras in a box and the nearest ones as the in-memory index does', async () => {
    const index = new CameraIndex(cams);
    const r = rng(3);
    let near = 0;
    for (let k = 0; k < 300; k++) {
      const lon = W + (E - W) * r(), lat = S + (N - S) * r(), size = 0.003 + 0.03 * r();
      expect(await reg.cameras.bbox(lon, lat, lon + size, lat + size)).toEqual(index.bbox(lon, lat, lon + size, lat + size));
      // Near a camera, so there is something to find; scope: every other grid code.
      const c = Math.floor(r() * cams.count);
      const at = [cams.lon[c] + (r() - 0.5) * 0.003, cams.lat[c] + (r() - 0.5) * 0.003] as const;
      const keep = k % 2 ? (i: number) => cams.grid[i] < '320411' : undefined;
      const mem = index.nearest(at[0], at[1], 12, 200, keep);
      const db = await reg.cameras.nearest(at[0], at[1], 12, 200, keep);
      near += mem.length;
      // The same cameras in the same order, the same distances to 0.5 m; a camera within
      // 0.5 m of the radius may fall either side (the sphere's radius differs by metres).
      const strict = (l: typeof mem) => l.filter((x) => x.distanceM < 199.5);
      expect(strict(db).map((x) => x.index)).toEqual(strict(mem).map((x) => x.index));
      strict(db).forEach((x, j) => expect(Math.abs(x.distanceM - strict(mem)[j].distanceM)).toBeLessThan(0.5));
    }
    expect(near).toBeGreaterThan(300);
  }, 60_000);
});

describe('the product on PostgreSQL', () => {
  let stores: PgStores;
  let local: SqliteStores;
  let dir: string;
  let pgApp: App, sqliteApp: App;
  let headers: { authorization: string }, localHeaders: { authorization: string };

  beforeAll(async () => {
    stores = pgStores(openPgPool({ url: schema.url, schema: schema.schema }));
    dir = mkdtempSync(join(tmpdir(), 'one-net-registers-'));
    local = openSqliteStores(dir);
    const common = { net, locator, clientDir: null, maxEventLoopDelayMs: 0, deadlineClockMs: 3_600_000 };
    pgApp = await buildApp({ ...common, stores: { ...local, ...stores, close: () => stores.close() } });
    sqliteApp = await buildApp({ ...common, stores: local });
    const account = { username: 'reader', name: 'reader', role: 'dispatcher' as const, scope: CITY_CODE, department: null, grids: [], passwordHash: TEST_PASSWORD_HASH };
    await stores.access.createAccount(account, Date.now());
    await local.access.createAccount(account, Date.now());
    headers = { authorization: `Bearer ${(await pgApp.sessions.open('account', 'reader')).token}` };
    localHeaders = { authorization: `Bearer ${(await sqliteApp.sessions.open('account', 'reader')).token}` };
  }, 120_000);
  afterAll(async () => {
    await pgApp?.close();
    await sqliteApp?.close();
    await stores?.close().catch(() => {});
    local?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers components and cameras in a box from PostGIS, equal to the embedded answer', async () => {
    let seen = 0;
    for (const bbox of ['119.94,31.76,119.97,31.79', '119.90,31.70,120.05,31.85', '120.3,31.2,120.31,31.21']) {
      for (const url of [`/api/components?bbox=${bbox}`, `/api/components?bbox=${bbox}&classes=02,05`, `/api/cameras?bbox=${bbox}`]) {
        const [a, b] = await Promise.all([pgApp.inject({ url, headers }), sqliteApp.inject({ url, headers: localHeaders })]);
        expect(a.statusCode, url).toBe(200);
        expect(a.rawPayload.equals(b.rawPayload), url).toBe(true);
        seen += a.rawPayload.length;
      }
    }
    expect(seen).toBeGreaterThan(10_000);
  });
});
