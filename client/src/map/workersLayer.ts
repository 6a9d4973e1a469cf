// The grid phones on the map, straight from the typed arrays of the workers store: a dot per
// device coloured by its status (online, on a task, offline dimmed), and behind it a short
// trail of where it just was, each dot fainter than the one after it. No per-device JS runs
// here: the layers take the store's buffers as binary attributes.
//
// What deck.gl uploads is decided by the identity of each attribute's descriptor object: a
// new one per store version for positions, a new one per colour version for colours (a status
// changed), so a frame of moves re-sends positions only. Each descriptor is a view of the
// first `count` slots, since deck.gl writes the whole typed array it is given and the store's
// arrays are allocated with room to grow.
import { ScatterplotLayer } from '@deck.gl/layers';
import { TRAIL, type WorkerPositions } from '../live/workers.ts';

/** The dots' layer id; a click picks from it (the trails' ids do not start with it). */
export const WORKERS_LAYER_ID = 'workers';

type Attribute = { value: Float32Array | Uint8Array; size: number; normalized?: boolean };
interface Colours {
  store: WorkerPositions;
  colorVersion: number;
  fill: Attribute;
  line: Attribute;
  trail: Attribute;
}
let colours: Colours | null = null;

function coloursOf(w: WorkerPositions): Colours {
  if (colours?.store !== w || colours.colorVersion !== w.colorVersion) {
    const n = w.count * 4;
    colours = {
      store: w,
      colorVersion: w.colorVersion,
      fill: { value: w.fill.subarray(0, n), size: 4, normalized: true },
      line: { value: w.line.subarray(0, n), size: 4, normalized: true },
      trail: { value: w.trailFill.subarray(0, n * TRAIL), size: 4, normalized: true },
    };
  }
  return colours;
}

export function workersLayer(w: WorkerPositions, picked: number): ScatterplotLayer {
  const c = coloursOf(w);
  return new ScatterplotLayer({
    id: WORKERS_LAYER_ID,
    data: {
      length: w.count,
      attributes: {
        getPosition: { value: w.positions.subarray(0, w.count * 2), size: 2 },
        getFillColor: c.fill,
        getLineColor: c.line,
      },
    },
    // Metres with pixel bounds: a speck at city zoom (8,500 of them must not hide the net),
    // a clear dot down at street level where a dispatcher picks one.
    radiusUnits: 'meters',
    getRadius: 45,
    radiusMinPixels: 2.2,
    radiusMaxPixels: 7,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    pickable: true,
    highlightedObjectIndex: picked,
    highlightColor: [255, 255, 255, 255],
    updateTriggers: { getPosition: w.version, getFillColor: w.colorVersion, getLineColor: w.colorVersion },
  });
}

export function workerTrailsLayer(w: WorkerPositions): ScatterplotLayer {
  return new ScatterplotLayer({
    id: 'worker-trails',
    data: {
      length: w.count * TRAIL,
      attributes: {
        getPosition: { value: w.trail.subarray(0, w.count * TRAIL * 2), size: 2 },
        getFillColor: coloursOf(w).trail,
      },
    },
    radiusUnits: 'meters',
    getRadius: 24,
    radiusMinPixels: 1,
    radiusMaxPixels: 3.5,
    stroked: false,
    pickable: false,
    updateTriggers: { getPosition: w.version, getFillColor: w.colorVersion },
  });
}
