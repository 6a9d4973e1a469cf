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
    };
  }
  return window.__wall;
}
