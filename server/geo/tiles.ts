// Vector tiles of the net for the wall's base map: one geojson-vt index per level
// (it simplifies per zoom and clips to tiles), encoded to MVT with vt-pbf on request
// and kept in a small LRU. The whole city's 6,300 grids are drawn from a few tiles.
//
// Memory is bounded by resetting, not by the city's extent. geojson-vt keeps every tile it
// splits on the way down to a requested one, and a split parent drops its source geometry,
// so no single tile can be evicted. Left alone, asking once for each of the 37,830 z16 tiles
// of the city's bbox left the four indexes holding 97,412 tiles, +196 MB of live heap (RSS
// 124 → 456 MB, 409 MB once idle). Instead each index is split to z10 at build (77 tiles
// with their source geometry, ~20 MB for all four levels) and, once it holds more than
// `maxTilesPerLevel` (4,096) tiles, is put back to that state: drilled tiles dropped, the
// z10 sources restored. A tile call that resets costs ~0.5 ms in all; rebuilding the four
// indexes from GeoJSON would cost ~95 ms. 4 × 4,096 drilled tiles are ~25 MB of heap; after
// the same sweep +15 MB is live (RSS 151 → 313 MB, 196 MB once idle).
// Figures: `npm run bench -- tiles`. The reset touches geojson-vt 5's internals (`tiles`,
// `source`, `total`); where they are not as expected it rebuilds instead.
// tests/geo.tiles.test.ts checks that tiles after a reset are byte-identical to a fresh index.
import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';
import type { Net } from '../net/types.ts';

const LEVELS = ['district', 'street', 'community', 'grid'] as const;
type TileLevel = (typeof LEVELS)[number];
/** Below these zooms a level is left out of the tile: the wall draws community lines from
 * z10 and grid lines from z11.5 (client/src/map/baseStyle.ts), so nothing unseen is sent. */
const MIN_ZOOM: Record<TileLevel, number> = { district: 0, street: 0, community: 10, grid: 11 };
export const TILE_MAX_ZOOM = 16;
/** Split every non-empty tile down to z10 at build, whatever its point count. */
const VT_OPTIONS = { maxZoom: TILE_MAX_ZOOM, indexMaxZoom: 10, indexMaxPoints: 0, tolerance: 2, buffer: 32 };

export interface NetTiles {
  tile(z: number, x: number, y: number): Buffer | null;
  /** Tiles the geojson-vt indexes hold now, all levels together (≤ 4 × maxTilesPerLevel). */
  heldTiles(): number;
}

/** What geojson-vt 5 keeps per index beyond its typed API. */
interface VtState {
  tiles: Record<number, { source: unknown }>;
  tileCoords: unknown[];
  total: number;
  stats: Record<string, number>;
}

interface LevelIndex {
  level: TileLevel;
  vt: GeoJSONVT;
  /** Back to the state it was built in. */
  reset(): void;
}

function levelIndex(net: Net, level: TileLevel): LevelIndex {
  const vt = new GeoJSONVT(net.features[level], VT_OPTIONS);
  const state = vt as unknown as VtState;
  const built = state.tiles && typeof state.tiles === 'object' ? Object.entries(state.tiles) : [];
  const restorable = built.length > 0 && built.length === state.tileCoords.length && state.total === built.length
    && built.every(([, t]) => 'source' in t);
  if (!restorable) {
    const index: LevelIndex = { level, vt, reset: () => { index.vt = new GeoJSONVT(net.features[level], VT_OPTIONS); } };
    return index;
  }
  const base = built.map(([id, tile]) => ({ id: Number(id), tile, source: tile.source }));
  const stats = { ...state.stats };
  return {
    level,
    vt,
    reset() {
      const tiles: VtState['tiles'] = {};
      for (const { id, tile, source } of base) {
        tile.source = source;
        tiles[id] = tile;
      }
      state.tiles = tiles;
      state.tileCoords.length = base.length; // the built tiles come first
      state.total = base.length;
      state.stats = { ...stats };
    },
  };
}

export function createNetTiles(net: Net, o: { cacheSize?: number; maxTilesPerLevel?: number } = {}): NetTiles {
  const cacheSize = o.cacheSize ?? 512;
  const maxTiles = o.maxTilesPerLevel ?? 4096;
  const indexes = LEVELS.map((level) => levelIndex(net, level));
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
      for (const index of indexes) {
        if (z < MIN_ZOOM[index.level]) continue;
        const t = index.vt.getTile(z, x, y); // a fresh copy, not the index's own tile
        if (t && t.features.length) layers[index.level] = t;
        if (index.vt.tileCoords.length > maxTiles) index.reset();
      }
      const buf = Object.keys(layers).length ? Buffer.from(vtpbf.fromGeojsonVt(layers, { version: 2 })) : null;
      cache.set(key, buf);
      if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
      return buf;
    },
    heldTiles: () => indexes.reduce((n, { vt }) => n + vt.tileCoords.length, 0),
  };
}
