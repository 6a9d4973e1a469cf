// The registers in PostGIS against the node's in-memory indexes (issue 11: "PostGIS where
// geometry is queried"), in the same run, on the same queries:
//   - loading the registers (6,298 grid polygons, 120,000 components, 20,000 cameras) once;
//   - the grid holding a point (2,000 points in the city's box): ST_Covers over grids_geom
//     against server/geo/locator.ts;
//   - components in a street-sized box (~2 × 2 km, 500 boxes): ST_Intersects over
//     components_geom against kdbush;
//   - the 12 nearest cameras within 200 m of 2,000 ticket-like places: ST_DWithin over
//     cameras_geog against kdbush + geokdbush.
// PostGIS times are a round trip from this process through `pg` (one query at a time, the
// pool warm), as a node pays them. One JSON line per figure. Skips when no PostgreSQL answers.
//
//   npm run bench -- registers      (REGISTERS_PG_URL or DATABASE_URL, default the machine's `test`)
import { performance } from 'node:perf_hooks';
import { loadNet } from '../../server/net/load.ts';
import { createLocator } from '../../server/geo/locator.ts';
import { generateCameras } from '../../server/cameras/catalogue.ts';
import { CameraIndex } from '../../server/cameras/index.ts';
import { componentRegistry } from '../../server/city/components.ts';
import { mulberry32 } from '../../server/sim/random.ts';
import { migratePg } from '../../server/store/pg/migrate.ts';
import { openPgPool } from '../../server/store/pg/pool.ts';
import { pgRegisters } from '../../server/store/pg/registers.ts';

const URL = process.env.REGISTERS_PG_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const net = loadNet();
const locator = createLocator(net);
const components = componentRegistry(net, locator);
const cams = generateCameras(net, locator.gridAt);
const camIndex = new CameraIndex(cams);
const rand = mulberry32(20261124);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const r3 = (ms: number) => Math.round(ms * 1000) / 1000;
const [W, S, E, N] = net.city.bbox;

const schema = `bench_registers_${process.pid}`;
try {
  await migratePg(URL, { schema });
} catch (e) {
  console.log(JSON.stringify({ bench: 'registers', skipped: `no PostgreSQL at ${URL}: ${(e as Error).message}` }));
  process.exit(0);
}
const pool = openPgPool({ url: URL, schema, max: 2 });
const reg = pgRegisters(pool);

/** Times `memory` and `postgis` on each query; both answers are compared by `same`. */
async function compare<Q, A>(what: string, queries: Q[], memory: (q: Q) => A, postgis: (q: Q) => Promise<A>, same: (a: A, b: A) => boolean, extra: object = {}) {
  for (const q of queries.slice(0, 100)) (memory(q), await postgis(q)); // warm-up: JIT, plans, the pool
  const mem: number[] = [], db: number[] = [];
  let agree = 0;
  for (const q of queries) {
    let t = performance.now();
    const a = memory(q);
    mem.push(performance.now() - t);
    t = performance.now();
    const b = await postgis(q);
    db.push(performance.now() - t);
    if (same(a, b)) agree++;
  }
  const fig = (xs: number[]) => ({ p50: r3(pct(xs, 50)), p95: r3(pct(xs, 95)), p99: r3(pct(xs, 99)) });
  console.log(JSON.stringify({ bench: 'registers', query: what, queries: queries.length, agree, memoryMs: fig(mem), postgisMs: fig(db), ...extra }));
}
const sameList = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

try {
  let t = performance.now();
  const loaded = await reg.sync({ net, components: components.data(), cameras: cams });
  const loadMs = performance.now() - t;
  t = performance.now();
  const again = await reg.sync({ net, components: components.data(), cameras: cams });
  const { rows: [size] } = await pool.query<{ bytes: number }>("SELECT (pg_total_relation_size('grids') + pg_total_relation_size('components') + pg_total_relation_size('cameras'))::bigint AS bytes");
  console.log(JSON.stringify({ bench: 'registers', load: loaded, loadMs: Math.round(loadMs), secondNodeMs: Math.round(performance.now() - t), secondNodeLoaded: again, grids: net.features.grid.features.length, components: components.data().n, cameras: cams.count, tablesAndIndexesMB: Math.round(Number(size.bytes) / 1e5) / 10 }));

  const points = Array.from({ length: 2000 }, () => [W + (E - W) * rand(), S + (N - S) * rand()] as const);
  await compare('grid at a point', points, ([x, y]) => locator.gridAt(x, y), ([x, y]) => reg.gridAt(x, y), (a, b) => a === b);

  const boxes = Array.from({ length: 500 }, () => {
    const x = W + (E - W - 0.02) * rand(), y = S + (N - S - 0.02) * rand();
    return [x, y, x + 0.021, y + 0.018] as const; // ~2 × 2 km
  });
  let ids = 0;
  await compare('components in a street-sized box', boxes, (b) => {
    const got = components.query(b, 0x7e);
    ids += got.length;
    return got;
  }, (b) => reg.componentsIn(b, 0x7e), sameList);
  console.log(JSON.stringify({ bench: 'registers', query: 'components in a street-sized box', meanComponents: Math.round(ids / (boxes.length + 100)) }));

  const places = Array.from({ length: 2000 }, () => {
    const j = Math.floor(rand() * cams.count);
    return [cams.lon[j] + (rand() - 0.5) * 0.006, cams.lat[j] + (rand() - 0.5) * 0.005] as const;
  });
  await compare('12 nearest cameras within 200 m', places, ([x, y]) => camIndex.nearest(x, y, 12, 200).map((n) => n.index), async ([x, y]) => (await reg.cameras.nearest(x, y, 12, 200)).map((n) => n.index),
    (a, b) => sameList(a, b), { note: 'agree: the same cameras in the same order (one within centimetres of 200 m may fall either side)' });
} finally {
  await pool.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
  await pool.end();
}
