// GridIndex answers exactly what Turf answers, and on a shared border the lowest code wins.
import { describe, expect, it } from 'vitest';
import Flatbush from 'flatbush';
import { Delaunay } from 'd3-delaunay';
import { booleanPointInPolygon } from '@turf/turf';
import { bbox as turfBbox } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { GridIndex, orient } from '../server/geo/grid-index.ts';
import { loadNet } from '../server/net/load.ts';
import { mulberry32 as random } from '../server/sim/random.ts';

type Grids = FeatureCollection<Polygon | MultiPolygon, { code: string }>;

const grid = (code: string, geometry: Polygon | MultiPolygon): Feature<Polygon | MultiPolygon, { code: string }> =>
  ({ type: 'Feature', properties: { code }, geometry });
const box = (x0: number, y0: number, x1: number, y1: number): Position[] =>
  [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];

/** The referee: Turf over the grids whose bbox holds the point; lowest index wins. */
function turfReferee(grids: Grids): (x: number, y: number) => number {
  const fb = new Flatbush(grids.features.length);
  for (const f of grids.features) {
    const [x0, y0, x1, y1] = turfBbox(f);
    fb.add(x0, y0, x1, y1);
  }
  fb.finish();
  return (x, y) => {
    const hits = fb.search(x, y, x, y).sort((a, b) => a - b);
    for (const k of hits) if (booleanPointInPolygon([x, y], grids.features[k])) return k;
    return -1;
  };
}

// Dyadic coordinates, so points exactly on a diagonal can be written down.
const X = [120, 120.125, 120.25, 120.375];
const Y = [31.5, 31.625, 31.75, 31.875];
const code = (n: number) => `3204020010010${String(n).padStart(2, '0')}`;
const hole1 = box(120.5625, 31.5625, 120.625, 31.625);
const hole2 = box(120.6875, 31.6875, 120.71875, 31.71875);
const small: Grids = {
  type: 'FeatureCollection',
  features: [
    // 01..09: a 3×3 block of squares, row by row from the south-west.
    ...[0, 1, 2].flatMap((j) => [0, 1, 2].map((i) =>
      grid(code(j * 3 + i + 1), { type: 'Polygon', coordinates: [box(X[i], Y[j], X[i + 1], Y[j + 1])] }))),
    // 10: a square with two holes, east of the block across a gap.
    grid(code(10), { type: 'Polygon', coordinates: [box(120.5, 31.5, 120.75, 31.75), hole1, hole2] }),
    // 11: an island filling hole 1 exactly, and a square touching grid 09's NE corner.
    grid(code(11), { type: 'MultiPolygon', coordinates: [[hole1], [box(120.375, 31.875, 120.5, 32)]] }),
    // 12, 13: a square split along its diagonal, sharing its west edge with grid 10.
    grid(code(12), { type: 'Polygon', coordinates: [[[120.75, 31.5], [121, 31.5], [121, 31.75], [120.75, 31.5]]] }),
    grid(code(13), { type: 'Polygon', coordinates: [[[120.75, 31.5], [121, 31.75], [120.75, 31.75], [120.75, 31.5]]] }),
    // 14: overlaps 12 and 13 (a data error the net should not have; the rule still holds).
    grid(code(14), { type: 'Polygon', coordinates: [box(120.875, 31.625, 121.125, 31.875)] }),
  ],
};

describe('orient', () => {
  it('is exact where the floating-point determinant is not (Shewchuk\'s near-collinear lattice)', () => {
    // a = (0.5 + i·2⁻⁵³, 0.5 + j·2⁻⁵³) against the line y = x through (12, 12) and (24, 24):
    // the exact orientation is 12·(ay - ax), so its sign is the sign of j - i.
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 64; j++) {
        expect(Math.sign(orient(0.5 + i * 2 ** -53, 0.5 + j * 2 ** -53, 12, 12, 24, 24))).toBe(Math.sign(j - i));
      }
    }
  });
});

describe('GridIndex on a hand-made net', () => {
  const index = new GridIndex(small);
  const at = (x: number, y: number) => {
    const i = index.locate(x, y);
    return i < 0 ? null : index.codeAt(i);
  };
  const cases: [string, number, number, number | null][] = [
    ['inside the middle square', 120.1875, 31.6875, 5],
    ['on the edge shared by 01 and 02', 120.125, 31.5625, 1],
    ['on the edge shared by 05 and 08', 120.1875, 31.75, 5],
    ['on the vertex shared by 01, 02, 04, 05', 120.125, 31.625, 1],
    ['on the vertex shared by 05, 06, 08, 09', 120.25, 31.75, 5],
    ['on the block\'s outer edge', 120, 31.7, 4],
    ['on the block\'s outer corner', 120, 31.5, 1],
    ['on the vertex 09 shares with 11', 120.375, 31.875, 9],
    ['in the gap between the block and 10', 120.4375, 31.6, null],
    ['inside 10', 120.53, 31.7, 10],
    ['in the island filling hole 1', 120.59375, 31.59375, 11],
    ['on the rim of hole 1 (10 and 11)', 120.5625, 31.6, 10],
    ['in the empty hole 2', 120.703125, 31.703125, null],
    ['on the rim of hole 2', 120.6875, 31.7, 10],
    ['on the edge 10 shares with 13', 120.75, 31.7, 10],
    ['on the diagonal shared by 12 and 13', 120.875, 31.625, 12],
    ['one ulp above the diagonal', 120.875, 31.625 + 2 ** -48, 13],
    ['one ulp right of the diagonal', 120.875 + 2 ** -46, 31.625, 12],
    ['where 12 and 14 overlap', 120.95, 31.65, 12],
    ['where 13 and 14 overlap', 120.9, 31.7, 13],
    ['in 14 alone', 121.05, 31.7, 14],
    ['north of everything', 120.2, 33, null],
    ['west of everything', 119, 31.6, null],
    ['not a number', NaN, 31.6, null],
  ];
  it.each(cases)('%s', (_, x, y, n) => {
    expect(at(x, y)).toBe(n === null ? null : code(n));
  });

  it('agrees with Turf on the same points and on a dense lattice', () => {
    const referee = turfReferee(small);
    for (const [, x, y] of cases) if (!Number.isNaN(x)) expect(index.locate(x, y)).toBe(referee(x, y));
    // A lattice of step 1/256° hits every vertex, edge and rim above exactly.
    for (let x = 119.9375; x <= 121.1875; x += 1 / 256) {
      for (let y = 31.4375; y <= 32.0625; y += 1 / 256) expect(index.locate(x, y)).toBe(referee(x, y));
    }
  });

  it('rejects grids out of code order', () => {
    expect(() => new GridIndex({ ...small, features: [...small.features].reverse() })).toThrow(/ascending/);
  });
});

/**
 * A Voronoi tiling of `n` sites over a Changzhou-sized bbox, keeping the cells inside a
 * wavy outline so the net has an irregular edge, like a city's.
 */
function syntheticNet(n: number, seed = 1): Grids {
  const rnd = random(seed);
  const [x0, y0, x1, y1] = [119.1, 31.15, 120.2, 32.05];
  const sites = Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 ? y0 + rnd() * (y1 - y0) : x0 + rnd() * (x1 - x0)));
  const voronoi = Delaunay.from(Array.from({ length: n }, (_, i) => [sites[2 * i], sites[2 * i + 1]])).voronoi([x0, y0, x1, y1]);
  const features: Grids['features'] = [];
  for (let i = 0; i < n; i++) {
    const u = (sites[2 * i] - 119.65) / 0.55, v = (sites[2 * i + 1] - 31.6) / 0.45;
    const a = Math.atan2(v, u);
    if (Math.hypot(u, v) > 0.85 + 0.12 * Math.sin(5 * a) + 0.05 * Math.cos(11 * a)) continue;
    const ring = voronoi.cellPolygon(i);
    if (ring) features.push(grid(`32${String(features.length).padStart(10, '0')}`, { type: 'Polygon', coordinates: [ring] }));
  }
  return { type: 'FeatureCollection', features };
}

/** Every vertex and edge midpoint of every grid, and `randomPoints` seeded points in the bbox. */
function testPoints(grids: Grids, randomPoints: number): Float64Array {
  const pts: number[] = [];
  for (const f of grids.features) {
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const ring of polys.flat(1)) {
      for (let i = 0; i + 1 < ring.length; i++) {
        pts.push(ring[i][0], ring[i][1], (ring[i][0] + ring[i + 1][0]) / 2, (ring[i][1] + ring[i + 1][1]) / 2);
      }
    }
  }
  const [x0, y0, x1, y1] = turfBbox(grids);
  const rnd = random(20240601);
  for (let i = 0; i < randomPoints; i++) pts.push(x0 + rnd() * (x1 - x0), y0 + rnd() * (y1 - y0));
  return Float64Array.from(pts);
}

function expectAgreement(grids: Grids, randomPoints: number): void {
  const index = new GridIndex(grids);
  const referee = turfReferee(grids);
  const pts = testPoints(grids, randomPoints);
  let wrong = 0;
  const examples: string[] = [];
  for (let p = 0; p < pts.length; p += 2) {
    const got = index.locate(pts[p], pts[p + 1]);
    const want = referee(pts[p], pts[p + 1]);
    if (got !== want && wrong++ < 5) examples.push(`(${pts[p]}, ${pts[p + 1]}): got ${got}, Turf ${want}`);
  }
  expect(examples).toEqual([]);
  expect(wrong).toBe(0);
}

describe('GridIndex agrees with Turf point by point', () => {
  it('on the Changzhou net: 1,000,000 random points in the city\'s bbox, every vertex and edge midpoint', () => {
    expectAgreement(loadNet().features.grid, 1_000_000);
  });

  it('on a synthetic Voronoi net of ~6,300 grids: 500,000 random points, every vertex and edge midpoint', () => {
    expectAgreement(syntheticNet(11_000), 500_000);
  });
});
