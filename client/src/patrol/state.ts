// The wall's patrol state, apart from the main store because it moves at animation speed: the
// picked phone's worker (roster entry, home grid, today's track), the replay (several tracks
// on one clock, driven by requestAnimationFrame), and the coverage layer (on or off, today's
// figures and the grids' outlines). The map layers (map/deckLayers.ts) and the panels select
// from it; the actions below are the only writers.
import { useSyncExternalStore } from 'react';
import { fetchArea, fetchGrids } from '../api.ts';
import { wallArea } from '../auth/session.ts';
import { pickedWorker, pickWorker, subscribeWorkers } from '../live/workers.ts';
import type { RGBA } from '../live/statusColors.ts';
import { clearSelection } from '../selection.ts';
import type { GridGeometry } from '../types.ts';
import { fetchCoverage, fetchRoster, fetchTrack, type Coverage, type RosterItem, type Track } from './api.ts';
import { advance, newClock, pause, play, seek, setSpeed, spanOf, type ReplayClock, type Speed, type TrackPoint } from './replay.ts';

export interface WorkerView {
  index: number;
  status: 'loading' | 'ready' | 'error';
  who: RosterItem | null;
  gridName: string | null;
  track: Track | null;
  error?: string;
}

export interface ReplayEntry {
  id: string;
  name: string;
  colour: RGBA;
  points: TrackPoint[];
}

export interface ReplayState {
  clock: ReplayClock;
  entries: ReplayEntry[];
  follow: boolean;
  /** The range asked for (the clock runs over the fixes found in it). */
  range: { from: number; to: number } | null;
  loading: boolean;
}

export interface CoverageState {
  on: boolean;
  data: Coverage | null;
  geometry: GridGeometry | null;
}

export interface PatrolState {
  worker: WorkerView | null;
  replay: ReplayState | null;
  coverage: CoverageState;
}

/** Replayed phones' colours, apart from the live phones' azure and violet and the lights. */
export const REPLAY_RGBA: readonly RGBA[] = [
  [255, 196, 92, 255],
  [120, 240, 200, 255],
  [255, 140, 190, 255],
  [170, 200, 255, 255],
];
export const MAX_REPLAYED = REPLAY_RGBA.length;
const COVERAGE_REFRESH_MS = 60_000;

let state: PatrolState = { worker: null, replay: null, coverage: { on: false, data: null, geometry: null } };
const listeners = new Set<() => void>();

export const getPatrol = (): PatrolState => state;
export function subscribePatrol(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
function set(patch: Partial<PatrolState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}
export const usePatrol = <T>(select: (s: PatrolState) => T): T => useSyncExternalStore(subscribePatrol, () => select(state));

// ——— the picked phone's worker ———

let roster = new Map<number, RosterItem>();
let token = 0;

async function rosterEntry(index: number): Promise<RosterItem | null> {
  if (!roster.has(index)) {
    const { items } = await fetchRoster(wallArea());
    roster = new Map(items.map((d) => [d.index, d]));
  }
  return roster.get(index) ?? null;
}

async function loadWorker(index: number): Promise<void> {
  const my = ++token;
  if (index < 0) {
    if (state.worker) set({ worker: null });
    return;
  }
  clearSelection(); // one panel on the left at a time
  set({ worker: { index, status: 'loading', who: null, gridName: null, track: null } });
  try {
    const who = await rosterEntry(index);
    if (my !== token) return;
    if (!who) throw new Error('roster');
    const [track, area] = await Promise.all([fetchTrack(who.id), fetchArea(who.grid).catch(() => null)]);
    if (my !== token) return;
    set({ worker: { index, status: 'ready', who, gridName: area?.name ?? null, track } });
  } catch (e) {
    if (my !== token) return;
    set({ worker: { index, status: 'error', who: null, gridName: null, track: null, error: String(e) } });
  }
}

export const closeWorker = (): void => pickWorker(-1);

/** Follows the workers store's picked phone; returns the unbinding. */
export function bindPatrol(): () => void {
  let last = pickedWorker();
  const off = subscribeWorkers(() => {
    const p = pickedWorker();
    if (p === last) return;
    last = p;
    void loadWorker(p);
  });
  return () => {
    off();
    stopLoop();
    clearInterval(coverageTimer);
  };
}

// ——— replay ———

let raf = 0;
let lastFrame = 0;

function frame(now: number): void {
  raf = 0;
  const r = state.replay;
  if (!r?.clock.playing) return;
  // A slow frame (a wall in software GL) still plays at its speed; a hidden tab (no frames for
  // seconds) does not jump.
  const clock = advance(r.clock, Math.min(now - lastFrame, 1000));
  lastFrame = now;
  set({ replay: { ...r, clock } });
  if (clock.playing) raf = requestAnimationFrame(frame);
}

function startLoop(): void {
  if (raf) return;
  lastFrame = performance.now();
  raf = requestAnimationFrame(frame);
}
function stopLoop(): void {
  if (raf) cancelAnimationFrame(raf);
  raf = 0;
}

function withClock(r: ReplayState, entries: ReplayEntry[]): ReplayState {
  const span = spanOf(entries.map((e) => e.points)) ?? (r.range ? [r.range.from, r.range.to] : [r.clock.from, r.clock.to]);
  const clock = { ...newClock(span[0], span[1], r.clock.speed), t: Math.min(Math.max(r.clock.t, span[0]), span[1]) };
  return { ...r, entries, clock, loading: false };
}

/** Replays the picked worker's track (today's, as its panel shows it); or adds it to the replay. */
export function replayWorker(): void {
  const w = state.worker;
  if (!w?.who || !w.track) return;
  const r = state.replay;
  if (r?.entries.some((e) => e.id === w.who!.id)) return;
  const entries = r?.entries ?? [];
  if (entries.length >= MAX_REPLAYED) return;
  const used = new Set(entries.map((e) => e.colour));
  const entry = { id: w.who.id, name: w.who.name, colour: REPLAY_RGBA.find((c) => !used.has(c))!, points: w.track.points };
  if (!r || !r.range) {
    const base = r ?? { clock: newClock(0, 0), entries: [], follow: true, range: null, loading: false };
    const next = withClock(base, [...entries, entry]);
    set({ replay: r ? next : { ...next, clock: { ...next.clock, t: next.clock.from } } });
    return;
  }
  // A range of its own: read this worker's track over it.
  void fetchTrack(entry.id, r.range).then((tr) => {
    const now = state.replay;
    if (!now) return;
    set({ replay: withClock(now, [...now.entries, { ...entry, points: tr.points }]) });
  });
}

export function removeFromReplay(id: string): void {
  const r = state.replay;
  if (!r) return;
  const entries = r.entries.filter((e) => e.id !== id);
  if (entries.length === 0) return closeReplay();
  set({ replay: withClock(r, entries) });
}

export function closeReplay(): void {
  stopLoop();
  set({ replay: null });
}

export function togglePlay(): void {
  const r = state.replay;
  if (!r) return;
  const clock = r.clock.playing ? pause(r.clock) : play(r.clock);
  set({ replay: { ...r, clock } });
  if (clock.playing) startLoop();
  else stopLoop();
}

export function replaySpeed(speed: Speed): void {
  const r = state.replay;
  if (r) set({ replay: { ...r, clock: setSpeed(r.clock, speed) } });
}

export function replaySeek(t: number): void {
  const r = state.replay;
  if (r) set({ replay: { ...r, clock: seek(r.clock, t) } });
}

export function replayFollow(follow: boolean): void {
  const r = state.replay;
  if (r) set({ replay: { ...r, follow } });
}

/** Reads every replayed worker's track over [from, to] and restarts the clock there. */
export async function replayRange(from: number, to: number): Promise<void> {
  const r = state.replay;
  if (!r || !(from < to)) return;
  stopLoop();
  set({ replay: { ...r, loading: true, range: { from, to }, clock: pause(r.clock) } });
  const tracks = await Promise.all(r.entries.map((e) => fetchTrack(e.id, { from, to }).catch(() => null)));
  const now = state.replay;
  if (!now) return;
  const entries = now.entries.map((e, i) => ({ ...e, points: tracks[i]?.points ?? [] }));
  const next = withClock({ ...now, clock: newClock(from, to, now.clock.speed) }, entries);
  set({ replay: { ...next, clock: { ...next.clock, t: next.clock.from } } });
}

// ——— coverage ———

let coverageTimer: ReturnType<typeof setInterval> | undefined;

async function loadCoverage(): Promise<void> {
  const area = wallArea();
  try {
    const [data, geometry] = await Promise.all([fetchCoverage(area), state.coverage.geometry ? Promise.resolve(state.coverage.geometry) : fetchGrids(area)]);
    if (state.coverage.on) set({ coverage: { on: true, data, geometry } });
  } catch (e) {
    console.warn('coverage', e);
  }
}

export function setCoverage(on: boolean): void {
  clearInterval(coverageTimer);
  set({ coverage: { ...state.coverage, on } });
  if (!on) return;
  void loadCoverage();
  coverageTimer = setInterval(() => void loadCoverage(), COVERAGE_REFRESH_MS);
}
