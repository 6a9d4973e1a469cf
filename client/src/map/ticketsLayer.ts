// Today's tickets as dots, straight from the typed arrays of TicketBuffer.
import { ScatterplotLayer } from '@deck.gl/layers';
import type { TicketBuffer } from '../live/ticketBuffer.ts';

export function ticketsLayer(buf: TicketBuffer, version: number): ScatterplotLayer {
  return new ScatterplotLayer({
    id: 'tickets',
    // A new wrapper per version tells deck.gl to take the buffers again; no per-ticket JS runs.
    data: {
      length: buf.count,
      attributes: {
        getPosition: { value: buf.positions, size: 2 },
        getFillColor: { value: buf.colors, size: 4, normalized: true },
      },
    },
    // Metres with pixel bounds: small at city zoom so a busy day's centre stays readable,
    // bigger when the dispatcher is down at street level.
    radiusUnits: 'meters',
    getRadius: 90,
    radiusMinPixels: 3,
    radiusMaxPixels: 7,
    stroked: true,
    getLineColor: [10, 18, 32, 200],
    lineWidthUnits: 'pixels',
    getLineWidth: 0.75,
    pickable: false,
    updateTriggers: { getPosition: version, getFillColor: version },
  });
}
