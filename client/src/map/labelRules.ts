// Which names the wall shows at which zoom, and how big. Coarse levels first:
// a district name wins a collision against a street, a street against a community.
import type { LabelLevel } from '../store.ts';

export interface LabelRule {
  level: LabelLevel;
  minZoom: number;
  maxZoom: number;
  size: number;
  color: [number, number, number, number];
}

export const LABEL_RULES: LabelRule[] = [
  { level: 'district', minZoom: 0, maxZoom: 11.5, size: 30, color: [236, 244, 255, 255] },
  { level: 'street', minZoom: 9.6, maxZoom: 13.5, size: 19, color: [196, 214, 238, 255] },
  { level: 'community', minZoom: 11.8, maxZoom: 15.5, size: 17, color: [170, 200, 228, 240] },
  { level: 'grid', minZoom: 14.3, maxZoom: 24, size: 16, color: [140, 220, 235, 235] },
];

/** Levels whose label points are worth fetching at this zoom (a little ahead of showing them). */
export const levelsNeededAt = (zoom: number): LabelLevel[] =>
  LABEL_RULES.filter((r) => zoom >= r.minZoom - 1 && zoom < r.maxZoom).map((r) => r.level);
