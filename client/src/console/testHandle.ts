// window.__console: what the end-to-end tests can read (the detail map, once it is idle).
import type { Map as MlMap } from 'maplibre-gl';

export interface ConsoleHandle {
  map: MlMap | null;
  /** The map went idle with the open ticket drawn (and its grid, when known). */
  mapIdle: boolean;
  /** The ticket the map is centred on. */
  mapTicket: string | null;
}

declare global {
  interface Window {
    __console?: ConsoleHandle;
  }
}

export function consoleHandle(): ConsoleHandle {
  window.__console ??= { map: null, mapIdle: false, mapTicket: null };
  return window.__console;
}
