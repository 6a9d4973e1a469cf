// The map: MapLibre draws the net, deck.gl (overlaid, not interleaved) draws our data.
import { MapboxOverlay } from '@deck.gl/mapbox';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import { CITY_BBOX } from '../config.ts';
import { selectAt } from '../selection.ts';
import { getState, subscribe } from '../store.ts';
import { addNetToStyle, initialStyle, needsNetAdded, NET_SOURCE } from './baseStyle.ts';
import { framePadding, setCameraMap } from './camera.ts';
import { bindDeckLayers } from './deckLayers.ts';
import { wallHandle } from './testHandle.ts';

// Bundled, the library cannot find its worker next to itself: tell it where Vite put it.
maplibregl.setWorkerUrl(workerUrl);
// Start the tile workers now, while React and the panels are still being set up.
maplibregl.prewarm();

export function MapView() {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    performance.mark('wall:map-create');
    const [w, s, e, n] = getState().meta?.city.bbox ?? CITY_BBOX;
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
      unbindLayers = bindDeckLayers(map, overlay);
    };
    let deckFallback: ReturnType<typeof setTimeout> | undefined;
    map.once('render', () => performance.mark('wall:first-render'));
    map.once('data', () => performance.mark('wall:first-data'));
    map.on('style.load', () => {
      performance.mark('wall:style-load');
      if (needsNetAdded()) addNetToStyle(map);
    });
    map.on('load', () => {
      performance.mark('wall:map-load');
      deckFallback = setTimeout(startDeck, 5000); // if the net never reports drawn (server down)
    });

    // gridsDrawn: the first idle after the net's tiles are in and drawn.
    const onIdle = (): void => {
      if (handle.gridsDrawn || !map.getSource(NET_SOURCE) || !map.isSourceLoaded(NET_SOURCE)) return;
      if (map.queryRenderedFeatures({ layers: ['district-line'] }).length === 0) return;
      performance.mark('wall:grids-drawn');
      handle.firstRenderMs = performance.now();
      handle.gridsDrawn = true;
      map.off('idle', onIdle);
      startDeck();
    };
    map.on('idle', onIdle);

    // When the city's bbox arrives from /api/meta, frame it (once, unless the user already moved).
    let framed = false;
    const unsubscribe = subscribe(() => {
      const meta = getState().meta;
      if (framed || !meta) return;
      framed = true;
      const [w2, s2, e2, n2] = meta.city.bbox;
      map.fitBounds(
        [
          [w2, s2],
          [e2, n2],
        ],
        { padding: framePadding(false), duration: 0 },
      );
    });

    map.on('click', (ev) => void selectAt(ev.lngLat.lng, ev.lngLat.lat));

    return () => {
      unsubscribe();
      clearTimeout(deckFallback);
      unbindLayers?.();
      setCameraMap(null);
      handle.map = null;
      map.remove();
    };
  }, []);

  return <div ref={container} className="map" data-testid="map" />;
}
