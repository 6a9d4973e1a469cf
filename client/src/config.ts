// Deployment constants for this wall. Its area is the signed-in account's scope.
import type { BBox } from './types.ts';

// The city's code is defined once, with the other code rules, in server/net/codes.ts.
export { CITY_CODE } from '../../server/net/codes.ts';
/** Used before /api/meta answers, so the first frame already shows the whole city. */
export const CITY_BBOX: BBox = [119.136, 31.155, 120.201, 32.063];
export const FEED_CAP = 50;
/** How often the header counts are re-read from the server (they also move on every ticket). */
export const STATS_REFRESH_MS = 60_000;
/** Deepest zoom the server's net tiles are cut at; MapLibre overzooms beyond it. */
export const NET_TILE_MAXZOOM = 16;
/** Optional basemap under the net: an XYZ raster template or a MapLibre style URL. */
export const BASEMAP: string = (import.meta.env.VITE_BASEMAP as string | undefined) ?? '';
