// Patrol coverage (巡查覆盖): each grid of the wall's area filled by the share of its 50 m cells
// its own phones walked today, on one calm sequential scale (deep blue, barely there, for
// nothing walked → clear teal for all of it), apart from the tickets' green/yellow/red.
import { GeoJsonLayer } from '@deck.gl/layers';
import type { Coverage } from '../patrol/api.ts';
import type { GridGeometry } from '../types.ts';

type RGBA = [number, number, number, number];
const LOW: RGBA = [40, 70, 150, 40];
const HIGH: RGBA = [60, 230, 200, 175];

/** The fill for a coverage of 0–1 (also the legend's ramp). */
export function coverageRgba(c: number): RGBA {
  const f = Math.min(1, Math.max(0, c));
  return LOW.map((lo, i) => Math.round(lo + (HIGH[i]! - lo) * f)) as RGBA;
}

export const coverageCss = (c: number): string => {
  const [r, g, b, a] = coverageRgba(c);
  return `rgba(${r}, ${g}, ${b}, ${Math.max(0.5, a / 255).toFixed(2)})`;
};

export function coverageLayer(geometry: GridGeometry, data: Coverage): GeoJsonLayer {
  const of = new Map(data.grids.map((g) => [g.grid, g.coverage]));
  return new GeoJsonLayer({
    id: 'patrol-coverage',
    data: geometry,
    stroked: true,
    filled: true,
    getFillColor: (f) => coverageRgba(of.get((f.properties as { code: string }).code) ?? 0),
    getLineColor: [120, 200, 230, 60],
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    pickable: false,
    updateTriggers: { getFillColor: data },
  });
}
