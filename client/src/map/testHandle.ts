// window.__wall: what the end-to-end tests (and a curious operator) can read.
import type { Map as MlMap } from 'maplibre-gl';
import type { WorkerSlot } from '../live/workers.ts';
import type { Account } from '../types.ts';

/** The live grid phones (live/workers.ts): frames taken and refused, and the JS time of the
 * last one, ms, from performance marks: decode, apply (into the store), layers (store →
 * deck.gl props; deck.gl uploads the buffers in its next animation frame). */
export interface WorkersHandle {
  frames: number;
  refused: number;
  /** Deltas whose seq skipped one (a volatile frame lost on the way). */
  gaps: number;
  devices: number;
  last: { decodeMs: number; applyMs: number; layersMs: number; totalMs: number; count: number; snapshot: boolean } | null;
  /** Feeds a frame down the socket's own path; false when refused. */
  feed: (bytes: ArrayBuffer) => boolean;
  slot: (index: number) => WorkerSlot | null;
  /** The clicked device's index, -1 for none. */
  picked: () => number;
}

export interface WallHandle {
  map: MlMap | null;
  /** Map loaded and today's tickets synced once. */
  ready: boolean;
  /** The map went idle with the net's vector tiles loaded and drawn. */
  gridsDrawn: boolean;
  /** performance.now() when gridsDrawn became true. */
  firstRenderMs: number;
  /** [lon, lat] → [x, y] CSS pixels in the page. */
  project: (lonLat: [number, number]) => [number, number];
  updateMs: { last: number; mean: number; count: number };
  /** Who the wall is signed in as. */
  account: Account | null;
  /** Ids of the tickets on the map (today's, inside the account's scope). */
  ticketIds: () => string[];
  /** The last load of the day's dots: how many, their bytes, and the JS time to fetch (round
   * trip and body), decode and apply them (into the buffer and the store), ms. */
  dayDots: { count: number; bytes: number; fetchMs: number; decodeMs: number; applyMs: number } | null;
  workers: WorkersHandle;
  /** deck.gl's own timer of its last animation frame, ms (layer updates, buffer uploads, draw
   * calls): where the buffers a frame rewrote reach the GPU. NaN before deck.gl runs. */
  deckFrameMs: () => number;
}

declare global {
  interface Window {
    __wall: WallHandle;
  }
}

export function wallHandle(): WallHandle {
  if (!window.__wall) {
    window.__wall = {
      map: null,
      ready: false,
      gridsDrawn: false,
      firstRenderMs: 0,
      project: () => [NaN, NaN],
      updateMs: { last: 0, mean: 0, count: 0 },
      account: null,
      ticketIds: () => [],
      dayDots: null,
      deckFrameMs: () => NaN,
      workers: { frames: 0, refused: 0, gaps: 0, devices: 0, last: null, feed: () => false, slot: () => null, picked: () => -1 },
    };
  }
  return window.__wall;
}
