// A red ring that grows and fades around urgent news (live/tickets.ts isUrgentNews: a new
// ticket already late or under 督办, a ticket turning overdue), so it catches the eye.
import { ScatterplotLayer } from '@deck.gl/layers';
import { PULSE_DURATION_MS } from '../live/tickets.ts';
import { uiScale } from '../layout/scale.ts';
import type { Pulse } from '../store.ts';

export function pulseLayer(pulses: Pulse[], now: number): ScatterplotLayer<Pulse> {
  const phase = (p: Pulse): number => Math.min(1, Math.max(0, (now - p.t0) / PULSE_DURATION_MS));
  return new ScatterplotLayer<Pulse>({
    id: 'ticket-pulse',
    data: pulses,
    getPosition: (p) => [p.lon, p.lat],
    radiusUnits: 'pixels',
    getRadius: (p) => (6 + 30 * phase(p)) * uiScale(),
    stroked: true,
    filled: true,
    getFillColor: (p) => [255, 96, 84, Math.round(110 * (1 - phase(p)))],
    getLineColor: (p) => [255, 150, 130, Math.round(255 * (1 - phase(p)))],
    lineWidthUnits: 'pixels',
    getLineWidth: 3 * uiScale(),
    updateTriggers: { getRadius: now, getFillColor: now, getLineColor: now },
  });
}
