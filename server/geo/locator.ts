// Point → grid → community → street → district, over the spatial index of the net.
import type { Net } from '../net/types.ts';
import { locationOf, type Location } from '../net/hierarchy.ts';
import { GridIndex } from './grid-index.ts';

export interface Locator {
  /** The grid code containing the point, or null outside the city. */
  gridAt(lon: number, lat: number): string | null;
  locate(lon: number, lat: number): Location | null;
}

export function createLocator(net: Net): Locator {
  const index = new GridIndex(net.features.grid);
  const gridAt = (lon: number, lat: number) => {
    const i = index.locate(lon, lat);
    return i < 0 ? null : index.codeAt(i);
  };
  return {
    gridAt,
    locate(lon, lat) {
      const code = gridAt(lon, lat);
      return code ? locationOf(net, code) : null;
    },
  };
}
