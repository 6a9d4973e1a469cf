// Geometry helpers shared by the generator and the tests: GeoJSON ⇄ JSTS, validity,
// rounding to 6 decimals, RFC 7946 winding, point-in-polygon.
import type { MultiPolygon, Polygon, Position } from 'geojson';
import * as turf from '@turf/turf';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import GeoJSONReader from 'jsts/org/locationtech/jts/io/GeoJSONReader.js';
import GeoJSONWriter from 'jsts/org/locationtech/jts/io/GeoJSONWriter.js';
import IsValidOp from 'jsts/org/locationtech/jts/operation/valid/IsValidOp.js';
import 'jsts/org/locationtech/jts/monkey.js';

export type Geom = Polygon | MultiPolygon;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JstsGeom = any;

const reader = new GeoJSONReader(new GeometryFactory());
const writer = new GeoJSONWriter();

export const toJsts = (g: Geom): JstsGeom => reader.read(g);

/** Back to GeoJSON, keeping only the polygonal parts; null when empty. */
export function fromJsts(j: JstsGeom): Geom | null {
  const polys: Position[][][] = [];
  const walk = (x: JstsGeom) => {
    const t = x.getGeometryType();
    if (t === 'Polygon') {
      if (!x.isEmpty()) polys.push((writer.write(x) as Polygon).coordinates);
    } else if (t === 'MultiPolygon' || t === 'GeometryCollection') {
      for (let i = 0; i < x.getNumGeometries(); i++) walk(x.getGeometryN(i));
    }
  };
  walk(j);
  if (polys.length === 0) return null;
  return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
}

export function validationError(g: Geom): string | null {
  const op = new IsValidOp(toJsts(g));
  return op.isValid() ? null : String(op.getValidationError());
}

export const isValid = (g: Geom): boolean => validationError(g) === null;

/**
 * Buffer-by-zero in both ring orientations and union the results: a plain buffer(0)
 * silently drops the inverted lobes of a figure-eight ring (as JTS's GeometryFixer does).
 */
export function bufferZeroBoth(g: Geom): Geom | null {
  const reversed: Geom = g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map((r) => [...r].reverse()) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => [...r].reverse())) };
  const a = toJsts(g).buffer(0);
  const b = toJsts(reversed).buffer(0);
  return fromJsts(a.union(b));
}

export const polygons = (g: Geom): Position[][][] => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);

export function fromPolygons(polys: Position[][][]): Geom | null {
  if (polys.length === 0) return null;
  return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
}

/** Shoelace area in degree² (sign: + counter-clockwise). */
export function ringSignedArea(r: Position[]): number {
  let s = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) s += (r[j][0] - r[i][0]) * (r[j][1] + r[i][1]);
  return s / 2;
}

export const areaKm2 = (g: Geom): number => turf.area(g) / 1e6;

/** Drop polygon parts smaller than minKm2 (numeric slivers and quantisation crumbs). */
export function dropSmallParts(g: Geom, minKm2: number): Geom | null {
  return fromPolygons(polygons(g).filter((p) => areaKm2({ type: 'Polygon', coordinates: p }) >= minKm2));
}

function cleanRing(r: Position[], digits: number): Position[] | null {
  const f = 10 ** digits;
  const out: Position[] = [];
  for (const p of r) {
    const q = [Math.round(p[0] * f) / f, Math.round(p[1] * f) / f];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  if (out.length < 3) return null;
  out.push([out[0][0], out[0][1]]);
  return out;
}

/** Round to `digits` decimals, drop repeated points and collapsed rings, wind per RFC 7946. */
export function roundAndWind(g: Geom, digits = 6): Geom | null {
  const polys: Position[][][] = [];
  for (const p of polygons(g)) {
    const shell = cleanRing(p[0], digits);
    if (!shell || ringSignedArea(shell) === 0) continue;
    const rings = [ringSignedArea(shell) > 0 ? shell : shell.reverse()];
    for (const h of p.slice(1)) {
      const c = cleanRing(h, digits);
      if (c && ringSignedArea(c) !== 0) rings.push(ringSignedArea(c) < 0 ? c : c.reverse());
    }
    polys.push(rings);
  }
  return fromPolygons(polys);
}

/**
 * The final form of every shipped polygon: rounded to 6 decimals, wound per RFC 7946 and
 * OGC-valid. Rounding can fold a thin piece onto itself; then it is re-noded and rounded again.
 */
export function finalize(g: Geom, minKm2 = 1e-7): Geom | null {
  let cur: Geom | null = g;
  for (let attempt = 0; attempt < 4 && cur; attempt++) {
    const r = roundAndWind(cur);
    if (!r) return null;
    const dropped = dropSmallParts(r, minKm2);
    if (!dropped) return null;
    if (isValid(dropped)) return dropped;
    cur = bufferZeroBoth(dropped);
  }
  throw new Error('could not make a valid polygon after rounding');
}

export function bboxOf(g: Geom): [number, number, number, number] {
  let a = Infinity, b = Infinity, c = -Infinity, d = -Infinity;
  for (const p of polygons(g)) for (const q of p[0]) {
    if (q[0] < a) a = q[0];
    if (q[1] < b) b = q[1];
    if (q[0] > c) c = q[0];
    if (q[1] > d) d = q[1];
  }
  return [a, b, c, d];
}

function inRing(x: number, y: number, r: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const xi = r[i][0], yi = r[i][1], xj = r[j][0], yj = r[j][1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInGeom(x: number, y: number, g: Geom): boolean {
  for (const p of polygons(g)) {
    if (!inRing(x, y, p[0])) continue;
    if (!p.slice(1).some((h) => inRing(x, y, h))) return true;
  }
  return false;
}

/**
 * A label point inside the area: the centroid if it falls inside, else the middle of the
 * widest stretch of the horizontal line through the middle of the largest part.
 */
export function labelPoint(g: Geom): [number, number] {
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  const c = turf.centroid(g).geometry.coordinates;
  if (pointInGeom(r6(c[0]), r6(c[1]), g)) return [r6(c[0]), r6(c[1])];
  const largest = polygons(g).map((p) => ({ p, a: Math.abs(ringSignedArea(p[0])) })).sort((a, b) => b.a - a.a)[0].p;
  const [, y0, , y1] = bboxOf({ type: 'Polygon', coordinates: largest });
  for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9]) {
    const y = r6(y0 + (y1 - y0) * t);
    const xs: number[] = [];
    for (const r of largest) for (let i = 0, k = r.length - 1; i < r.length; k = i++) {
      const [xa, ya] = r[k], [xb, yb] = r[i];
      if ((ya > y) !== (yb > y)) xs.push(xa + ((y - ya) * (xb - xa)) / (yb - ya));
    }
    xs.sort((a, b) => a - b);
    let best: [number, number] | null = null, width = 0;
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const p: [number, number] = [r6((xs[i] + xs[i + 1]) / 2), y];
      if (xs[i + 1] - xs[i] > width && pointInGeom(p[0], p[1], g)) { best = p; width = xs[i + 1] - xs[i]; }
    }
    if (best) return best;
  }
  throw new Error('no label point inside the area');
}
