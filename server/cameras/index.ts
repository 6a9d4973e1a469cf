// Point index over the cameras: which are in a bbox, which are nearest to a place.
//
//   const index = new CameraIndex(catalogue);
//   index.bbox(119.9, 31.7, 120.0, 31.8)        // camera indices in the box (kdbush range)
//   index.nearest(lon, lat, 10, 200)            // up to 10 within 200 m, nearest first
//
// kdbush over lon/lat; geokdbush's great-circle k-nearest walks the tree outward and stops
// at the radius, so a query touches a few cells, not 20,000 cameras (scripts/bench/cameras.ts
// measures it against the brute-force scan). The cameras do not move, so it is built once.
import KDBush from 'kdbush';
import { around, distance } from 'geokdbush';
import type { CameraCatalogue } from './catalogue.ts';

export interface NearCamera {
  index: number;
  distanceM: number;
}

export class CameraIndex {
  private readonly tree: KDBush;

  constructor(private readonly c: CameraCatalogue) {
    const tree = new KDBush(Math.max(c.count, 1));
    for (let i = 0; i < c.count; i++) tree.add(c.lon[i], c.lat[i]);
    if (!c.count) tree.add(0, 0); // kdbush needs one point; it lies far outside the city
    this.tree = tree.finish();
  }

  /** Indices of the cameras inside [west, south, east, north] (edges included), ascending. */
  bbox(west: number, south: number, east: number, north: number): number[] {
    return this.tree.range(west, south, east, north).filter((i) => i < this.c.count).sort((a, b) => a - b);
  }

  /** Up to `limit` cameras within `radiusM` metres of (lon, lat), nearest first. */
  nearest(lon: number, lat: number, limit: number, radiusM: number, keep?: (index: number) => boolean): NearCamera[] {
    const found = around(this.tree, lon, lat, limit, radiusM / 1000, keep ? (i) => i < this.c.count && keep(i) : (i) => i < this.c.count);
    return found.map((i) => ({ index: i, distanceM: Math.round(distance(lon, lat, this.c.lon[i], this.c.lat[i]) * 10000) / 10 }));
  }
}
