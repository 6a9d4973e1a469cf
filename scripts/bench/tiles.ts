// Memory of the base-map tile indexes when the whole city is browsed at z16: every z16 tile
// of the city's bbox (194 × 195 = 37,830, the defect-14 sweep), asked once, in columns.
// `bounded` is server/geo/tiles.ts; `unbounded` is geojson-vt built the old way (split to z6
// lazily, nothing ever dropped). Each runs in its own process so one's heap does not skew the
// other's RSS; this file spawns itself with the implementation's name. RSS is read after the
// sweep and a full GC, then again after BENCH_TILES_SETTLE_S (10) idle seconds, by which time
// V8 has handed back the heap the sweep's garbage made it grow (heapGrowthMB is what is live).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';
import { loadNet } from '../../server/net/load.ts';
import { createNetTiles } from '../../server/geo/tiles.ts';
import type { Net } from '../../server/net/types.ts';

type Impl = 'bounded' | 'unbounded';
const impl = process.argv[2] as Impl | undefined;

if (!impl) {
  for (const which of ['bounded', 'unbounded'] satisfies Impl[]) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url), which], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  process.exit(0);
}

const gc = () => { globalThis.gc?.(); globalThis.gc?.(); };
const mb = (b: number) => Math.round(b / 1048576);
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

/** server/geo/tiles.ts before defect 14: one geojson-vt per level, never reset (no LRU here). */
function unboundedTiles(net: Net) {
  const minZoom = { district: 0, street: 0, community: 10, grid: 11 };
  const indexes = (['district', 'street', 'community', 'grid'] as const).map((level) => ({
    level,
    vt: new GeoJSONVT(net.features[level], { maxZoom: 16, indexMaxZoom: 6, tolerance: 2, buffer: 32 }),
  }));
  return {
    tile(z: number, x: number, y: number): Buffer | null {
      const layers: Record<string, { features: unknown[] }> = {};
      for (const { level, vt } of indexes) {
        if (z < minZoom[level]) continue;
        const t = vt.getTile(z, x, y);
        if (t && t.features.length) layers[level] = t;
      }
      return Object.keys(layers).length ? Buffer.from(vtpbf.fromGeojsonVt(layers, { version: 2 })) : null;
    },
    heldTiles: () => indexes.reduce((n, { vt }) => n + vt.tileCoords.length, 0),
  };
}

function tileAt(lon: number, lat: number, z: number): [number, number] {
  const z2 = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * z2), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * z2)];
}

const net = loadNet();
const build = () => (impl === 'bounded' ? createNetTiles(net) : unboundedTiles(net));
const t0 = performance.now();
const tiles = build();
tiles.tile(0, 0, 0);
const buildMs = performance.now() - t0;

gc();
const rssBefore = process.memoryUsage.rss();
const heapBefore = process.memoryUsage().heapUsed;

const [w, s, e, n] = net.city.bbox;
const [x0, y0] = tileAt(w, n, 16);
const [x1, y1] = tileAt(e, s, 16);
let asked = 0;
let nonEmpty = 0;
let resetCalls = 0;
let resetCallsMs = 0;
let maxHeld = 0;
let rssPeak = rssBefore;
let maxTileMs = 0;
let prevHeld = tiles.heldTiles();
const t1 = performance.now();
for (let x = x0; x <= x1; x++) {
  for (let y = y0; y <= y1; y++) {
    const q = performance.now();
    if (tiles.tile(16, x, y)) nonEmpty++;
    const ms = performance.now() - q;
    maxTileMs = Math.max(maxTileMs, ms);
    const held = tiles.heldTiles();
    if (held < prevHeld) { // at least one level's index was reset in this call
      resetCalls++;
      resetCallsMs += ms;
    }
    maxHeld = Math.max(maxHeld, held);
    prevHeld = held;
    if (++asked % 200 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }
}
const sweepMs = performance.now() - t1;
rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
gc();
const m = process.memoryUsage();
await new Promise((r) => setTimeout(r, Number(process.env.BENCH_TILES_SETTLE_S ?? 10) * 1000));
gc();
const rssSettled = process.memoryUsage.rss();

// What a rebuild from GeoJSON would cost (all four levels), the alternative to a reset.
const rebuilds: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  build();
  rebuilds.push(performance.now() - t);
}
rebuilds.sort((a, b) => a - b);

console.log(JSON.stringify({
  bench: 'tiles',
  impl,
  what: 'every z16 tile of the city bbox, once',
  tiles: asked,
  nonEmpty,
  heldTiles: tiles.heldTiles(),
  maxHeldTiles: maxHeld,
  resetCalls,
  resetCallMs: resetCalls ? round(resetCallsMs / resetCalls) : null,
  buildMs: Math.round(buildMs),
  rebuildMs: round(rebuilds[1], 1),
  rssBeforeMB: mb(rssBefore),
  rssPeakMB: mb(rssPeak),
  rssAfterMB: mb(m.rss),
  rssSettledMB: mb(rssSettled),
  heapGrowthMB: mb(m.heapUsed - heapBefore),
  externalMB: mb(m.external),
  msPerTile: round(sweepMs / asked),
  maxTileMs: round(maxTileMs, 1),
}));
