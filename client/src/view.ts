// What the wall is showing: the area drilled into, the KPI the net is coloured by, the
// layers on, and the time range the panels cover. One small store, mirrored in the
// address bar (?area=&level=&kpi=&layers=&range=), so a wall can be set to any view by its
// URL, a link shared, and a reload comes back to the same view. Parsing is forgiving: an
// unknown value falls back to the default, never to a broken wall.
import { useSyncExternalStore } from 'react';
import { CITY_CODE } from './config.ts';
import type { Level } from './types.ts';

export const KPIS = ['open', 'overdue', 'closureRate', 'onTimeRate', 'perHouseholds'] as const;
export type Kpi = (typeof KPIS)[number];

export const LAYERS = ['net', 'tickets', 'workers', 'heatmap', 'components', 'cameras', 'places'] as const;
export type LayerId = (typeof LAYERS)[number];

/** today; the last 7 or 30 days; this month; this year; or an explicit CST date range. */
export const RANGES = ['today', '7d', '30d', 'month', 'year'] as const;
export type RangePreset = (typeof RANGES)[number];
export type Range = RangePreset | { from: string; to: string };

export interface View {
  /** The area drilled into (a code of the net); '' until the scope is known. */
  area: string;
  /** Its level: the map shows its children (a grid shows itself). */
  level: Level;
  kpi: Kpi;
  layers: ReadonlySet<LayerId>;
  range: Range;
}

export const DEFAULT_LAYERS: readonly LayerId[] = ['net', 'tickets', 'workers'];

const LEVEL_OF_LENGTH: Record<number, Level> = { 6: 'district', 9: 'street', 12: 'community', 15: 'grid' };

/** A code's level by its length (the city's code, 320400, is as long as a district's). */
export function levelOf(code: string): Level {
  if (code === CITY_CODE) return 'city';
  return LEVEL_OF_LENGTH[code.length] ?? 'city';
}

/** The level of the areas the map shows for an area: its children (a grid shows itself). */
export function childLevel(level: Level): Level {
  return level === 'city' ? 'district' : level === 'district' ? 'street' : level === 'street' ? 'community' : 'grid';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseView(search: string): View {
  const q = new URLSearchParams(search);
  const area = q.get('area') ?? '';
  const okArea = /^\d{6}(\d{3}(\d{3}(\d{3})?)?)?$/.test(area) ? area : '';
  const kpi = q.get('kpi') as Kpi | null;
  const layersRaw = q.get('layers');
  const layers = layersRaw === null ? DEFAULT_LAYERS : layersRaw.split(',').filter((l): l is LayerId => (LAYERS as readonly string[]).includes(l));
  const r = q.get('range') ?? '';
  let range: Range = 'today';
  if ((RANGES as readonly string[]).includes(r)) range = r as RangePreset;
  else {
    const [from, to] = r.split('..');
    if (from && to && DATE.test(from) && DATE.test(to) && from <= to) range = { from, to };
  }
  return {
    area: okArea,
    level: okArea ? levelOf(okArea) : 'city',
    kpi: kpi && (KPIS as readonly string[]).includes(kpi) ? kpi : 'open',
    layers: new Set(layers),
    range,
  };
}

export function formatView(v: View, base: string): string {
  const q = new URLSearchParams(base);
  for (const k of ['area', 'level', 'kpi', 'layers', 'range']) q.delete(k);
  if (v.area) q.set('area', v.area);
  q.set('level', v.level);
  q.set('kpi', v.kpi);
  q.set('layers', LAYERS.filter((l) => v.layers.has(l)).join(','));
  q.set('range', typeof v.range === 'string' ? v.range : `${v.range.from}..${v.range.to}`);
  return q.toString();
}

// ── the store ─────────────────────────────────────────────────────────────────────

let view: View = parseView(typeof window === 'undefined' ? '' : window.location.search);
const listeners = new Set<() => void>();

export const getView = (): View => view;

export function setView(patch: Partial<View>): void {
  const next = { ...view, ...patch };
  if (patch.area !== undefined && patch.level === undefined) next.level = levelOf(next.area);
  view = next;
  if (typeof window !== 'undefined') {
    const search = formatView(view, window.location.search);
    window.history.replaceState(null, '', `${window.location.pathname}?${search}${window.location.hash}`);
  }
  for (const l of listeners) l();
}

export function toggleLayer(id: LayerId, on = !view.layers.has(id)): void {
  const layers = new Set(view.layers);
  if (on) layers.add(id);
  else layers.delete(id);
  setView({ layers });
}

export function subscribeView(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useView<T>(selector: (v: View) => T): T {
  return useSyncExternalStore(subscribeView, () => selector(view));
}

/** Once the account's scope is known: the view's area defaults to the scope, and an area
 * outside it is brought back to it. */
export function settleView(scope: string): void {
  const fresh = parseView(window.location.search);
  const inside = fresh.area !== '' && (scope === CITY_CODE || fresh.area.startsWith(scope));
  setView({ ...fresh, area: inside ? fresh.area : scope });
}
