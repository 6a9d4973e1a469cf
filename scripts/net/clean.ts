// District outlines: GCJ-02 → WGS-84, then made valid and made to tile the city.
// The source is quantised to 1/1024° and has repeated points, figure-eight rings,
// half-cell spikes and crumbs, and slivers of gap between neighbouring districts.
import gcoord from 'gcoord';
import type { Position } from 'geojson';
import { areaKm2, bufferZeroBoth, dropSmallParts, finalize, fromJsts, type Geom, polygons, toJsts } from './geom.ts';
import type { SourceDistrict } from './sources.ts';

/** Pieces below this are quantisation crumbs (one 1/1024° cell is ≈ 0.009 km² here). */
const CRUMB_KM2 = 0.05;

export interface CleanDistrict {
  code: string;
  name: string;
  geometry: Geom;
  /** The source ring converted to WGS-84, deduplicated but otherwise untouched (for comparison). */
  source: Geom;
  sourceKm2: number;
  /** Area of the symmetric difference between the cleaned and the converted source outline. */
  symDiffKm2: number;
}

function dedupe(r: Position[]): Position[] {
  return r.filter((p, i) => i === 0 || p[0] !== r[i - 1][0] || p[1] !== r[i - 1][1]);
}

/** Same input vertex → same output vertex, so shared borders stay shared after conversion. */
export function gcjToWgs(r: Position[]): Position[] {
  return r.map((p) => gcoord.transform([p[0], p[1]] as [number, number], gcoord.GCJ02, gcoord.WGS84) as Position);
}

export function convertSource(d: SourceDistrict): Geom {
  return { type: 'Polygon', coordinates: d.ring.coordinates.map((r) => gcjToWgs(dedupe(r))) };
}

export function cleanDistricts(src: SourceDistrict[]): CleanDistrict[] {
  const converted = src.map(convertSource);
  const fixed = converted.map((g) => {
    const f = bufferZeroBoth(g);
    const kept = f && dropSmallParts(f, CRUMB_KM2);
    if (!kept) throw new Error('district vanished while cleaning');
    return toJsts(kept);
  });

  // The city: union of the districts, crumbs dropped, all holes (slivers of gap) filled.
  let union = fixed[0];
  for (const f of fixed.slice(1)) union = union.union(f);
  const cityGeom = fromJsts(union)!;
  const cityPolys = polygons(cityGeom)
    .filter((p) => areaKm2({ type: 'Polygon', coordinates: p }) >= CRUMB_KM2)
    .map((p) => [p[0]]);
  const city = toJsts({ type: cityPolys.length === 1 ? 'Polygon' : 'MultiPolygon', coordinates: cityPolys.length === 1 ? cityPolys[0] : cityPolys } as Geom);

  // Overlaps go to the lower code; gaps go to the neighbour sharing the longest border.
  const claimed: ReturnType<typeof toJsts>[] = [];
  let taken = null as ReturnType<typeof toJsts> | null;
  for (const f of fixed) {
    let piece = f.intersection(city);
    if (taken) piece = piece.difference(taken);
    claimed.push(piece);
    taken = taken ? taken.union(piece) : piece;
  }
  const gaps = fromJsts(city.difference(taken));
  if (gaps) {
    for (const gp of polygons(gaps)) {
      const g = toJsts({ type: 'Polygon', coordinates: gp });
      const ring = g.getBoundary();
      let best = 0, bestLen = -1;
      claimed.forEach((c, i) => {
        const len = c.getBoundary().intersection(ring.buffer(1e-9)).getLength();
        if (len > bestLen) { best = i; bestLen = len; }
      });
      claimed[best] = claimed[best].union(g);
    }
  }

  return src.map((d, i) => {
    const g = finalize(fromJsts(claimed[i])!, CRUMB_KM2);
    if (!g) throw new Error(`district ${d.code} vanished`);
    const source = bufferZeroBoth(converted[i])!;
    const sym = fromJsts(toJsts(g).symDifference(toJsts(source)));
    return { code: d.code, name: d.name, geometry: g, source: converted[i], sourceKm2: areaKm2(source), symDiffKm2: sym ? areaKm2(sym) : 0 };
  });
}
