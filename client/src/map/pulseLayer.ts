// A ring that grows and fades around each ticket that just arrived, so new ones catch the eye.
import { ScatterplotLayer } from '@deck.gl/layers';
import { PULSE_DURATION_MS } from '../live/tickets.ts';
import type { Pulse } from '../store.ts';

export function pulseLayer(pulses: Pulse[], now: number): ScatterplotLayer<Pulse> {
  const phase = (p: Pulse): number => Math.min(1, Math.max(0, (now - p.t0) / PULSE_DURATION_MS));
  return new ScatterplotLayer<Pulse>({
    id: 'ticket-pulse',
    data: pulses,
    getPosition: (p) => [p.lon, p.lat],
    radiusUnits: 'pixels',
    getRadius: (p) => 6 + 30 * phase(p),
    stroked: true,
    filled: true,
    getFillColor: (p) => [255, 220, 120, Math.round(120 * (1 - phase(p)))],
    getLineColor: (p) => [255, 236, 170, Math.round(255 * (1 - phase(p)))],
    lineWidthUnits: 'pixels',
    getLineWidth: 3,
    updateTriggers: { getRadius: now, getFillColor: now, getLineColor: now },
  });
}
