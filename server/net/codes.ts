// Codes of the net: 6 digits district (GB/T 2260), 9 street, 12 community (统计用区划代码),
// 15 grid = community + 3-digit sequence (001–899 base, 901–999 dedicated); the city is 320400.
// A code's prefix is its ancestor, so every roll-up is a prefix match. Pure functions, no I/O.
import type { GridType, Level } from './types.ts';

export const CITY_CODE = '320400';
/** The city's 4 digits (GB/T 2260: province 32, prefecture 04): every code of the net starts with them. */
export const CITY_PREFIX = CITY_CODE.slice(0, 4);

export function levelOfCode(code: string): Level {
  if (code === CITY_CODE) return 'city';
  if (!/^\d+$/.test(code)) throw new Error(`not a code: ${code}`);
  switch (code.length) {
    case 6: return 'district';
    case 9: return 'street';
    case 12: return 'community';
    case 15: return 'grid';
    default: throw new Error(`not a code of the net: ${code}`);
  }
}

/** The enclosing area's code; null for the city. */
export function parentCode(code: string): string | null {
  switch (levelOfCode(code)) {
    case 'city': return null;
    case 'district': return CITY_CODE;
    case 'street': return code.slice(0, 6);
    case 'community': return code.slice(0, 9);
    case 'grid': return code.slice(0, 12);
  }
}

/** Ancestors from the city down to the direct parent. */
export function ancestors(code: string): string[] {
  const out: string[] = [];
  for (let p = parentCode(code); p !== null; p = parentCode(p)) out.unshift(p);
  return out;
}

export const isGridCode = (code: string): boolean => /^\d{15}$/.test(code) && gridSequence(code) > 0;

/** The 3-digit sequence of a grid code (1–999). */
export function gridSequence(code: string): number {
  if (!/^\d{15}$/.test(code)) throw new Error(`not a grid code: ${code}`);
  return Number(code.slice(12));
}

/** 001–899 base grid, 901–999 dedicated grid; 900 and 000 are not grid codes. */
export function gridTypeFromCode(code: string): GridType {
  const s = gridSequence(code);
  if (s >= 1 && s <= 899) return 'base';
  if (s >= 901 && s <= 999) return 'dedicated';
  throw new Error(`grid sequence out of range: ${code}`);
}

export const gridCode = (community: string, sequence: number): string => community + String(sequence).padStart(3, '0');

/**
 * The numbering rule "west→east, north→south inside the community", made exact: the
 * community's bbox is cut into round(√k) equal horizontal bands (k = grids of this type);
 * a grid sits in the band of its label point (bands counted from the north); grids are
 * ordered by band, then by label longitude, then by label latitude (north first).
 * Returns the indices of `labels` in numbering order.
 */
export function readingOrder(labels: readonly [number, number][], bbox: readonly [number, number, number, number]): number[] {
  const rows = Math.max(1, Math.round(Math.sqrt(labels.length)));
  const h = (bbox[3] - bbox[1]) / rows;
  const band = (lat: number) => (h > 0 ? Math.min(rows - 1, Math.max(0, Math.floor((bbox[3] - lat) / h))) : 0);
  return labels
    .map((p, i) => ({ i, b: band(p[1]), x: p[0], y: p[1] }))
    .sort((a, b) => a.b - b.b || a.x - b.x || b.y - a.y || a.i - b.i)
    .map((e) => e.i);
}
