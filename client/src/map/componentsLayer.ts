// City components (部件) as one ScatterplotLayer over binary attributes: positions straight
// from the server's Float32Array, a fill per class and a ring per state computed once per
// answer (typed arrays, no object per point), so 120,000 points cost no JS per frame.
// Radius in metres with pixel bounds: points grow as the map zooms in.
import { uiScale } from '../layout/scale.ts';
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { ComponentPoints, PlacesData } from '../city/components.ts';

export const COMPONENTS_LAYER_ID = 'components';
export const PLACES_LAYER_ID = 'places';

/** Fill per class 1..6: 公用设施, 道路交通, 市容环境, 园林绿化, 房屋土地, 其他设施. */
export const CLASS_COLOURS: [number, number, number][] = [
  [0, 0, 0], [79, 163, 255], [255, 196, 61], [186, 132, 255], [76, 201, 110], [230, 140, 90], [150, 170, 190],
];
/** Ring per state: normal (none), damaged (orange), missing (red). */
const STATE_RING: [number, number, number, number][] = [[0, 0, 0, 0], [255, 140, 0, 255], [255, 40, 60, 255]];

let cached: { points: ComponentPoints; fill: Uint8Array; line: Uint8Array; width: Float32Array } | null = null;
function attributes(p: ComponentPoints) {
  if (cached?.points !== p) {
    const fill = new Uint8Array(p.n * 4), line = new Uint8Array(p.n * 4), width = new Float32Array(p.n);
    for (let i = 0; i < p.n; i++) {
      const c = CLASS_COLOURS[p.cls[i]] ?? CLASS_COLOURS[6];
      fill[4 * i] = c[0]; fill[4 * i + 1] = c[1]; fill[4 * i + 2] = c[2]; fill[4 * i + 3] = p.state[i] ? 255 : 190;
      const r = STATE_RING[p.state[i]] ?? STATE_RING[0];
      line.set(r, 4 * i);
      width[i] = p.state[i] ? 2 : 0;
    }
    cached = { points: p, fill, line, width };
  }
  return cached;
}

export function componentsLayer(p: ComponentPoints) {
  const a = attributes(p);
  return new ScatterplotLayer({
    id: COMPONENTS_LAYER_ID,
    data: {
      length: p.n,
      attributes: {
        getPosition: { value: p.positions, size: 2 },
        getFillColor: { value: a.fill, size: 4, normalized: true },
        getLineColor: { value: a.line, size: 4, normalized: true },
        getLineWidth: { value: a.width, size: 1 },
      },
    },
    radiusUnits: 'meters',
    getRadius: 4,
    radiusMinPixels: 1.2 * uiScale(),
    radiusMaxPixels: 9 * uiScale(),
    stroked: true,
    lineWidthUnits: 'pixels',
    pickable: true,
    autoHighlight: false,
  });
}

/** Places: distinct colours and sizes per kind (重点场所, 一键报警柱, 党群/便民服务中心). */
const KIND_STYLE: { fill: [number, number, number]; px: number }[] = [
  { fill: [255, 90, 90], px: 7 }, { fill: [255, 230, 0], px: 5 }, { fill: [230, 40, 40], px: 8 }, { fill: [0, 200, 255], px: 9 },
];
export function placesLayers(p: PlacesData, zoom: number) {
  const index = p.kind.map((_, i) => i);
  const dots = new ScatterplotLayer<number>({
    id: PLACES_LAYER_ID,
    data: index,
    getPosition: (i) => [p.lon[i], p.lat[i]],
    getFillColor: (i) => KIND_STYLE[p.kind[i]].fill,
    getRadius: (i) => KIND_STYLE[p.kind[i]].px,
    radiusUnits: 'pixels',
    radiusScale: uiScale(),
    stroked: true,
    getLineColor: [10, 20, 30],
    lineWidthMinPixels: 1.5,
    pickable: true,
  });
  if (zoom < 13) return [dots];
  // Names only where they can be read: the service centres' from street zoom.
  const named = index.filter((i) => p.kind[i] !== 1);
  return [dots, new TextLayer<number>({
    id: `${PLACES_LAYER_ID}-names`, data: named, getPosition: (i) => [p.lon[i], p.lat[i]], getText: (i) => p.name[i],
    getSize: 13 * uiScale(), getColor: [230, 235, 245], getPixelOffset: [0, -14 * uiScale()], characterSet: 'auto', fontFamily: 'sans-serif',
    outlineWidth: 2, outlineColor: [10, 20, 30], fontSettings: { sdf: true },
  })];
}
