// A soft red glow that breathes (2.4 s a breath) under each overdue open ticket, so what is
// late is seen from across the room without anything flashing. Only the layer's uniforms
// (scale, pixel bounds, opacity) move from frame to frame; its positions change with the buffer.
import { ScatterplotLayer } from '@deck.gl/layers';
import { uiScale } from '../layout/scale.ts';
import { LIGHT_RGB, OPEN_LINE } from '../live/statusColors.ts';

export const OVERDUE_BREATH_MS = 2400;

export interface OverdueData {
  length: number;
  attributes: { getPosition: { value: Float32Array; size: 2 } };
}

export function overdueLayer(data: OverdueData, now: number): ScatterplotLayer {
  const s = 0.5 - 0.5 * Math.cos((2 * Math.PI * (now % OVERDUE_BREATH_MS)) / OVERDUE_BREATH_MS); // 0 → 1 → 0
  // As big as the open dot it sits under (90 m, 3–7 px: ticketsLayer.ts) times k: a rim that
  // swells and fades round the dot, never a blot over its neighbours.
  const k = 1.7 + 0.8 * s;
  return new ScatterplotLayer({
    id: 'tickets-overdue-halo',
    data,
    radiusUnits: 'meters',
    getRadius: 90,
    radiusScale: k,
    radiusMinPixels: 3 * k * uiScale(),
    radiusMaxPixels: 7 * k * uiScale(),
    filled: true,
    getFillColor: [255, 84, 84, 255],
    stroked: false,
    opacity: 0.12 + 0.18 * s,
    pickable: false,
  });
}

/** The overdue dots once more, over all other open ones: where dots overlap, the late one shows. */
export function overdueDotsLayer(data: OverdueData, version: number): ScatterplotLayer {
  return new ScatterplotLayer({
    id: 'tickets-overdue',
    data,
    radiusUnits: 'meters',
    getRadius: 90,
    radiusMinPixels: 3 * uiScale(),
    radiusMaxPixels: 7 * uiScale(),
    getFillColor: [...LIGHT_RGB.red, 235],
    stroked: true,
    getLineColor: [...OPEN_LINE],
    lineWidthUnits: 'pixels',
    getLineWidth: 0.75 * uiScale(),
    pickable: false,
    updateTriggers: { getPosition: version },
  });
}

/** 督办: a gold ring round each open ticket given one, drawn over every dot, steady (no
 * pulse: what is under 督办 stays marked, it is not news). Twice the dot's size, so it reads
 * at city zoom on a wall without hiding the dot's light inside it. */
export const SUPERVISED_RGB = [255, 196, 61] as const;

export function supervisedLayer(data: OverdueData, version: number): ScatterplotLayer {
  return new ScatterplotLayer({
    id: 'tickets-supervised',
    data,
    radiusUnits: 'meters',
    getRadius: 180,
    radiusMinPixels: 6 * uiScale(),
    radiusMaxPixels: 12 * uiScale(),
    filled: false,
    stroked: true,
    getLineColor: [...SUPERVISED_RGB, 240],
    lineWidthUnits: 'pixels',
    getLineWidth: 2 * uiScale(),
    pickable: false,
    updateTriggers: { getPosition: version },
  });
}
