// Noding of the rounded net: make every shared border consist of identical vertices in all the
// rings that run along it, at every level, so that neighbours neither overlap nor leave gaps.
//
// Why: a child piece gets a new vertex where a Voronoi edge crosses its parent's border;
// rounding it to 6 decimals moves it up to ~0.7e-6° (~7 cm) off the border line, into (or away
// from) the area across the border, whose ring has no vertex there; and the parent's own ring
// does not have it either. The fix: every vertex of every ring (of any level) that lies within
// SNAP_TOLERANCE of an edge of another ring, strictly between its ends, and is not already a
// vertex of that area, is inserted into that edge with its exact coordinates. Inserted vertices
// are existing vertices, so the set of coordinates never grows and the loop ends; new edges are
// re-checked until nothing changes. Since all levels are noded against the same set of
// vertices, a parent's ring also gets the vertices its children put on its border, so children
// still tile their parent exactly.
import Flatbush from 'flatbush';
import type { Position } from 'geojson';
import { polygons, type Geom } from './geom.ts';

/** Degrees; a rounded vertex is at most 0.71e-6° off the line it was computed on. */
export const SNAP_TOLERANCE = 2e-6;
/**
 * Degrees; distinct vertices closer than this are one point computed twice (a corner where
 * borders of several levels meet, computed in two parents) and are merged first. Left apart,
 * noding puts one of them into an edge ending at the other, and the two rings then run to the
 * same far vertex from two points 2–3e-6° apart: a long thin overlap.
 */
export const MERGE_TOLERANCE = 3e-6;

export interface NodingStats {
  /** Distinct vertices moved onto a nearby vertex (MERGE_TOLERANCE). */
  merged: number;
  /** Vertices inserted into edges, over all rings. */
  inserted: number;
  /** Passes until stable (the last one inserts nothing). */
  passes: number;
  /** Codes of the areas whose rings changed. */
  changed: Set<string>;
}

interface Ring { code: string; pts: Position[] /* closed */; }

const key = (p: Position) => `${p[0]},${p[1]}`;

/**
 * Merge distinct vertices closer than `tol` (single linkage): each cluster moves onto the vertex
 * of its coarsest level (lowest rank; then the smallest x, y), in every ring; repeated
 * consecutive points are dropped. Returns the number of vertices moved; adds the codes of the
 * areas it changed to `changed`.
 */
function mergeCloseVertices(areas: { code: string; rank: number; geometry: Geom }[], tol: number, changed: Set<string>): number {
  const rankOf = new Map<string, number>();
  const pts: Position[] = [];
  for (const a of areas) for (const p of polygons(a.geometry)) for (const r of p) for (const q of r) {
    const k = key(q);
    const old = rankOf.get(k);
    if (old === undefined) pts.push(q);
    if (old === undefined || a.rank < old) rankOf.set(k, a.rank);
  }
  const index = new Flatbush(pts.length);
  for (const q of pts) index.add(q[0], q[1], q[0], q[1]);
  index.finish();
  const parent = pts.map((_, i) => i);
  const find = (i: number): number => { while (parent[i] !== i) i = parent[i] = parent[parent[i]]; return i; };
  const better = (i: number, j: number) => {
    const ri = rankOf.get(key(pts[i]))!, rj = rankOf.get(key(pts[j]))!;
    return ri !== rj ? ri < rj : pts[i][0] !== pts[j][0] ? pts[i][0] < pts[j][0] : pts[i][1] < pts[j][1];
  };
  for (let i = 0; i < pts.length; i++) {
    const [x, y] = pts[i];
    for (const j of index.search(x - tol, y - tol, x + tol, y + tol)) {
      if (j === i || Math.hypot(pts[j][0] - x, pts[j][1] - y) > tol) continue;
      const a = find(i), b = find(j);
      if (a === b) continue;
      if (better(a, b)) parent[b] = a; else parent[a] = b;
    }
  }
  const moveTo = new Map<string, Position>();
  pts.forEach((q, i) => { const r = find(i); if (r !== i) moveTo.set(key(q), pts[r]); });
  if (moveTo.size === 0) return 0;
  for (const a of areas) for (const p of polygons(a.geometry)) for (const r of p) {
    if (!r.some((q) => moveTo.has(key(q)))) continue;
    const out: Position[] = [];
    for (const q of r) {
      const m = moveTo.get(key(q)) ?? q;
      const last = out[out.length - 1];
      if (!last || last[0] !== m[0] || last[1] !== m[1]) out.push([m[0], m[1]]);
    }
    if (out.length < 4) throw new Error('a ring collapsed when merging close vertices');
    r.length = 0;
    r.push(...out);
    changed.add(a.code);
  }
  return moveTo.size;
}

/**
 * Node the rings of `areas` (all levels together) in place. Geometries must already be rounded;
 * the coordinate arrays are replaced, the geometry objects kept. `rank`: 0 for the coarsest
 * level (districts), larger for finer ones.
 */
export function nodeRings(areas: { code: string; rank: number; geometry: Geom }[], tol = SNAP_TOLERANCE, mergeTol = MERGE_TOLERANCE): NodingStats {
  const changed = new Set<string>();
  const merged = mergeCloseVertices(areas, mergeTol, changed);
  const rings: Ring[] = [];
  const vertexKeysOf = new Map<string, Set<string>>();
  for (const a of areas) {
    const keys = vertexKeysOf.get(a.code) ?? new Set<string>();
    vertexKeysOf.set(a.code, keys);
    for (const p of polygons(a.geometry)) for (const r of p) {
      rings.push({ code: a.code, pts: r });
      for (const q of r) keys.add(key(q));
    }
  }
  // Every distinct vertex once, in a static point index.
  const seen = new Set<string>();
  const vx: number[] = [], vy: number[] = [];
  for (const r of rings) for (const q of r.pts) {
    const k = key(q);
    if (seen.has(k)) continue;
    seen.add(k);
    vx.push(q[0]);
    vy.push(q[1]);
  }
  const index = new Flatbush(vx.length);
  for (let i = 0; i < vx.length; i++) index.add(vx[i], vy[i], vx[i], vy[i]);
  index.finish();

  const stats: NodingStats = { merged, inserted: 0, passes: 0, changed };
  // Edges to check: [ring, start index] — all of them at first, then only the new ones.
  let todo: [number, number][] = [];
  rings.forEach((r, ri) => { for (let i = 0; i + 1 < r.pts.length; i++) todo.push([ri, i]); });
  const tol2 = tol * tol;
  while (todo.length > 0) {
    stats.passes++;
    // ring → edge start → points to insert (with their parameter along the edge)
    const inserts = new Map<number, Map<number, { t: number; p: Position }[]>>();
    for (const [ri, i] of todo) {
      const r = rings[ri];
      const [ax, ay] = r.pts[i], [bx, by] = r.pts[i + 1];
      const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
      if (len2 === 0) continue;
      const hits = index.search(Math.min(ax, bx) - tol, Math.min(ay, by) - tol, Math.max(ax, bx) + tol, Math.max(ay, by) + tol);
      const keys = vertexKeysOf.get(r.code)!;
      for (const h of hits) {
        const px = vx[h], py = vy[h];
        const t = ((px - ax) * dx + (py - ay) * dy) / len2;
        if (t <= 0 || t >= 1) continue;
        const ex = ax + t * dx - px, ey = ay + t * dy - py;
        if (ex * ex + ey * ey > tol2) continue;
        const p: Position = [px, py];
        if (keys.has(key(p))) continue;
        let byEdge = inserts.get(ri);
        if (!byEdge) inserts.set(ri, (byEdge = new Map()));
        let list = byEdge.get(i);
        if (!list) byEdge.set(i, (list = []));
        list.push({ t, p });
      }
    }
    const next: [number, number][] = [];
    // Deterministic: rings in order, edges in order, points by t (then by coordinates).
    for (const ri of [...inserts.keys()].sort((a, b) => a - b)) {
      const r = rings[ri];
      const byEdge = inserts.get(ri)!;
      const keys = vertexKeysOf.get(r.code)!;
      const out: Position[] = [];
      const fresh: number[] = [];
      for (let i = 0; i < r.pts.length; i++) {
        out.push(r.pts[i]);
        const list = byEdge.get(i);
        if (!list) continue;
        list.sort((a, b) => a.t - b.t || a.p[0] - b.p[0] || a.p[1] - b.p[1]);
        const before = out.length;
        for (const { p } of list) {
          const k = key(p);
          if (keys.has(k)) continue; // the same vertex near two edges of one area: first edge wins
          keys.add(k);
          out.push(p);
          stats.inserted++;
        }
        // the edges around the inserted points are new: check them again next pass
        for (let e = before - 1; e < out.length; e++) fresh.push(e);
      }
      r.pts.length = 0;
      r.pts.push(...out);
      for (const e of fresh) next.push([ri, e]);
      stats.changed.add(r.code);
    }
    todo = next;
  }
  stats.passes++;
  return stats;
}
