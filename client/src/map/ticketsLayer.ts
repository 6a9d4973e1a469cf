// The day's tickets as dots, straight from the typed arrays of TicketBuffer: the finished
// ones small and muted underneath, the open ones (by light, outlined) on top. Each layer
// reads the same positions; the other's slots are transparent in its colours.
import { ScatterplotLayer } from '@deck.gl/layers';
import { uiScale } from '../layout/scale.ts';
import type { TicketBuffer } from '../live/ticketBuffer.ts';

export function doneTicketsLayer(buf: TicketBuffer, version: number): ScatterplotLayer {
  return new ScatterplotLayer({
    id: 'tickets-done',
    // A new wrapper per version tells deck.gl to take the buffers again; no per-ticket JS runs.
    data: {
      length: buf.count,
      attributes: {
        getPosition: { value: buf.positions, size: 2 },
        getFillColor: { value: buf.doneFill, size: 4, normalized: true },
      },
    },
    radiusUnits: 'meters',
    getRadius: 60,
    radiusMinPixels: 2 * uiScale(),
    radiusMaxPixels: 5 * uiScale(),
    stroked: false,
    pickable: false,
    updateTriggers: { getPosition: version, getFillColor: version },
  });
}

export function openTicketsLayer(buf: TicketBuffer, version: number): ScatterplotLayer {
  return new ScatterplotLayer({
    id: 'tickets-open',
    data: {
      length: buf.count,
      attributes: {
        getPosition: { value: buf.positions, size: 2 },
        getFillColor: { value: buf.openFill, size: 4, normalized: true },
        getLineColor: { value: buf.openLine, size: 4, normalized: true },
      },
    },
    // Metres with pixel bounds: small at city zoom so a busy day's centre stays readable,
    // bigger when the dispatcher is down at street level.
    radiusUnits: 'meters',
    getRadius: 90,
    radiusMinPixels: 3 * uiScale(),
    radiusMaxPixels: 7 * uiScale(),
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 0.75 * uiScale(),
    pickable: false,
    updateTriggers: { getPosition: version, getFillColor: version, getLineColor: version },
  });
}
