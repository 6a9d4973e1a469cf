// The cameras on the map: a dot per camera coloured by its status (online, offline, fault),
// straight from the camera store's typed arrays as binary attributes — 20,000 with no
// per-camera JS. Colours re-upload alone when a `camera` event changes one (a new colour
// descriptor per colorVersion); positions never change. Registered once with the layer
// registry; drawn while the view's layers include 'cameras'. A click opens the camera.
import { uiScale } from '../layout/scale.ts';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { getCameras, loadCameras, openCamera, subscribeCameras, type CameraColumns } from '../city/cameras.ts';
import { getView, subscribeView } from '../view.ts';
import { registerLayers, shownAtZoom } from './layerRegistry.ts';

export const CAMERAS_LAYER_ID = 'cameras';

export function camerasLayer(c: CameraColumns): ScatterplotLayer {
  return new ScatterplotLayer({
    id: CAMERAS_LAYER_ID,
    data: {
      length: c.count,
      attributes: {
        getPosition: { value: c.positions, size: 2 },
        getFillColor: { value: c.fill, size: 4, normalized: true },
      },
    },
    // Metres with pixel bounds: specks at city zoom, clear dots at street level.
    radiusUnits: 'meters',
    getRadius: 30,
    radiusMinPixels: 1.6 * uiScale(),
    radiusMaxPixels: 8 * uiScale(),
    stroked: true,
    getLineColor: [10, 18, 32, 220],
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 255],
    updateTriggers: { getFillColor: c.colorVersion },
  });
}

let cached: { columns: CameraColumns; layer: ScatterplotLayer } | null = null;
const shown = () => getView().layers.has('cameras');

/** Registers the cameras layer; returns the unregister. */
export function registerCamerasLayer(): () => void {
  return registerLayers({
    id: 'cameras',
    z: 30,
    layers(): Layer[] {
      const c = getCameras().columns;
      if (!shown()) return [];
      if (!c) {
        void loadCameras();
        return [];
      }
      if (!shownAtZoom('cameras')) return [];
      if (cached?.columns !== c) cached = { columns: c, layer: camerasLayer(c) };
      return [cached.layer];
    },
    subscribe(redraw) {
      const a = subscribeCameras(redraw);
      const b = subscribeView(redraw);
      return () => {
        a();
        b();
      };
    },
    pickable: () => (shown() ? [CAMERAS_LAYER_ID] : []),
    onPick(info) {
      const c = getCameras().columns;
      if (c && info.index >= 0 && info.index < c.count) void openCamera(c.ids[info.index]);
    },
  });
}
