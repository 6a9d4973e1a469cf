// The selected grid: a bright outline and a faint fill over the net.
import { GeoJsonLayer } from '@deck.gl/layers';
import type { GridGeometry } from '../types.ts';

export function selectionLayer(geometry: GridGeometry): GeoJsonLayer {
  return new GeoJsonLayer({
    id: 'selected-grid',
    data: geometry,
    stroked: true,
    filled: true,
    getFillColor: [80, 220, 255, 45],
    getLineColor: [120, 240, 255, 255],
    lineWidthUnits: 'pixels',
    getLineWidth: 4,
    lineJointRounded: true,
    pickable: false,
  });
}
