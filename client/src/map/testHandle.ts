// window.__wall: what the end-to-end tests (and a curious operator) can read.
import type { Map as MlMap } from 'maplibre-gl';
import type { Account } from '../types.ts';

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
    };
  }
  return window.__wall;
}
