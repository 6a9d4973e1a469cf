// The map: MapLibre draws the net, deck.gl (overlaid, not interleaved) draws our data.
import type { PickingInfo } from '@deck.gl/core';
import { MapboxOverlay } from '@deck.gl/mapbox';
import * as maplibregl from 'maplibre-gl';
import type { VectorTileSource } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import { renew } from '../auth/session.ts';
import { pickWorker } from '../live/workers.ts';
import { CITY_BBOX, CITY_CODE } from '../config.ts';
import { bindFollow } from '../patrol/follow.ts';
import { clearSelection, selectAt } from '../selection.ts';
import { getState, subscribe } from '../store.ts';
import { addNetToStyle, initialStyle, needsNetAdded, NET_SOURCE, netTiles } from './baseStyle.ts';
import { framedZoom, framePadding, setCameraMap } from './camera.ts';
import { bindDeckLayers } from './deckLayers.ts';
import { bindScopeMask } from './scopeMask.ts';
import { bindNetVisibility } from './netVisibility.ts';
import { wallHandle } from './testHandle.ts';
import { WORKERS_LAYER_ID } from './workersLayer.ts';
import { layerProviders, providerOfLayer } from './layerRegistry.ts';
import { bindChoropleth, childAt } from './choropleth.ts';
import { drillTo } from '../netmap/figures.ts';
import { getView } from '../view.ts';
import { locate } from '../api.ts';

/** A grid inside the area the view is drilled into: drill to it (the view follows); any
 * other (a neighbour's, one outside the scope): only its panel. */
async function selectGridAt(lon: number, lat: number): Promise<void> {
  const area = getView().area;
  const found = await locate(lon, lat).catch(() => null);
  const code = found?.grid?.code;
  if (code && area && code.startsWith(area === CITY_CODE ? '' : area)) return drillTo(code);
  return selectAt(lon, lat);
}

// Bundled, the library cannot find its worker next to itself: tell it where Vite put it.
maplibregl.setWorkerUrl(workerUrl);
// Start the tile workers now, while React and the panels are still being set up.
maplibregl.prewarm();

/** From this zoom a click picks the grid under the pointer, not the view's next level. */
const GRID_CLICK_ZOOM = 13.5;

export function MapView() {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    performance.mark('wall:map-create');
    // The account's scope when it is known already, else the city until it is.
    const start = getState().scope?.bbox;
    const [w, s, e, n] = start ?? getState().meta?.city.bbox ?? CITY_BBOX;
    const map = new maplibregl.Map({
      container: el,
      style: initialStyle(),
      bounds: [
        [w, s],
        [e, n],
      ],
      fitBoundsOptions: { padding: framePadding(false) },
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      maxPitch: 0,
      minZoom: 6,
      maxZoom: 18,
      fadeDuration: 0,
    });
    performance.mark('wall:map-created');
    map.touchZoomRotate.disableRotation();
    setCameraMap(map);
    const unbindFollow = bindFollow(map);
    const unbindNet = bindNetVisibility(map);

    const handle = wallHandle();
    handle.map = map;
    handle.project = ([lon, lat]) => {
      const p = map.project([lon, lat]);
      const r = map.getCanvas().getBoundingClientRect();
      return [r.left + p.x, r.top + p.y];
    };

    // deck.gl gets its own WebGL context; creating it (and compiling its shaders) while
    // MapLibre draws the first frame only slows both. The net comes first, our data right after.
    let unbindLayers: (() => void) | null = null;
    let overlay: MapboxOverlay | null = null;
    const startDeck = (): void => {
      if (overlay) return;
      overlay = new MapboxOverlay({ interleaved: false, layers: [] });
      map.addControl(overlay);
      // luma.gl's AnimationLoop times each of deck.gl's frames ('CPU Time'); deck.gl 9.4 keeps
      // the loop to itself, so this reaches in. Read only by the measurements: NaN if it moves.
      const deck = (overlay as unknown as { _deck?: { animationLoop?: { stats?: { get(name: string): { lastTiming: number } } } } })._deck;
      handle.deckFrameMs = () => deck?.animationLoop?.stats?.get('CPU Time').lastTiming ?? NaN;
      unbindLayers = bindDeckLayers(map, overlay);
    };
    let deckFallback: ReturnType<typeof setTimeout> | undefined;
    map.once('render', () => performance.mark('wall:first-render'));
    map.once('data', () => performance.mark('wall:first-data'));
    map.on('style.load', () => {
      performance.mark('wall:style-load');
      if (needsNetAdded()) addNetToStyle(map);
    });
    let unbindScope: (() => void) | null = null;
    let unbindChoropleth: (() => void) | null = null;
    map.on('load', () => {
      performance.mark('wall:map-load');
      unbindScope = bindScopeMask(map);
      unbindChoropleth = bindChoropleth(map);
      deckFallback = setTimeout(startDeck, 5000); // if the net never reports drawn (server down)
    });

    // gridsDrawn: the first idle after the net's tiles are in and drawn.
    const onIdle = (): void => {
      if (handle.gridsDrawn || !map.getSource(NET_SOURCE) || !map.isSourceLoaded(NET_SOURCE)) return;
      // The district fill covers the whole city, so it is drawn whatever the scope frames.
      if (map.queryRenderedFeatures({ layers: ['district-fill'] }).length === 0) return;
      performance.mark('wall:grids-drawn');
      handle.firstRenderMs = performance.now();
      handle.gridsDrawn = true;
      map.off('idle', onIdle);
      startDeck();
    };
    map.on('idle', onIdle);

    // When the scope's bbox arrives from /api/areas/:code, frame it (once).
    let framed = start !== undefined;
    const unsubscribe = subscribe(() => {
      const scope = getState().scope;
      if (framed || !scope) return;
      framed = true;
      const [w2, s2, e2, n2] = scope.bbox;
      map.fitBounds(
        [
          [w2, s2],
          [e2, n2],
        ],
        { padding: framePadding(false), duration: 0 },
      );
    });

    // A grid phone or a registered layer's object (a camera, a component…) under the pointer
    // is what a click meant (its panel reads the pick); anywhere else, the grid there.
    map.on('click', (ev) => {
      let hit: PickingInfo | null = null;
      const layerIds = [WORKERS_LAYER_ID, ...layerProviders().flatMap((p) => p.pickable?.() ?? [])];
      try {
        hit = overlay?.pickObject({ x: ev.point.x, y: ev.point.y, radius: 5, layerIds }) ?? null;
      } catch (e) {
        console.warn('pick', e); // deck.gl not ready yet: the click goes to the grid
      }
      const owner = hit?.layer ? providerOfLayer(hit.layer.id) : undefined;
      if (hit && hit.index >= 0 && owner?.onPick) {
        pickWorker(-1);
        owner.onPick(hit);
        return;
      }
      if (hit && hit.index >= 0 && hit.layer?.id === WORKERS_LAYER_ID) {
        clearSelection(); // the worker's panel takes the grid panel's place
        pickWorker(hit.index);
        return;
      }
      pickWorker(-1);
      // Zoomed in by hand among the grids (well past the area the wall framed), a click means
      // the grid under it (its panel, as a dispatcher expects); otherwise a coloured child of
      // the view's area: drill down one level (a grid: select it).
      const byHand = map.getZoom() >= Math.max(GRID_CLICK_ZOOM, framedZoom() + 1.5);
      if (byHand) return void selectGridAt(ev.lngLat.lng, ev.lngLat.lat);
      const child = childAt(map, ev.point);
      // A grid goes through the locator first (a request: an ended session shows the sign-in
      // form before anything moves); areas above drill at once.
      if (child) return void (child.length === 15 ? selectGridAt(ev.lngLat.lng, ev.lngLat.lat) : drillTo(child));
      void selectAt(ev.lngLat.lng, ev.lngLat.lat);
    });

    // Tiles are fetched with the session cookie; once it has expired they answer 401.
    // Renew the session (as every API request does), then fetch the missing tiles again.
    let renewingTiles = false;
    map.on('error', (ev) => {
      const status = (ev.error as { status?: number } | undefined)?.status;
      if (status !== 401 || renewingTiles) return;
      renewingTiles = true;
      void renew().then(() => {
        renewingTiles = false;
        (map.getSource(NET_SOURCE) as VectorTileSource | undefined)?.setTiles(netTiles());
      });
    });

    return () => {
      unsubscribe();
      unbindFollow();
      unbindNet();
      clearTimeout(deckFallback);
      unbindLayers?.();
      unbindScope?.();
      unbindChoropleth?.();
      setCameraMap(null);
      handle.map = null;
      map.remove();
    };
  }, []);

  return <div ref={container} className="map" data-testid="map" />;
}
