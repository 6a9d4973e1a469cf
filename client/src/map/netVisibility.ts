// The 网格 layer switch: the net's MapLibre layers (baseStyle.ts) shown or hidden with the
// view's `net` layer, on start (a URL may have it off) and whenever it changes. Only their
// visibility changes: the tiles stay loaded, so switching back is instant. The district
// fill is faded out rather than hidden: MapView's first-render check queries it, and a wall
// opened with the net off must still report its first render.
import type { Map as MlMap } from 'maplibre-gl';
import { getView, subscribeView } from '../view.ts';
import { NET_LAYER_IDS } from './baseStyle.ts';

const FILL = 'district-fill';

export function bindNetVisibility(map: MlMap): () => void {
  let shown: boolean | null = null;
  let fillOpacity: unknown;
  const apply = (): void => {
    const on = getView().layers.has('net');
    if (on === shown || !map.isStyleLoaded()) return;
    shown = on;
    for (const id of NET_LAYER_IDS) {
      if (!map.getLayer(id)) continue;
      if (id !== FILL) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
      else {
        fillOpacity ??= map.getPaintProperty(id, 'fill-opacity');
        map.setPaintProperty(id, 'fill-opacity', (on ? fillOpacity : 0) as number);
      }
    }
  };
  const onStyle = (): void => {
    shown = null; // a new style brings the net back visible
    fillOpacity = undefined;
    apply();
  };
  map.on('style.load', onStyle);
  map.on('load', apply);
  apply();
  const unsubscribe = subscribeView(apply);
  return () => {
    unsubscribe();
    map.off('style.load', onStyle);
    map.off('load', apply);
  };
}
