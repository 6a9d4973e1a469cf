// The city's components (部件), synthetic from a fixed seed: no open register of Changzhou's
// manhole covers and street lights exists, so they are drawn, and labelled synthetic
// wherever shown (data/SOURCES.md).
//
//   const c = generateComponents(net, locator);   // ~0.2 s for 100,000, same seed → same bytes
//   c.codeAt(0) // '3204020101000001'; c.indexOf(code) → 0
//
// Where: a component falls in grid g with probability ∝ households(g) + FLOOR × km²(g), so
// the count per km² rises with households per km² (denser where people live) while rural
// and dedicated grids, which have roads, lights and trees but few households, still get
// some. Its point is drawn uniformly in the grid's bbox until the locator puts it in that
// grid's own polygon (rejection, an even-odd ray test over that one grid's rings): inside
// the polygon is inside the grid by the locator too, borders aside, where a random double
// never lands (tests/city.components.test.ts checks every one with the locator). The
// locator itself was not used here: points drawn in small urban grids lie near edges, where
// it runs its exact tests, ~3 µs a point, 0.7 s for the lot against ~0.1 s this way.
// Generated at start-up rather than shipped: ~0.1 s once per process (lazily, on first
// use), against ~1 MB of random bits in the repository, rebuilt whenever the net changes.
import type { Position } from 'geojson';
import type { Grid, Net } from '../net/types.ts';
import { mulberry32, weightedPicker } from '../sim/random.ts';
import { SUBCLASSES } from './kinds.ts';

export const COMPONENTS_SEED = 304282013;
export const DEFAULT_COMPONENT_COUNT = 120_000;
/** Households-equivalent per km² every grid gets, so roads outside towns have lights too. */
const FLOOR_PER_KM2 = 60;
/** Share of components in each state before any ticket names them. */
const DAMAGED = 0.03;
const MISSING = 0.008;

export interface Components {
  n: number;
  lon: Float64Array;
  lat: Float64Array;
  /** Class number 1..6 (the standard's 01..06). */
  cls: Uint8Array;
  /** Index into SUBCLASSES. */
  sub: Uint8Array;
  /** Own state (0 normal, 1 damaged, 2 missing), before open tickets. */
  base: Uint8Array;
  /** Index into gridCodes. */
  grid: Uint16Array;
  gridCodes: string[];
  /** Components sorted by code: run r holds code prefix (district+class+subclass) for [start, start+count). */
  runs: { prefix: string; start: number; count: number }[];
  /** Grid k's components are byGrid[gridStart[k] .. gridStart[k+1]). */
  gridStart: Uint32Array;
  byGrid: Uint32Array;
  codeAt(i: number): string;
  /** The index of a code, or -1. */
  indexOf(code: string): number;
}

export function generateComponents(net: Net, count = DEFAULT_COMPONENT_COUNT, seed = COMPONENTS_SEED): Components {
  const grids = [...net.areas.values()].filter((a): a is Grid => a.level === 'grid').sort((a, b) => (a.code < b.code ? -1 : 1));
  const gridCodes = grids.map((g) => g.code);
  const rings = new Map(net.features.grid.features.map((f) => [f.properties.code, f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates]));
  const rand = mulberry32(seed);
  const pickGrid = weightedPicker(grids.map((g) => g.households + FLOOR_PER_KM2 * g.areaKm2), rand);
  const pickSub = weightedPicker(SUBCLASSES.map((s) => s.weight), rand);

  const dLon = new Float64Array(count), dLat = new Float64Array(count);
  const dSub = new Uint8Array(count), dBase = new Uint8Array(count), dGrid = new Uint16Array(count);
  for (let i = 0; i < count; i++) {
    const k = pickGrid();
    const g = grids[k];
    const s = pickSub();
    const [w, so, e, n] = g.bbox;
    const parts = rings.get(g.code)!;
    let lon = g.label[0], lat = g.label[1]; // inside the grid: the fallback if 64 draws miss
    for (let t = 0; t < 64; t++) {
      const x = w + rand() * (e - w), y = so + rand() * (n - so);
      if (inside(parts, x, y)) { lon = x; lat = y; break; }
    }
    const r = rand();
    dLon[i] = lon; dLat[i] = lat; dSub[i] = s; dGrid[i] = k;
    dBase[i] = r < MISSING && SUBCLASSES[s].canGoMissing ? 2 : r < MISSING + DAMAGED ? 1 : 0;
  }

  // Sort by code (district, subclass), keeping draw order inside a run: a counting sort.
  const districts = [...new Set(gridCodes.map((c) => c.slice(0, 6)))].sort();
  const districtOf = new Uint8Array(grids.length);
  grids.forEach((g, k) => (districtOf[k] = districts.indexOf(g.code.slice(0, 6))));
  const keys = SUBCLASSES.length;
  const bucket = new Uint32Array(districts.length * keys + 1);
  for (let i = 0; i < count; i++) bucket[districtOf[dGrid[i]] * keys + dSub[i] + 1]++;
  for (let b = 1; b < bucket.length; b++) bucket[b] += bucket[b - 1];
  const runs: Components['runs'] = [];
  for (let b = 0; b + 1 < bucket.length; b++) {
    if (bucket[b + 1] > bucket[b]) {
      const s = SUBCLASSES[b % keys];
      runs.push({ prefix: districts[Math.floor(b / keys)] + s.cls + s.code, start: bucket[b], count: bucket[b + 1] - bucket[b] });
    }
  }
  const next = bucket.slice(0, -1);
  const lon = new Float64Array(count), lat = new Float64Array(count);
  const cls = new Uint8Array(count), sub = new Uint8Array(count), base = new Uint8Array(count), grid = new Uint16Array(count);
  for (let i = 0; i < count; i++) {
    const j = next[districtOf[dGrid[i]] * keys + dSub[i]]++;
    lon[j] = dLon[i]; lat[j] = dLat[i]; sub[j] = dSub[i]; base[j] = dBase[i]; grid[j] = dGrid[i];
    cls[j] = Number(SUBCLASSES[dSub[i]].cls);
  }

  // Components per grid (CSR), for a grid's six elements.
  const gridStart = new Uint32Array(grids.length + 1);
  for (let j = 0; j < count; j++) gridStart[grid[j] + 1]++;
  for (let k = 1; k < gridStart.length; k++) gridStart[k] += gridStart[k - 1];
  const fill = gridStart.slice(0, -1);
  const byGrid = new Uint32Array(count);
  for (let j = 0; j < count; j++) byGrid[fill[grid[j]]++] = j;

  const runByPrefix = new Map(runs.map((r) => [r.prefix, r]));
  const runStarts = runs.map((r) => r.start);
  const runAt = (i: number) => {
    let lo = 0, hi = runStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (runStarts[mid] <= i) lo = mid; else hi = mid - 1;
    }
    return runs[lo];
  };
  return {
    n: count, lon, lat, cls, sub, base, grid, gridCodes, runs, gridStart, byGrid,
    codeAt(i) {
      const r = runAt(i);
      return r.prefix + String(i - r.start + 1).padStart(6, '0');
    },
    indexOf(code) {
      if (!/^\d{16}$/.test(code)) return -1;
      const r = runByPrefix.get(code.slice(0, 10));
      const seq = Number(code.slice(10));
      return r && seq >= 1 && seq <= r.count ? r.start + seq - 1 : -1;
    },
  };
}

/** Even-odd ray test over a polygon's or multipolygon's rings (holes included). */
function inside(parts: Position[][][], x: number, y: number): boolean {
  let odd = false;
  for (const rings of parts) for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const pi = ring[i], pj = ring[j];
      const yi = pi[1], yj = pj[1];
      if (yi > y !== yj > y && x < ((pj[0] - pi[0]) * (y - yi)) / (yj - yi) + pi[0]) odd = !odd;
    }
  }
  return odd;
}
