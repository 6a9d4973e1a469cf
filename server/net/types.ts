// The net (一张网): city → district → street → community → grid.
// Every code's prefix is its ancestor's code, so a roll-up is a prefix match.
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';

export type Level = 'city' | 'district' | 'street' | 'community' | 'grid';
export type GridType = 'base' | 'dedicated';

export interface AreaRef {
  code: string;
  name: string;
  level: Level;
}

export interface Area extends AreaRef {
  parent: string | null;
  children: string[];
  /** Planar area in km² (geodesic, from Turf). */
  areaKm2: number;
  /** A point inside the area for its label (WGS-84 lon, lat). */
  label: [number, number];
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number];
  /** True where the boundary is generated, not from an open source. */
  synthetic: boolean;
}

export interface Grid extends Area {
  level: 'grid';
  type: GridType;
  /** Estimated households (0 for most dedicated grids). */
  households: number;
  /** Ids of the grid workers who carry this grid's phones. */
  workers: string[];
  /** For a dedicated grid: the unit it manages (学校, 医院, 企业, 园区, 市场, 机关…). */
  unit?: string;
}

export type WorkerRole = 'full_time' | 'part_time' | 'leader';

export interface Worker {
  id: string;
  name: string;
  role: WorkerRole;
  grid: string;
  /** Masked phone number, e.g. 139****1234 (synthetic). */
  phone: string;
}

export type AreaGeometry = Polygon | MultiPolygon;
export type AreaFeature = Feature<AreaGeometry, { code: string; name: string; level: Level }>;

export interface Net {
  city: Area;
  /** Every area by code, all levels including the city and grids. */
  areas: Map<string, Area | Grid>;
  /** Geometry per level (city excluded), features in ascending code order. */
  features: Record<Exclude<Level, 'city'>, FeatureCollection<AreaGeometry, { code: string; name: string; level: Level }>>;
  workers: Map<string, Worker>;
}
