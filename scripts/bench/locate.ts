// Point → grid over the whole net: GridIndex vs which-polygon vs a naive Turf scan, on the
// same points in the same run. One JSON line per figure. Exits 1 if GridIndex differs from
// Turf's lowest-coded containing grid anywhere, or if the implementations disagree on a
// point that lies in one grid only (not on a border, not in an overlap of two grids).
//   npm run bench -- locate
import { createRequire } from 'node:module';
import { booleanPointInPolygon, bbox as turfBbox } from '@turf/turf';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { GridIndex } from '../../server/geo/grid-index.ts';
import { loadNet } from '../../server/net/load.ts';
import { mulberry32 } from '../../server/sim/random.ts';

type Grids = FeatureCollection<Polygon | MultiPolygon, { code: string }>;
type Indexed = FeatureCollection<Polygon | MultiPolygon, { code: string; index: number }>;
type WhichPolygon = (p: number[]) => { code: string; index: number } | null;
const whichPolygon = createRequire(import.meta.url)('which-polygon') as (fc: Indexed) => WhichPolygon;

const BBOX_POINTS = 2_000_000;
const CITY_POINTS = 1_000_000;
const TURF_POINTS = 20_000;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const heap = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const emit = (o: object) => console.log(JSON.stringify({ bench: 'locate', ...o }));

const grids: Grids = loadNet().features.grid;
const boxes = Float64Array.from(grids.features.flatMap((f) => turfBbox(f)));
const [x0, y0, x1, y1] = turfBbox(grids);
const rnd = mulberry32(7);
const bboxPts = new Float64Array(2 * BBOX_POINTS);
for (let i = 0; i < bboxPts.length; i += 2) {
  bboxPts[i] = x0 + rnd() * (x1 - x0);
  bboxPts[i + 1] = y0 + rnd() * (y1 - y0);
}

// Build each index with the other's memory already counted out.
let before = heap();
let t = performance.now();
const index = new GridIndex(grids);
const indexBuildMs = performance.now() - t;
const indexHeap = heap() - before;

// which-polygon answers with the feature's properties: give them the index (same geometry).
const indexed: Indexed = { type: 'FeatureCollection', features: grids.features.map((f, index) =>
  ({ ...f, properties: { code: f.properties.code, index } })) };
before = heap();
t = performance.now();
const wp = whichPolygon(indexed);
const wpBuildMs = performance.now() - t;
const wpHeap = heap() - before;

// Points inside the city: random points kept where which-polygon finds a grid.
const cityPts = new Float64Array(2 * CITY_POINTS);
for (let n = 0; n < cityPts.length; ) {
  const x = x0 + rnd() * (x1 - x0), y = y0 + rnd() * (y1 - y0);
  if (wp([x, y])) {
    cityPts[n++] = x;
    cityPts[n++] = y;
  }
}

const locateAll = {
  'grid-index': (pts: Float64Array, out: Int32Array) => {
    for (let i = 0, j = 0; i < pts.length; i += 2, j++) out[j] = index.locate(pts[i], pts[i + 1]);
  },
  'which-polygon': (pts: Float64Array, out: Int32Array) => {
    const p = [0, 0]; // reused: which-polygon's cost, not ours
    for (let i = 0, j = 0; i < pts.length; i += 2, j++) {
      p[0] = pts[i];
      p[1] = pts[i + 1];
      out[j] = wp(p)?.index ?? -1;
    }
  },
};

/** Best of five timed passes after a warm-up pass (the machine is shared), in points/s. */
function pointsPerSec(f: (pts: Float64Array, out: Int32Array) => void, pts: Float64Array, out: Int32Array): number {
  f(pts.subarray(0, Math.min(pts.length, 400_000)), out);
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    f(pts, out);
    best = Math.min(best, performance.now() - t0);
  }
  return Math.round(pts.length / 2 / (best / 1000));
}

const common = { net: 'changzhou', grids: grids.features.length };
let bboxSpeed = 0;
let bboxOut = new Int32Array(0);
const gridStats = index.stats();
for (const [set, pts] of [['bbox', bboxPts], ['city', cityPts]] as const) {
  const out = { 'grid-index': new Int32Array(pts.length / 2), 'which-polygon': new Int32Array(pts.length / 2) };
  const speed = {
    'grid-index': pointsPerSec(locateAll['grid-index'], pts, out['grid-index']),
    'which-polygon': pointsPerSec(locateAll['which-polygon'], pts, out['which-polygon']),
  };
  if (set === 'bbox') [bboxSpeed, bboxOut] = [speed['grid-index'], out['grid-index']];
  emit({ impl: 'grid-index', set, ...common, points: pts.length / 2, pointsPerSec: speed['grid-index'],
    buildMs: Math.round(indexBuildMs), memoryBytes: index.byteLength(), heapDeltaBytes: indexHeap,
    raster: `${gridStats.nx}x${gridStats.ny}`, candidateCells: gridStats.candidateCells });
  emit({ impl: 'which-polygon', set, ...common, points: pts.length / 2, pointsPerSec: speed['which-polygon'],
    buildMs: Math.round(wpBuildMs), heapDeltaBytes: wpHeap });
  emit({ figure: 'ratio', set, impl: 'grid-index', vs: 'which-polygon', ratio: +(speed['grid-index'] / speed['which-polygon']).toFixed(2) });
  agreement(set, 'which-polygon', pts, out['grid-index'], out['which-polygon']);
}

// The naive scan: Turf over every grid, bbox first, lowest index wins — on a subset.
const turfScan = (pts: Float64Array, out: Int32Array) => {
  for (let i = 0, j = 0; i < pts.length; i += 2, j++) out[j] = turfLowest(pts[i], pts[i + 1], 0);
};
const sub = bboxPts.subarray(0, 2 * TURF_POINTS);
const turfOut = new Int32Array(TURF_POINTS);
const t0 = performance.now();
turfScan(sub, turfOut);
const turfSpeed = Math.round(TURF_POINTS / ((performance.now() - t0) / 1000));
emit({ impl: 'turf-scan', set: 'bbox', ...common, points: TURF_POINTS, pointsPerSec: turfSpeed });
emit({ figure: 'ratio', set: 'bbox', impl: 'grid-index', vs: 'turf-scan', ratio: Math.round(bboxSpeed / turfSpeed) });
agreement('bbox', 'turf-scan', sub, bboxOut.subarray(0, TURF_POINTS), turfOut);

/** Lowest index ≥ from of a grid containing (x, y) by Turf (boundary included), or -1. */
function turfLowest(x: number, y: number, from: number): number {
  for (let k = from; k < grids.features.length; k++) {
    const b = 4 * k;
    if (x < boxes[b] || y < boxes[b + 1] || x > boxes[b + 2] || y > boxes[b + 3]) continue;
    if (booleanPointInPolygon([x, y], grids.features[k])) return k;
  }
  return -1;
}

/**
 * Counts disagreements and sorts them out with Turf: a point on a border, or in an overlap
 * of two grids, may get another grid from which-polygon; GridIndex must give the lowest.
 */
function agreement(set: string, vs: string, pts: Float64Array, a: Int32Array, b: Int32Array): void {
  let disagreements = 0, onBorder = 0, inOverlap = 0, indexWrong = 0;
  for (let j = 0; j < a.length; j++) {
    if (a[j] === b[j]) continue;
    disagreements++;
    const x = pts[2 * j], y = pts[2 * j + 1];
    const first = turfLowest(x, y, 0);
    if (a[j] !== first) indexWrong++;
    const all = [first];
    while (all[all.length - 1] >= 0) all.push(turfLowest(x, y, all[all.length - 1] + 1));
    const border = all.some((k) => k >= 0 && !booleanPointInPolygon([x, y], grids.features[k], { ignoreBoundary: true }));
    if (border) onBorder++;
    else if (all.length > 2) inOverlap++;
  }
  emit({ figure: 'agreement', set, impl: 'grid-index', vs, points: a.length, disagreements, onBorder, inOverlap, indexWrong });
  if (indexWrong > 0 || disagreements > onBorder + inOverlap) process.exitCode = 1;
}
