// The wall's base-map tiles: browsing the whole city at z16 does not grow the tile indexes
// without bound, and a tile served after the indexes were reset is the same tile, byte for byte.
import { beforeAll, describe, expect, it } from 'vitest';
import { createNetTiles, type NetTiles } from '../server/geo/tiles.ts';
import { loadNet } from '../server/net/load.ts';
import type { Net } from '../server/net/types.ts';

const BOUND = 4096; // maxTilesPerLevel's default
const LEVELS = 4;

/** The z16 tile holding a point (Web Mercator, as the wall asks for them). */
function tileAt(lon: number, lat: number, z = 16): [number, number] {
  const z2 = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * z2), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * z2)];
}

describe('net tiles', () => {
  let net: Net;
  let tiles: NetTiles;
  /** A 100 × 100 block of z16 tiles (52 × 52 km) around 钟楼区's label point, and those of it with net in. */
  const block: [number, number][] = [];
  const served: [number, number][] = [];
  let maxHeld = 0;
  let resets = 0;

  beforeAll(() => {
    net = loadNet();
    tiles = createNetTiles(net, { cacheSize: 0 }); // no LRU: every tile comes from the indexes
    const [cx, cy] = tileAt(...net.areas.get('320404')!.label); // 钟楼区
    for (let x = cx - 50; x < cx + 50; x++) for (let y = cy - 50; y < cy + 50; y++) block.push([x, y]);
  });

  it('browsing 10,000 z16 tiles around 钟楼区 keeps the indexes under 4 × 4,096 tiles', () => {
    let prev = tiles.heldTiles();
    for (const [x, y] of block) {
      if (tiles.tile(16, x, y)) served.push([x, y]);
      const held = tiles.heldTiles();
      if (held < prev) resets++;
      maxHeld = Math.max(maxHeld, held);
      prev = held;
    }
    expect(maxHeld).toBeLessThanOrEqual(LEVELS * BOUND);
    expect(resets).toBeGreaterThan(0); // the sweep did pass the bound
    expect(served.length).toBeGreaterThan(7000); // most of the block is the city, and served
  });

  it('tiles served after a reset are byte-identical to a fresh index', () => {
    expect(resets).toBeGreaterThan(0);
    const fresh = createNetTiles(net, { cacheSize: 0 });
    // The last few hundred tiles served, their parents up to z10, and a row of z14 across the city.
    const asked: [number, number, number][] = [];
    for (const [x, y] of served.slice(-300)) for (let z = 16; z >= 10; z -= 2) asked.push([z, x >> (16 - z), y >> (16 - z)]);
    const [w, s, e, n] = net.city.bbox;
    const [x0, y0] = tileAt(w, (s + n) / 2, 14);
    const [x1] = tileAt(e, (s + n) / 2, 14);
    for (let x = x0; x <= x1; x++) asked.push([14, x, y0]);
    let nonEmpty = 0;
    for (const [z, x, y] of asked) {
      const a = tiles.tile(z, x, y);
      const b = fresh.tile(z, x, y);
      if (b) nonEmpty++;
      expect(a === null ? null : a.toString('base64'), `${z}/${x}/${y}`).toBe(b === null ? null : b.toString('base64'));
    }
    expect(nonEmpty).toBeGreaterThan(asked.length / 2);
  });
});
