// 图层: the map's layers on and off, kept in the view (view.ts), so in the URL: a reload or a
// shared link shows the same layers. Built-in layers read the view themselves (deckLayers.ts
// for tickets and workers, map/netVisibility.ts for the net); a feature's own layers
// (heatmap, components, cameras, places) read getView().layers in their provider
// (layerRegistry.ts). The patrol coverage switch sits with them: it is a layer too.
import { CoverageToggle } from './CoveragePanel.tsx';
import { useSyncExternalStore } from 'react';
import { LAYERS, toggleLayer, useView, type LayerId } from '../view.ts';
import { LAYER_MIN_ZOOM, mapZoom, subscribeZoom } from '../map/layerRegistry.ts';

export const LAYER_NAME: Record<LayerId, string> = {
  net: '网格',
  tickets: '事件',
  workers: '网格员',
  heatmap: '热力',
  components: '部件',
  cameras: '视频',
  places: '场所',
};

export function LayerSwitcher() {
  const layers = useView((v) => v.layers);
  const zoom = useSyncExternalStore(subscribeZoom, mapZoom);
  return (
    <div className="layer-switcher" role="group" aria-label="图层" data-testid="layer-switcher" data-occludes>
      {LAYERS.map((id) => {
        const on = layers.has(id);
        const later = on && zoom < (LAYER_MIN_ZOOM[id] ?? 0); // on, drawn once zoomed in
        return (
          <button
            type="button"
            key={id}
            className={on ? 'layer-toggle layer-toggle-on' : 'layer-toggle'}
            data-testid={`layer-${id}`}
            aria-pressed={on}
            data-waiting={later || undefined}
            title={later ? '放大到街道后显示' : undefined}
            onClick={() => toggleLayer(id)}
          >
            {LAYER_NAME[id]}
            {later && <small className="layer-later">放大显示</small>}
          </button>
        );
      })}
      <CoverageToggle />
    </div>
  );
}
