// Vector tiles of the net for the wall's base map: one geojson-vt index per level
// (it simplifies per zoom and clips to tiles), encoded to MVT with vt-pbf on request
// and kept in a small LRU. The whole city's 6,300 grids are drawn from a few tiles.
// geojson-vt also keeps the intermediate tiles it splits on demand: memory grows with the
// area browsed, bounded by the city's extent at z16 (a few tens of MB at most).
import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';
import type { Net } from '../net/types.ts';

const LEVELS = ['district', 'street', 'community', 'grid'] as const;
/** Below these zooms a level is left out of the tile: the wall draws community lines from
 * z10 and grid lines from z11.5 (client/src/map/baseStyle.ts), so nothing unseen is sent. */
const MIN_ZOOM: Record<(typeof LEVELS)[number], number> = { district: 0, street: 0, community: 10, grid: 11 };
export const TILE_MAX_ZOOM = 16;

export interface NetTiles {
  tile(z: number, x: number, y: number): Buffer | null;
}

export function createNetTiles(net: Net, cacheSize = 512): NetTiles {
  const indexes = LEVELS.map((level) => ({
    level,
    vt: new GeoJSONVT(net.features[level], { maxZoom: TILE_MAX_ZOOM, indexMaxZoom: 6, tolerance: 2, buffer: 32 }),
  }));
  const cache = new Map<string, Buffer | null>();

  return {
    tile(z, x, y) {
      const key = `${z}/${x}/${y}`;
      if (cache.has(key)) {
        const hit = cache.get(key)!;
        cache.delete(key);
        cache.set(key, hit);
        return hit;
      }
      const layers: Record<string, { features: unknown[] }> = {};
      for (const { level, vt } of indexes) {
        if (z < MIN_ZOOM[level]) continue;
        const t = vt.getTile(z, x, y);
        if (t && t.features.length) layers[level] = t;
      }
      const buf = Object.keys(layers).length ? Buffer.from(vtpbf.fromGeojsonVt(layers, { version: 2 })) : null;
      cache.set(key, buf);
      if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
      return buf;
    },
  };
}
