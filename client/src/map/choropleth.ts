// The net coloured by the view's KPI (一张网 drilled down), drawn by MapLibre on the net's own
// vector tiles with feature-state: the tiles are in already (no geometry fetched, nothing
// tessellated again), and a new KPI, range or hover only sets a few dozen features' state
// (no tile re-parsed, unlike a data-driven `match` on the codes, which reloads the source).
// A deck.gl layer over /api/grids would fetch and triangulate the children's full geometry on
// every drill. One fill and one outline layer per level; only the children's level is shown,
// the rest of the city is dimmed, and the hovered area (map or chart) is outlined.
import type { FilterSpecification, Map as MlMap, MapMouseEvent } from 'maplibre-gl';
import { NET_SOURCE } from './baseStyle.ts';
import { getView, subscribeView, childLevel, levelOf } from '../view.ts';
import { bindFigures, classBreaks, classColor, classOf, colouredArea, getFigures, KPI_META, kpiValue, subscribeFigures } from '../netmap/figures.ts';
import { getHover, setHover, subscribeHover } from '../netmap/hover.ts';
import { netmapHandle } from '../netmap/handle.ts';

const LEVELS = ['district', 'street', 'community', 'grid'] as const;
type L = (typeof LEVELS)[number];
const fillId = (l: L) => `choro-fill-${l}`;
const DIM = 'choro-dim';

const stateColor = ['coalesce', ['feature-state', 'color'], 'rgba(0,0,0,0)'];

export function bindChoropleth(map: MlMap): () => void {
  const before = map.getLayer('grid-line') ? 'grid-line' : undefined;
  for (const l of LEVELS) {
    map.addLayer({ id: fillId(l), type: 'fill', source: NET_SOURCE, 'source-layer': l, layout: { visibility: 'none' }, paint: { 'fill-color': stateColor as never, 'fill-opacity': 0.78 } }, before);
  }
  map.addLayer({ id: DIM, type: 'fill', source: NET_SOURCE, 'source-layer': 'district', layout: { visibility: 'none' }, paint: { 'fill-color': '#050a14', 'fill-opacity': 0.6 } }, before);
  for (const l of LEVELS) {
    map.addLayer({
      id: `choro-hover-${l}`, type: 'line', source: NET_SOURCE, 'source-layer': l,
      paint: { 'line-color': '#ffffff', 'line-width': ['case', ['boolean', ['feature-state', 'hover'], false], 4, 0] as never },
    });
  }

  let coloured: { level: L; codes: string[] } | null = null;
  let hovered: { level: L; code: string } | null = null;
  let dim = '';

  const paint = (): void => {
    const v = getView();
    const f = getFigures();
    if (coloured) for (const code of coloured.codes) map.removeFeatureState({ source: NET_SOURCE, sourceLayer: coloured.level, id: code }, 'color');
    coloured = null;
    const parent = v.area ? colouredArea(v) : '';
    const level = (v.level === 'grid' ? 'grid' : childLevel(v.level)) as L;
    for (const l of LEVELS) map.setLayoutProperty(fillId(l), 'visibility', l === level ? 'visible' : 'none');
    // Dim what lies outside the coloured area: its siblings at its own level (nothing at city level).
    const parentLevel = levelOf(parent);
    if (parent && parentLevel !== 'city') {
      if (dim !== parent) {
        dim = parent;
        const layer = map.getLayer(DIM);
        if (layer && layer.sourceLayer !== parentLevel) {
          map.removeLayer(DIM);
          map.addLayer({ id: DIM, type: 'fill', source: NET_SOURCE, 'source-layer': parentLevel, paint: { 'fill-color': '#050a14', 'fill-opacity': 0.6 } }, before);
        }
        map.setFilter(DIM, ['!=', ['get', 'code'], parent] as FilterSpecification);
      }
      map.setLayoutProperty(DIM, 'visibility', 'visible');
    } else map.setLayoutProperty(DIM, 'visibility', 'none');
    if (!f || f.area !== parent) return;
    const meta = KPI_META[v.kpi];
    const values = f.children.map((c) => kpiValue(c, v.kpi));
    const breaks = classBreaks(values.filter((x): x is number => x !== null), meta.rate);
    const shown: Record<string, { value: number | null; color: string | null }> = {};
    f.children.forEach((c, i) => {
      const k = classOf(values[i], breaks);
      const color = k < 0 ? null : classColor(k, breaks.length, meta.higherIsBetter);
      shown[c.code] = { value: values[i], color };
      map.setFeatureState({ source: NET_SOURCE, sourceLayer: level, id: c.code }, { color: color ?? '#2a3342' });
    });
    coloured = { level, codes: f.children.map((c) => c.code) };
    netmapHandle().choropleth = { area: parent, level, kpi: v.kpi, from: f.from, to: f.to, breaks, shown };
  };

  const outline = (): void => {
    if (hovered) map.setFeatureState({ source: NET_SOURCE, sourceLayer: hovered.level, id: hovered.code }, { hover: false });
    const code = getHover();
    const level = code ? (levelOf(code) as L) : null;
    hovered = code && level && (LEVELS as readonly string[]).includes(level) ? { level, code } : null;
    if (hovered) map.setFeatureState({ source: NET_SOURCE, sourceLayer: hovered.level, id: hovered.code }, { hover: true });
    netmapHandle().mapHover = hovered?.code ?? null;
  };

  // The map's pointer drives the shared hover: the coloured child under it.
  const onMove = (ev: MapMouseEvent): void => setHover(childAt(map, ev.point));
  const onOut = (): void => setHover(null);
  map.on('mousemove', onMove);
  map.on('mouseout', onOut);
  const unsubs = [subscribeView(paint), subscribeFigures(paint), subscribeHover(outline), bindFigures()];
  paint();
  return () => {
    for (const u of unsubs) u();
    map.off('mousemove', onMove);
    map.off('mouseout', onOut);
  };
}

/** The coloured child area at a point of the map (its code), or null. */
export function childAt(map: MlMap, point: { x: number; y: number }): string | null {
  const v = getView();
  const parent = colouredArea(v);
  if (!parent) return null;
  const level = (v.level === 'grid' ? 'grid' : childLevel(v.level)) as L;
  if (!map.getLayer(fillId(level))) return null;
  const hit = map.queryRenderedFeatures([point.x, point.y], { layers: [fillId(level)] })
    .find((f) => typeof f.properties?.code === 'string' && (levelOf(parent) === 'city' || (f.properties.code as string).startsWith(parent)));
  return (hit?.properties?.code as string | undefined) ?? null;
}
