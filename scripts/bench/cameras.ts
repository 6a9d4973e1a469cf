// Cameras (issue 10: "for a ticket, the cameras within 200 m ranked by distance — a point
// index, ≤ 1 ms"): the demo's 20,000 cameras (server/cameras/catalogue.ts), then 2,000
// ticket-like places (near a random camera, up to ~300 m off) asking for the 12 nearest within
// 200 m — server/cameras/index.ts (kdbush + geokdbush) against a scan of every camera with the
// same great-circle distance and a sort, in the same run; and 500 bbox queries (a street-level
// view, ~2 × 2 km) against a brute-force filter. One JSON line per figure.
import { performance } from 'node:perf_hooks';
import { distance } from 'geokdbush';
import { loadNet } from '../../server/net/load.ts';
import { createLocator } from '../../server/geo/locator.ts';
import { generateCameras } from '../../server/cameras/catalogue.ts';
import { CameraIndex } from '../../server/cameras/index.ts';
import { mulberry32 } from '../../server/sim/random.ts';

const QUERIES = 2000, BOXES = 500, LIMIT = 12, RADIUS_M = 200;
const net = loadNet();
const locator = createLocator(net);
let t = performance.now();
const c = generateCameras(net, locator.gridAt);
const generateMs = performance.now() - t;
t = performance.now();
const index = new CameraIndex(c);
const buildMs = performance.now() - t;
const rand = mulberry32(20261123);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const r4 = (ms: number) => Math.round(ms * 10000) / 10000;

const places = Array.from({ length: QUERIES }, () => {
  const j = Math.floor(rand() * c.count);
  return [c.lon[j] + (rand() - 0.5) * 0.006, c.lat[j] + (rand() - 0.5) * 0.005] as const;
});
// Warm-up, not measured: the first calls run before V8 has optimised the code.
for (const [lon, lat] of places.slice(0, 200)) index.nearest(lon, lat, LIMIT, RADIUS_M);
const tree: number[] = [];
const scan: number[] = [];
let agree = 0, found = 0;
for (const [lon, lat] of places) {
  t = performance.now();
  const a = index.nearest(lon, lat, LIMIT, RADIUS_M);
  tree.push(performance.now() - t);
  t = performance.now();
  const near: { i: number; d: number }[] = [];
  for (let i = 0; i < c.count; i++) {
    const d = distance(lon, lat, c.lon[i], c.lat[i]) * 1000;
    if (d <= RADIUS_M) near.push({ i, d });
  }
  const b = near.sort((x, y) => x.d - y.d).slice(0, LIMIT);
  scan.push(performance.now() - t);
  found += a.length;
  if (a.length === b.length && a.every((x, k) => x.index === b[k].i)) agree++;
}
console.log(JSON.stringify({ bench: 'cameras-nearest', cameras: c.count, queries: QUERIES, radiusM: RADIUS_M, limit: LIMIT, meanFound: Math.round((found / QUERIES) * 10) / 10, index: { p50Ms: r4(pct(tree, 50)), p99Ms: r4(pct(tree, 99)) }, scan: { p50Ms: r4(pct(scan, 50)), p99Ms: r4(pct(scan, 99)) }, speedupP50: Math.round(pct(scan, 50) / pct(tree, 50)), agree: `${agree}/${QUERIES}`, generateMs: Math.round(generateMs), indexBuildMs: r4(buildMs) }));

const boxT: number[] = [];
const boxScan: number[] = [];
let boxAgree = 0, inBoxes = 0;
for (let k = 0; k < BOXES; k++) {
  const j = Math.floor(rand() * c.count);
  const w = c.lon[j] - 0.01, s = c.lat[j] - 0.009, e = c.lon[j] + 0.01, n = c.lat[j] + 0.009;
  t = performance.now();
  const a = index.bbox(w, s, e, n);
  boxT.push(performance.now() - t);
  t = performance.now();
  const b: number[] = [];
  for (let i = 0; i < c.count; i++) if (c.lon[i] >= w && c.lon[i] <= e && c.lat[i] >= s && c.lat[i] <= n) b.push(i);
  boxScan.push(performance.now() - t);
  inBoxes += a.length;
  if (a.length === b.length && a.every((x, q) => x === b[q])) boxAgree++;
}
console.log(JSON.stringify({ bench: 'cameras-bbox', cameras: c.count, boxes: BOXES, boxKm: '~2×2', meanInBox: Math.round(inBoxes / BOXES), index: { p50Ms: r4(pct(boxT, 50)), p99Ms: r4(pct(boxT, 99)) }, scan: { p50Ms: r4(pct(boxScan, 50)), p99Ms: r4(pct(boxScan, 99)) }, agree: `${boxAgree}/${BOXES}` }));
