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
  /** Ids of the grid workers who carry this grid's phones (网格通): the ones that send positions. */
  workers: string[];
  /** For a dedicated grid: the unit it manages (学校, 医院, 企业, 园区, 市场, 机关…). */
  unit?: string;
  /** The whole team. Not in areas.json: loadNet() puts it on every grid from workers.json and volunteers.json. */
  team?: GridTeam;
}

/**
 * A grid's team: urban base grid "4+X" (liaison cadre, leader, full-time, part-time + X
 * volunteers), village base grid "3+X" (no full-time), dedicated grid "2+X" (leader and
 * part-time). Synthetic.
 */
export interface GridTeam {
  /** Ids of the named members (Net.members), in role order: liaison, leader, full-time, part-time. */
  members: string[];
  /** Volunteers (志愿者) are counted, not named. */
  volunteers: number;
}

/** One line of volunteers.json. */
export interface GridVolunteers {
  grid: string;
  volunteers: number;
}

/** 网格联络员 (a cadre serving one or more grids of one community), 网格长, 专职网格员, 兼职网格员. */
export type WorkerRole = 'liaison' | 'leader' | 'full_time' | 'part_time';

/** A named member of a grid team (workers.json). Synthetic: names and phones are drawn. */
export interface Worker {
  id: string;
  name: string;
  role: WorkerRole;
  /** The grid; for a liaison cadre, the first of `grids`. */
  grid: string;
  /** Liaison cadres only: every grid they serve (base grids of one community, in code order). */
  grids?: string[];
  /** Masked phone number, e.g. 139****1234 (synthetic). */
  phone: string;
  /** Carries the grid's phone (网格通), so sends positions. Only carriers are in Net.workers and Grid.workers. */
  carriesPhone: boolean;
}

export type AreaGeometry = Polygon | MultiPolygon;
export type AreaFeature = Feature<AreaGeometry, { code: string; name: string; level: Level }>;

export interface Net {
  city: Area;
  /** Every area by code, all levels including the city and grids. */
  areas: Map<string, Area | Grid>;
  /** Geometry per level (city excluded), features in ascending code order. */
  features: Record<Exclude<Level, 'city'>, FeatureCollection<AreaGeometry, { code: string; name: string; level: Level }>>;
  /** The phone carriers by id: the workers whose phones send positions (as Grid.workers). */
  workers: Map<string, Worker>;
  /** Every named team member by id (carriers included): liaison cadres, leaders, full- and part-time workers. */
  members: Map<string, Worker>;
}
