// The heatmap's data and its time window (热力时间轴), in one small store the layer and the
// slider read. Two ways to show density, both kept so they can be compared on the same wall:
//  - 'points': the year of the area's tickets held in the page as two columns, oldest first
//    (Float32 lon/lat pairs and Uint16 CST days, GET /api/heatmap/points, fetched in 31-day
//    chunks, the window's chunks first); a window is two binary searches and a subarray, fed
//    to deck.gl's HeatmapLayer as a binary attribute: no object per ticket.
//  - 'hex': the server's counts per H3 cell for the window (GET /api/heatmap/hex), answers
//    cached; the cells' outlines are made once per cell and only the colours change per move.
// Hex is the default: at 1.5 M tickets a year a month's answer is 26 KB against 1.3 MB of
// points, the page needs no year of points (15 MB, ~37 s to load here), and a move cost less
// script time in Chromium (npm run bench -- heatmap: p95 47 ms against 212 ms).
// `last` holds the JS time of the last move, from performance marks (window.__heat reads it).
import { apiFetch } from '../auth/session.ts';
import { dayCST } from '../../../server/domain/day.ts';
import { decodeHeatPoints } from '../../../server/domain/heat-points.ts';

export type HeatMode = 'points' | 'hex';
export const WINDOWS = [1, 7, 30] as const;
export const SPEEDS = [1, 2, 4, 8] as const;
const YEAR_DAYS = 366;
const CHUNK_DAYS = 31;

export interface HexAnswer { key: string; total: number; cells: string[]; counts: number[] }

export interface HeatState {
  area: string;
  mode: HeatMode;
  /** Days in the window, and its last day (a CST day number, inclusive). */
  windowDays: number;
  endDay: number;
  /** The history served: [firstDay, lastDay]. */
  firstDay: number;
  lastDay: number;
  playing: boolean;
  /** Days the window moves per second while playing. */
  speed: number;
  /** Points mode: the loaded chunks, merged in time order. */
  positions: Float32Array;
  days: Uint16Array;
  chunksLoaded: number;
  chunksTotal: number;
  /** The window's points: [lo, hi) of the columns. */
  lo: number;
  hi: number;
  /** Hex mode: the window's answer (null while it comes). */
  hex: HexAnswer | null;
  /** Bumped on every change a layer draws. */
  version: number;
  error: string | null;
}

const today = dayCST(Date.now());
let state: HeatState = {
  area: '', mode: 'hex', windowDays: 30, endDay: today, firstDay: today - YEAR_DAYS + 1, lastDay: today, playing: false, speed: 2,
  positions: new Float32Array(0), days: new Uint16Array(0), chunksLoaded: 0, chunksTotal: 0, lo: 0, hi: 0, hex: null, version: 0, error: null,
};
const listeners = new Set<() => void>();

export const getHeat = (): HeatState => state;
export function subscribeHeat(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
function set(patch: Partial<HeatState>): void {
  state = { ...state, ...patch, version: state.version + 1 };
  for (const l of listeners) l();
}

/** First index whose day is ≥ `day` (the days are sorted). */
function lowerBound(days: Uint16Array, day: number): number {
  let lo = 0, hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const dateOf = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

// ── points: a year in chunks ─────────────────────────────────────────────────────────
let chunks = new Map<number, { positions: Float32Array; days: Uint16Array }>();
let loading: Promise<void> | null = null;
let generation = 0;

function merge(): void {
  const keys = [...chunks.keys()].sort((a, b) => a - b);
  let n = 0;
  for (const k of keys) n += chunks.get(k)!.days.length;
  const positions = new Float32Array(n * 2);
  const days = new Uint16Array(n);
  let at = 0;
  for (const k of keys) {
    const c = chunks.get(k)!;
    positions.set(c.positions, at * 2);
    days.set(c.days, at);
    at += c.days.length;
  }
  state = { ...state, positions, days, chunksLoaded: chunks.size };
}

async function loadYear(area: string): Promise<void> {
  const g = generation;
  const first = state.firstDay;
  const total = Math.ceil(YEAR_DAYS / CHUNK_DAYS);
  const order = Array.from({ length: total }, (_, i) => i);
  // The window's chunk first, then outwards from it, so the slider's neighbourhood comes first.
  const here = Math.floor((state.endDay - first) / CHUNK_DAYS);
  order.sort((a, b) => Math.abs(a - here) - Math.abs(b - here));
  set({ chunksTotal: total });
  for (const i of order) {
    const from = first + i * CHUNK_DAYS;
    const to = Math.min(state.lastDay, from + CHUNK_DAYS - 1);
    const res = await apiFetch(`/api/heatmap/points?area=${area}&from=${dateOf(from)}&to=${dateOf(to)}`, { headers: { accept: 'application/octet-stream' } });
    if (g !== generation) return;
    if (!res.ok) return set({ error: `热力数据加载失败（${res.status}）` });
    const p = decodeHeatPoints(await res.arrayBuffer());
    if (g !== generation) return;
    chunks.set(i, { positions: p.positions, days: p.days });
    merge();
    selectWindow();
  }
}

/** The window's points by binary search: what a slider move costs in points mode. */
function selectWindow(): void {
  const lo = lowerBound(state.days, state.endDay - state.windowDays + 1);
  const hi = lowerBound(state.days, state.endDay + 1);
  set({ lo, hi });
}

// ── hex: the server's counts per window ──────────────────────────────────────────────
const hexCache = new Map<string, HexAnswer>();
export const hexRes = (area: string): number => (area.length >= 12 ? 9 : area.length >= 9 ? 8 : 7);

async function loadHex(): Promise<void> {
  const { area, endDay, windowDays } = state;
  const res = hexRes(area);
  const key = `${area}|${res}|${endDay - windowDays + 1}|${endDay}`;
  let answer = hexCache.get(key);
  if (!answer) {
    const r = await apiFetch(`/api/heatmap/hex?area=${area}&res=${res}&from=${dateOf(endDay - windowDays + 1)}&to=${dateOf(endDay)}`, { headers: { accept: 'application/json' } });
    if (!r.ok) return set({ error: `热力数据加载失败（${r.status}）` });
    const text = await r.text();
    const t0 = performance.now();
    answer = { key, ...(JSON.parse(text) as Omit<HexAnswer, 'key'>) };
    parseMs = performance.now() - t0;
    hexCache.set(key, answer);
    if (hexCache.size > 128) hexCache.delete(hexCache.keys().next().value!);
  } else parseMs = 0;
  // A later move may have answered first: show only the window still asked for.
  if (state.area === area && state.endDay === endDay && state.windowDays === windowDays) set({ hex: answer });
}

// ── what the slider calls ────────────────────────────────────────────────────────────
/** The JS time of the last move's parse (hex), ms. */
export let parseMs = 0;

export function setHeatArea(area: string): void {
  if (area === state.area || !area) return;
  generation++;
  chunks = new Map();
  state = { ...state, area, positions: new Float32Array(0), days: new Uint16Array(0), chunksLoaded: 0, lo: 0, hi: 0, hex: null, error: null };
  loading = null;
  ensureLoaded();
}

/** Starts what the mode needs (idempotent). */
export function ensureLoaded(): Promise<void> {
  if (!state.area) return Promise.resolve();
  if (state.mode === 'hex') return loadHex();
  loading ??= loadYear(state.area);
  return loading;
}

/** Moves the window (its last day, and optionally its length); returns when the map's data is set. */
export function setHeatWindow(endDay: number, windowDays = state.windowDays): Promise<void> {
  const clamped = Math.max(state.firstDay + windowDays - 1, Math.min(state.lastDay, endDay));
  if (state.mode === 'hex') {
    set({ endDay: clamped, windowDays });
    return loadHex();
  }
  state = { ...state, endDay: clamped, windowDays };
  selectWindow();
  return Promise.resolve();
}

export function setHeatMode(mode: HeatMode): void {
  set({ mode });
  void ensureLoaded();
}

export function setHeatSpeed(speed: number): void {
  set({ speed });
  if (state.playing) setHeatPlaying(true); // the tick's interval follows the speed
}

let timer: ReturnType<typeof setInterval> | undefined;
export function setHeatPlaying(playing: boolean): void {
  clearInterval(timer);
  set({ playing });
  if (!playing) return;
  // One day per tick at the chosen speed; back to the start of the year after its end.
  timer = setInterval(() => {
    const next = state.endDay >= state.lastDay ? state.firstDay + state.windowDays - 1 : state.endDay + 1;
    void setHeatWindow(next);
  }, 1000 / state.speed);
}

export const heatDateOf = dateOf;
