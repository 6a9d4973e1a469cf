// A small map of the open ticket: the product's own net (map/baseStyle.ts, read-only) with
// the ticket's grid outlined (GET /api/grids?parent=<community>) and the ticket as a dot in
// its light's colour. One MapLibre map for the console's life, moved from ticket to ticket.
// Loaded on demand, so the console's lists come up before MapLibre is fetched.
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, VectorTileSource } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { renew } from '../auth/session.ts';
import { addNetToStyle, initialStyle, needsNetAdded, NET_SOURCE, netTiles } from '../map/baseStyle.ts';
import { fetchGrids } from './api.ts';
import { LIGHT_COLOR } from './labels.ts';
import { consoleHandle } from './testHandle.ts';
import type { GridGeometry, Light } from './types.ts';

maplibregl.setWorkerUrl(workerUrl);

const FRAME = { padding: 20, maxZoom: 16.5, duration: 0 } as const;
const EMPTY: GridGeometry = { type: 'FeatureCollection', features: [] };
const gridsByCommunity = new Map<string, Promise<GridGeometry>>();

function gridsOf(community: string): Promise<GridGeometry> {
  let p = gridsByCommunity.get(community);
  if (!p) {
    p = fetchGrids(community).catch(() => {
      gridsByCommunity.delete(community); // try again next time
      return EMPTY;
    });
    gridsByCommunity.set(community, p);
  }
  return p;
}

/** The bounding box of a grid's outline and a point. */
function bboxOf(geometry: GridGeometry['features'][number]['geometry'], [x, y]: [number, number]): [number, number, number, number] {
  let w = x, s = y, e = x, n = y;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const ring of polygons.map((p) => p[0]!)) {
    for (const [px, py] of ring) {
      if (px! < w) w = px!;
      if (px! > e) e = px!;
      if (py! < s) s = py!;
      if (py! > n) n = py!;
    }
  }
  return [w, s, e, n];
}

export interface TicketMapProps {
  id: string;
  lon: number;
  lat: number;
  light: Light | null;
  grid: string;
  community: string | undefined;
}

export default function TicketMap({ id, lon, lat, light, grid, community }: TicketMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [loaded, setLoaded] = useState(false);
  /** What the map frames (the ticket's grid), kept so a resized map frames it again. */
  const framed = useRef<maplibregl.LngLatBoundsLike | null>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const map = new maplibregl.Map({
      container: el,
      style: initialStyle(),
      center: [lon, lat],
      zoom: 15,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      maxPitch: 0,
      minZoom: 8,
      maxZoom: 18,
      fadeDuration: 0,
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    mapRef.current = map;
    const handle = consoleHandle();
    handle.map = map;
    map.on('style.load', () => {
      if (needsNetAdded()) addNetToStyle(map);
    });
    map.on('load', () => {
      // The wall's street and district borders are drawn for a city view; at a grid's scale
      // they would outshine the ticket's own grid, so this map quietens them.
      for (const id of ['street-line', 'district-line']) if (map.getLayer(id)) map.setPaintProperty(id, 'line-opacity', 0.35);
      map.addSource('cs-grids', { type: 'geojson', data: EMPTY });
      map.addSource('cs-ticket', { type: 'geojson', data: EMPTY });
      map.addLayer({ id: 'cs-grid-fill', type: 'fill', source: 'cs-grids', filter: ['==', ['get', 'code'], ''], paint: { 'fill-color': '#78f0ff', 'fill-opacity': 0.16 } });
      map.addLayer({ id: 'cs-grid-line', type: 'line', source: 'cs-grids', paint: { 'line-color': '#5fb6c9', 'line-opacity': 0.55, 'line-width': 1 } });
      map.addLayer({ id: 'cs-grid-own', type: 'line', source: 'cs-grids', filter: ['==', ['get', 'code'], ''], paint: { 'line-color': '#78f0ff', 'line-width': 3 } });
      map.addLayer({ id: 'cs-ticket-halo', type: 'circle', source: 'cs-ticket', paint: { 'circle-radius': 16, 'circle-color': ['get', 'color'], 'circle-opacity': 0.25 } });
      map.addLayer({
        id: 'cs-ticket-dot', type: 'circle', source: 'cs-ticket',
        paint: { 'circle-radius': 7, 'circle-color': ['get', 'color'], 'circle-stroke-color': '#0a1220', 'circle-stroke-width': 2 },
      });
      setLoaded(true);
    });
    map.on('resize', () => {
      if (framed.current) map.fitBounds(framed.current, FRAME);
    });
    // Tiles carry the session cookie; after it expires they answer 401: renew, then refetch.
    let renewing = false;
    map.on('error', (ev) => {
      const status = (ev.error as { status?: number } | undefined)?.status;
      if (status !== 401 || renewing) return;
      renewing = true;
      void renew().then(() => {
        renewing = false;
        (map.getSource(NET_SOURCE) as VectorTileSource | undefined)?.setTiles(netTiles());
      });
    });
    return () => {
      handle.map = null;
      handle.mapIdle = false;
      mapRef.current = null;
      map.remove();
    };
    // The map is made once; the effects below move it.
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const handle = consoleHandle();
    handle.mapIdle = false;
    handle.mapTicket = id;
    const color = light ? LIGHT_COLOR[light] : '#93a7c2';
    (map.getSource('cs-ticket') as GeoJSONSource).setData({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { color } });
    framed.current = null;
    map.jumpTo({ center: [lon, lat], zoom: 15 });
    for (const layer of ['cs-grid-fill', 'cs-grid-own']) map.setFilter(layer, ['==', ['get', 'code'], grid]);
    let gone = false;
    const settle = (): void => {
      map.once('idle', () => {
        if (!gone) handle.mapIdle = true;
      });
    };
    if (community) {
      void gridsOf(community).then((g) => {
        if (gone) return;
        (map.getSource('cs-grids') as GeoJSONSource).setData(g);
        // Frame the ticket's grid (with the ticket in it), whatever the map's size.
        const own = g.features.find((f) => f.properties.code === grid);
        if (own) {
          const [w, s, e, n] = bboxOf(own.geometry, [lon, lat]);
          framed.current = [[w, s], [e, n]];
          map.fitBounds(framed.current, FRAME);
        }
        settle();
      });
    } else settle();
    return () => {
      gone = true;
    };
  }, [id, lon, lat, light, grid, community, loaded]);

  return <div ref={container} className="cs-map" data-testid="ticket-map" />;
}
