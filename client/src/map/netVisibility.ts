// The 网格 layer switch: the net's lines (district, street, community and grid boundaries,
// baseStyle.ts) shown or hidden with the view's `net` layer, on start (a URL may have it off)
// and whenever it changes. The districts' fill stays: it is the land the data sits on (and
// MapView's first-render check looks for it). Only visibility changes: the tiles stay
// loaded, so switching back is instant.
import type { Map as MlMap } from 'maplibre-gl';
import { getView, subscribeView } from '../view.ts';
import { NET_LAYER_IDS } from './baseStyle.ts';

const LINES = NET_LAYER_IDS.filter((id) => id !== 'district-fill');

export function bindNetVisibility(map: MlMap): () => void {
  let shown: boolean | null = null;
  const apply = (): void => {
    const on = getView().layers.has('net');
    if (on === shown || !map.isStyleLoaded()) return;
    shown = on;
    for (const id of LINES) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  };
  const onStyle = (): void => {
    shown = null; // a new style brings the net back visible
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
