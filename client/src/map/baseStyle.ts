// The base map from our own boundaries (the server's vector tiles): no online tile
// service, no glyphs. Labels are drawn by deck.gl (labelsLayer.ts), not here.
import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import { BASEMAP, NET_TILE_MAXZOOM } from '../config.ts';

export const NET_SOURCE = 'net';

/** Muted, distinct fills per district (GB/T 2260 codes of Changzhou), and a fallback. */
const DISTRICT_FILL: [string, string][] = [
  ['320402', '#2f4f7a'], // 天宁区
  ['320404', '#5a3f73'], // 钟楼区
  ['320411', '#2d6464'], // 新北区
  ['320412', '#5c5a34'], // 武进区
  ['320413', '#3e5f3c'], // 金坛区
  ['320481', '#6a4437'], // 溧阳市
];

export const netTiles = (): string[] => [`${window.location.origin}/api/tiles/{z}/{x}/{y}.pbf`];

const netSource = (): SourceSpecification => ({
  type: 'vector',
  tiles: netTiles(),
  minzoom: 0,
  maxzoom: NET_TILE_MAXZOOM,
  // Areas keyed by their code, so the choropleth colours them by feature-state (netmap/choropleth.ts).
  promoteId: 'code',
  attribution: '街道/社区/网格边界为合成数据（synthetic）',
});

/** Our net layers; `overBasemap` keeps fills fainter so a real basemap shows through. */
export function netLayers(overBasemap: boolean): LayerSpecification[] {
  const fill = overBasemap ? 0.18 : 0.42;
  const districtColor: unknown = ['match', ['get', 'code'], ...DISTRICT_FILL.flat(), '#3a4a5e'];
  return [
    {
      id: 'district-fill',
      type: 'fill',
      source: NET_SOURCE,
      'source-layer': 'district',
      paint: {
        'fill-color': districtColor as never,
        'fill-opacity': ['interpolate', ['linear'], ['zoom'], 8, fill, 13, fill * 0.45],
      },
    },
    {
      id: 'grid-line',
      type: 'line',
      source: NET_SOURCE,
      'source-layer': 'grid',
      minzoom: 11.5,
      paint: {
        'line-color': '#5fb6c9',
        'line-opacity': ['interpolate', ['linear'], ['zoom'], 11.5, 0, 12.5, 0.35, 15, 0.6],
        'line-width': ['interpolate', ['linear'], ['zoom'], 12, 0.5, 16, 1.2],
      },
    },
    {
      id: 'community-line',
      type: 'line',
      source: NET_SOURCE,
      'source-layer': 'community',
      minzoom: 10,
      paint: {
        'line-color': '#8fb3d9',
        'line-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0, 11, 0.45, 14, 0.7],
        'line-width': ['interpolate', ['linear'], ['zoom'], 10.5, 0.6, 15, 1.6],
        'line-dasharray': [3, 2],
      },
    },
    {
      id: 'street-line',
      type: 'line',
      source: NET_SOURCE,
      'source-layer': 'street',
      paint: {
        'line-color': '#a9c4e6',
        'line-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0.35, 11, 0.7],
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.6, 12, 1.4, 16, 2.4],
      },
    },
    {
      id: 'district-line',
      type: 'line',
      source: NET_SOURCE,
      'source-layer': 'district',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': '#d6e6ff',
        'line-opacity': 0.9,
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.6, 12, 3, 16, 4],
      },
    },
  ];
}

/** The net's own layers: what the 网格 switch shows and hides (map/netVisibility.ts). */
export const NET_LAYER_IDS = netLayers(false).map((l) => l.id);

const isStyleUrl = (url: string): boolean => !url.includes('{z}');

/** The style the map starts with: dark background (or the configured basemap) plus the net. */
export function initialStyle(): StyleSpecification | string {
  if (BASEMAP && isStyleUrl(BASEMAP)) return BASEMAP; // net added on style.load (see addNetToStyle)
  const sources: Record<string, SourceSpecification> = { [NET_SOURCE]: netSource() };
  const layers: LayerSpecification[] = [{ id: 'background', type: 'background', paint: { 'background-color': '#0a1220' } }];
  if (BASEMAP) {
    sources.basemap = { type: 'raster', tiles: [BASEMAP], tileSize: 256 };
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-brightness-max': 0.55, 'raster-saturation': -0.5 } });
  }
  return { version: 8, sources, layers: [...layers, ...netLayers(Boolean(BASEMAP))] };
}

/** For a MapLibre style URL basemap: put our net on top of whatever it draws. */
export function needsNetAdded(): boolean {
  return Boolean(BASEMAP) && isStyleUrl(BASEMAP);
}

export function addNetToStyle(map: import('maplibre-gl').Map): void {
  if (map.getSource(NET_SOURCE)) return;
  map.addSource(NET_SOURCE, netSource());
  for (const layer of netLayers(true)) map.addLayer(layer);
}
