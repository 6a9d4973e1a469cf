// Tile decoding in tests uses maplibre's own MVT reader (no published types for v1).
declare module '@mapbox/vector-tile' {
  export class VectorTile {
    constructor(pbf: unknown);
    layers: Record<string, { length: number; feature(i: number): { properties: Record<string, unknown> } }>;
  }
}
declare module 'pbf' {
  export default class Pbf {
    constructor(buf?: Uint8Array | Buffer);
  }
}
