// The choropleth's figures (GET /api/kpi/map) for the view's area and range, the class breaks
// of the chosen KPI, and the drill-down the map and the charts share. Re-read when the view's
// area or range changes and once a minute (open and overdue move all day).
import { useSyncExternalStore } from 'react';
import { getJson } from './http.ts';
import { fetchArea } from '../api.ts';
import { fitBbox } from '../map/camera.ts';
import { clearSelection, selectGrid } from '../selection.ts';
import { getView, levelOf, setView, subscribeView, type Kpi, type View } from '../view.ts';
import { getState } from '../store.ts';
import { rangeDates } from './range.ts';

export interface ChildFigures {
  code: string;
  name: string;
  level: string;
  open: number;
  overdueNow: number;
  received: number;
  registered: number;
  closed: number;
  supervised: number;
  closureRate: number | null;
  onTimeRate: number | null;
  households: number;
  perThousandHouseholds: number | null;
}

export interface MapFigures {
  /** The area whose children these are (a grid's parent community at grid level). */
  area: string;
  level: string;
  from: string;
  to: string;
  children: ChildFigures[];
}

export const KPI_META: Record<Kpi, { name: string; unit: string; rate: boolean; higherIsBetter: boolean }> = {
  open: { name: '开放事件', unit: '件', rate: false, higherIsBetter: false },
  overdue: { name: '超期', unit: '件', rate: false, higherIsBetter: false },
  closureRate: { name: '结案率', unit: '%', rate: true, higherIsBetter: true },
  onTimeRate: { name: '按期结案率', unit: '%', rate: true, higherIsBetter: true },
  perHouseholds: { name: '每千户事件', unit: '件/千户', rate: false, higherIsBetter: false },
};

export function kpiValue(c: ChildFigures, kpi: Kpi): number | null {
  switch (kpi) {
    case 'open': return c.open;
    case 'overdue': return c.overdueNow;
    case 'closureRate': return c.closureRate === null ? null : c.closureRate * 100;
    case 'onTimeRate': return c.onTimeRate === null ? null : c.onTimeRate * 100;
    case 'perHouseholds': return c.perThousandHouseholds;
  }
}

/** Five classes, worst last (red): colour index 0 … 4. */
export const CLASS_COLORS = ['#1d5a7a', '#2f8a8a', '#c9b23c', '#e07b39', '#d33a2c'];

/** Up to five quantile classes over the children's values, as ascending upper bounds
 * (the last is the maximum); fewer when values repeat. Rounded to what the legend shows. */
export function classBreaks(values: number[], rate: boolean): number[] {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return [];
  const round = (x: number) => (rate ? Math.round(x * 10) / 10 : x >= 10 ? Math.round(x) : Math.round(x * 10) / 10);
  const breaks: number[] = [];
  for (let i = 1; i <= 5; i++) {
    const b = round(v[Math.min(v.length - 1, Math.ceil((i / 5) * v.length) - 1)]);
    if (!breaks.length || b > breaks[breaks.length - 1]) breaks.push(b);
  }
  breaks[breaks.length - 1] = Math.max(breaks[breaks.length - 1], v[v.length - 1]);
  return breaks;
}

/** The class of a value: index into the breaks, or -1 for no value. */
export function classOf(value: number | null, breaks: number[]): number {
  if (value === null || !breaks.length) return -1;
  const i = breaks.findIndex((b) => value <= b);
  return i < 0 ? breaks.length - 1 : i;
}

/** The colour of a class, spread over the palette; rates turn it round (low is bad). */
export function classColor(i: number, n: number, higherIsBetter: boolean): string {
  const k = n <= 1 ? 0 : Math.round((i / (n - 1)) * (CLASS_COLORS.length - 1));
  return CLASS_COLORS[higherIsBetter ? CLASS_COLORS.length - 1 - k : k];
}

// ── the store ─────────────────────────────────────────────────────────────────────

let figures: MapFigures | null = null;
const listeners = new Set<() => void>();
let asked = '';
let timer: ReturnType<typeof setInterval> | undefined;

export const getFigures = (): MapFigures | null => figures;
export const useFigures = (): MapFigures | null => useSyncExternalStore(subscribeFigures, getFigures);
export function subscribeFigures(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Whose children the map colours: the view's area, or a grid's community. */
export const colouredArea = (v: View): string => (v.level === 'grid' ? v.area.slice(0, 12) : v.area);

async function load(force = false): Promise<void> {
  const v = getView();
  if (!v.area) return;
  const { from, to } = rangeDates(v.range);
  const key = `${colouredArea(v)}|${from}|${to}`;
  if (!force && key === asked) return;
  asked = key;
  try {
    const f = await getJson<MapFigures>(`/api/kpi/map?area=${colouredArea(v)}&from=${from}&to=${to}`);
    if (key !== asked) return; // the view moved on meanwhile
    figures = f;
    for (const l of listeners) l();
  } catch (e) {
    console.warn('kpi/map', e);
  }
}

/** Follows the view; returns the unbind. */
export function bindFigures(): () => void {
  // A view restored from the URL below the scope (the map frames the scope itself): frame it once.
  let framed = false;
  const frame = (): void => {
    const v = getView();
    if (framed || !v.area) return;
    framed = true;
    if (v.area !== getState().scope?.code || v.level === 'grid') void drillTo(v.area);
  };
  const unsub = subscribeView(() => {
    frame();
    void load();
  });
  frame();
  void load();
  timer = setInterval(() => void load(true), 60_000);
  return () => {
    unsub();
    clearInterval(timer);
  };
}

/** Drill to an area (a map click, a bar, a breadcrumb): the view, the camera, and at grid
 * level the grid's panel. */
export async function drillTo(code: string): Promise<void> {
  const level = levelOf(code);
  setView({ area: code, level });
  if (level === 'grid') {
    await selectGrid(code);
    return;
  }
  if (getState().selection) clearSelection();
  try {
    const area = await fetchArea(code);
    if (getView().area === code) fitBbox(area.bbox, { withGridPanel: false, maxZoom: 16 });
  } catch (e) {
    console.warn('area', e);
  }
}
