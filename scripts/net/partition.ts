// Split a parent polygon into n compact pieces: seeded sample points inside the parent,
// weighted k-means (Lloyd) for the seeds, Voronoi cells (d3-delaunay) clipped to the parent
// (turf.intersect, polyclip-ts). Seeds sit on sample points inside the parent, so every
// piece is non-empty; k-means keeps cells compact, so most pieces are one Polygon.
import { Delaunay } from 'd3-delaunay';
import * as turf from '@turf/turf';
import type { Position } from 'geojson';
import { bboxOf, finalize, type Geom, pointInGeom } from './geom.ts';
import type { Rng } from './random.ts';

export interface PartitionOptions {
  /** Sampling weight at a point; k-means weight is its square, so cell area ∝ 1/weight. */
  weight: (lon: number, lat: number) => number;
  samplesPerPiece?: number;
  iterations?: number;
}

function samplePoints(parent: Geom, count: number, rng: Rng): Position[] {
  const [x0, y0, x1, y1] = bboxOf(parent);
  const out: Position[] = [];
  for (let tries = 0; out.length < count && tries < count * 500; tries++) {
    const x = x0 + (x1 - x0) * rng(), y = y0 + (y1 - y0) * rng();
    if (pointInGeom(x, y, parent)) out.push([x, y]);
  }
  if (out.length < count) throw new Error('could not sample inside parent');
  return out;
}

function kmeans(pts: Position[], w: number[], n: number, rng: Rng, iterations: number, kx: number): Position[] {
  const d2 = (a: Position, b: Position) => ((a[0] - b[0]) * kx) ** 2 + (a[1] - b[1]) ** 2;
  // k-means++ seeding, weighted
  const centres: Position[] = [pts[Math.floor(rng() * pts.length)]];
  const best = pts.map((p) => d2(p, centres[0]));
  while (centres.length < n) {
    let total = 0;
    for (let i = 0; i < pts.length; i++) total += best[i] * w[i];
    let r = rng() * total, k = 0;
    for (; k < pts.length - 1; k++) { r -= best[k] * w[k]; if (r <= 0) break; }
    centres.push(pts[k]);
    for (let i = 0; i < pts.length; i++) best[i] = Math.min(best[i], d2(pts[i], pts[k]));
  }
  const assign = new Int32Array(pts.length);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < pts.length; i++) {
      let bi = 0, bd = Infinity;
      for (let c = 0; c < n; c++) { const d = d2(pts[i], centres[c]); if (d < bd) { bd = d; bi = c; } }
      assign[i] = bi;
    }
    const sx = new Float64Array(n), sy = new Float64Array(n), sw = new Float64Array(n);
    for (let i = 0; i < pts.length; i++) { const c = assign[i]; sx[c] += pts[i][0] * w[i]; sy[c] += pts[i][1] * w[i]; sw[c] += w[i]; }
    for (let c = 0; c < n; c++) if (sw[c] > 0) centres[c] = [sx[c] / sw[c], sy[c] / sw[c]];
  }
  // Snap each centre to its nearest own sample point (inside the parent); keep seeds distinct.
  const used = new Set<number>();
  return centres.map((c, ci) => {
    let bi = -1, bd = Infinity;
    for (let i = 0; i < pts.length; i++) {
      if (used.has(i)) continue;
      const d = d2(pts[i], c) * (assign[i] === ci ? 1 : 4);
      if (d < bd) { bd = d; bi = i; }
    }
    used.add(bi);
    return pts[bi];
  });
}

/** n pieces that tile `parent` (each valid, rounded, non-empty); order follows the seeds. */
export function partition(parent: Geom, n: number, rng: Rng, opts: PartitionOptions): { geometry: Geom; seed: Position }[] {
  if (n === 1) return [{ geometry: parent, seed: turf.pointOnFeature(parent).geometry.coordinates }];
  const pts = samplePoints(parent, Math.max(n * (opts.samplesPerPiece ?? 30), 60), rng);
  const w = pts.map((p) => opts.weight(p[0], p[1]) ** 2);
  const [x0, y0, x1, y1] = bboxOf(parent);
  const kx = Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
  const seeds = kmeans(pts, w, n, rng, opts.iterations ?? 12, kx);
  // Voronoi in a locally isotropic plane (x scaled by cos φ) so cells are not stretched.
  const del = Delaunay.from(seeds, (p) => p[0] * kx, (p) => p[1]);
  const pad = 0.01;
  const vor = del.voronoi([(x0 - pad) * kx, y0 - pad, (x1 + pad) * kx, y1 + pad]);
  const parentFeature = turf.feature(parent);
  return seeds.map((seed, i) => {
    const cell = vor.cellPolygon(i).map((p) => [p[0] / kx, p[1]]);
    const clipped = turf.intersect(turf.featureCollection([turf.polygon([cell]), parentFeature]));
    const g = clipped && finalize(clipped.geometry as Geom);
    if (!g) throw new Error('empty piece');
    return { geometry: g, seed };
  });
}
