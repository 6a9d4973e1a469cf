// The day's tickets on the map, legible at any volume (the rule: ticketDensity.ts). Below
// the grid phones: the finished tickets as dots, or at city zoom on a busy day everything
// not needing attention as hexagons (deck.gl's GPU aggregation: one pass on the GPU, no
// per-ticket JS). Above them: the overdue halo, the open dots, the overdue dots on top.
// Layers are rebuilt only when the buffer's version, the threshold or the halo changes.
import { HexagonLayer } from '@deck.gl/aggregation-layers';
import type { Layer } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { TicketBuffer } from '../live/ticketBuffer.ts';
import { uiScale } from '../layout/scale.ts';
import { dotThreshold, haloBreathes } from './ticketDensity.ts';
import { overdueDotsLayer, overdueLayer, supervisedLayer, type OverdueData } from './overdueLayer.ts';
import { doneTicketsLayer, openTicketsLayer } from './ticketsLayer.ts';

/** Muted blues, dark to light: volume as a calm texture the lights stand out of. */
const HEX_RANGE: [number, number, number][] = [
  [44, 68, 98],
  [56, 86, 120],
  [70, 106, 142],
  [88, 128, 164],
  [110, 152, 186],
  [138, 180, 208],
];
/** Hexagons about a community across (600 m), legible at city zoom. */
const HEX_RADIUS_M = 600;

export function hexTicketsLayer(rest: { length: number; positions: Float32Array }, version: number): HexagonLayer {
  return new HexagonLayer({
    id: 'tickets-hex',
    data: { length: rest.length, attributes: { getPosition: { value: rest.positions, size: 3 } } } as never,
    radius: HEX_RADIUS_M,
    coverage: 0.86,
    extruded: false,
    gpuAggregation: true,
    colorRange: HEX_RANGE,
    colorScaleType: 'quantize',
    opacity: 0.72,
    pickable: false,
    updateTriggers: { getPosition: version },
  });
}

/** The dots the city view keeps (ticketBuffer.ts split): open ones by light, outlined. */
function attentionLayer(dots: { length: number; positions: Float32Array; fill: Uint8Array; line: Uint8Array }, version: number): ScatterplotLayer {
  const k = uiScale();
  return new ScatterplotLayer({
    id: 'tickets-open',
    data: {
      length: dots.length,
      attributes: {
        getPosition: { value: dots.positions, size: 2 },
        getFillColor: { value: dots.fill, size: 4, normalized: true },
        getLineColor: { value: dots.line, size: 4, normalized: true },
      },
    },
    radiusUnits: 'meters',
    getRadius: 90,
    radiusMinPixels: 3 * k,
    radiusMaxPixels: 7 * k,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 0.75 * k,
    pickable: false,
    updateTriggers: { getPosition: version, getFillColor: version, getLineColor: version },
  });
}

export interface TicketLayers {
  /** Under the grid phones. */
  below: Layer[];
  /** Over the phones and tracks. */
  above: Layer[];
  /** The halo breathes: the caller animates. */
  breathing: boolean;
}

/** A composer holding the last layers built, so a redraw with nothing new rebuilds nothing. */
export function ticketLayerComposer(): (buf: TicketBuffer, zoom: number, now: number) => TicketLayers {
  let built: { version: number; threshold: number | null; below: Layer[]; open: Layer; late: Layer; marks: Layer; overdue: OverdueData } | null = null;
  return (buf, zoom, now) => {
    const threshold = dotThreshold(zoom, buf.tally());
    if (built?.version !== buf.version || built.threshold !== threshold) {
      const late = buf.overdue();
      const overdue: OverdueData = { length: late.count, attributes: { getPosition: { value: late.positions, size: 2 } } };
      const sup = buf.supervisedOpen();
      const marks = supervisedLayer({ length: sup.count, attributes: { getPosition: { value: sup.positions, size: 2 } } }, buf.version);
      if (threshold === null) {
        built = { version: buf.version, threshold, below: [doneTicketsLayer(buf, buf.version)], open: openTicketsLayer(buf, buf.version), late: overdueDotsLayer(overdue, buf.version), marks, overdue };
      } else {
        const { dots, rest } = buf.split(threshold);
        built = { version: buf.version, threshold, below: [hexTicketsLayer(rest, buf.version)], open: attentionLayer(dots, buf.version), late: overdueDotsLayer(overdue, buf.version), marks, overdue };
      }
    }
    const breathing = haloBreathes(zoom, built.overdue.length);
    const above = breathing ? [overdueLayer(built.overdue, now), built.open, built.late, built.marks] : [built.open, built.late, built.marks];
    return { below: built.below, above, breathing };
  };
}
