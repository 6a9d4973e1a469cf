// Datums a client may send coordinates in (DOMAIN.md: every coordinate has a declared
// datum and is converted explicitly). Phones' map SDKs in China mostly give GCJ-02 (the
// offset datum of commercial maps) or BD-09 (Baidu's), ~500 m off WGS-84; gcoord converts.
import gcoord from 'gcoord';

export const CRS_CODES = ['wgs84', 'gcj02', 'bd09'] as const;
export type Crs = (typeof CRS_CODES)[number];

const FROM = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** [lon, lat] in WGS-84, rounded to 1e-7° (~1 cm): what the store and the locator take. */
export function toWgs84(lon: number, lat: number, crs: Crs): [number, number] {
  if (crs === 'wgs84') return [lon, lat];
  const [x, y] = gcoord.transform([lon, lat], FROM[crs], gcoord.WGS84) as [number, number];
  return [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7];
}
