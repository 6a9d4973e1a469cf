// City components (部件) and places on the wall: loads them from the server into a small
// store of typed arrays; the layers (map/componentsLayer.ts) and panels only read it.
// The whole city is loaded at once (one binary answer, ~1.8 MB for 120,000 components,
// gzip on the wire) rather than per bbox: the layer then pans and zooms with no request and
// no rebuild, and the GPU draws 120k points with ease. States follow live ticket events (componentTicketChanged); all are read again every 5 min
// while the layer is on (a ticket naming a component turns it damaged on the server).
import { useSyncExternalStore } from 'react';
import { apiFetch } from '../auth/session.ts';

export interface ComponentMeta {
  synthetic: boolean;
  total: number;
  classes: { code: string; name: string; count: number }[];
  subclasses: { cls: string; code: string; name: string; department: string }[];
  states: { code: number; key: string; name: string }[];
  runs: { prefix: string; start: number; count: number }[];
}

export interface ComponentPoints {
  n: number;
  positions: Float32Array;
  ids: Uint32Array;
  cls: Uint8Array;
  state: Uint8Array;
  sub: Uint8Array;
}

export interface PlacesData {
  kinds: { code: string; name: string }[];
  kind: number[];
  lon: number[];
  lat: number[];
  name: string[];
  unit: string[];
  grid: string[];
}

export type Picked =
  | { kind: 'component'; code: string; details: ComponentDetails | null; error?: string }
  | { kind: 'place'; index: number };

export interface ComponentDetails {
  code: string;
  name: string;
  class: { code: string; name: string };
  subclass: { code: string; name: string };
  state: 'normal' | 'damaged' | 'missing';
  ownState: string;
  department: { code: string; name: string };
  grid: { code: string; name: string };
  lon: number;
  lat: number;
  tickets: { id: string; createdAt: string; description: string; status: string }[];
}

export interface CityState {
  meta: ComponentMeta | null;
  points: ComponentPoints | null;
  /** Class numbers (1..6) shown. */
  classes: ReadonlySet<number>;
  places: PlacesData | null;
  picked: Picked | null;
  version: number;
}

let state: CityState = { meta: null, points: null, classes: new Set([1, 2, 3, 4, 5, 6]), places: null, picked: null, version: 0 };
const listeners = new Set<() => void>();
const set = (patch: Partial<CityState>) => {
  state = { ...state, ...patch, version: state.version + 1 };
  for (const l of listeners) l();
};
export const getCity = (): CityState => state;
export function subscribeCity(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
export const useCity = <T,>(sel: (s: CityState) => T): T => useSyncExternalStore(subscribeCity, () => sel(state));

/** The binary answer of GET /api/components (layout: server/city/components.ts). */
export function decodeComponents(ab: ArrayBuffer): ComponentPoints {
  const n = new Uint32Array(ab, 0, 2)[1];
  return {
    n,
    positions: new Float32Array(ab, 8, 2 * n),
    ids: new Uint32Array(ab, 8 + 8 * n, n),
    cls: new Uint8Array(ab, 8 + 12 * n, n),
    state: new Uint8Array(ab, 8 + 13 * n, n),
    sub: new Uint8Array(ab, 8 + 14 * n, n),
  };
}

/** Component index → its 16-digit code, by the meta's runs. */
export function codeOf(meta: ComponentMeta, id: number): string {
  let lo = 0, hi = meta.runs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (meta.runs[mid].start <= id) lo = mid; else hi = mid - 1;
  }
  const r = meta.runs[lo];
  return r.prefix + String(id - r.start + 1).padStart(6, '0');
}

async function json<T>(path: string): Promise<T> {
  const r = await apiFetch(path, { headers: { accept: 'application/json' } });
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return (await r.json()) as T;
}

let loading: Promise<void> | null = null;
export async function loadComponents(): Promise<void> {
  const meta = state.meta ?? (await json<ComponentMeta>('/api/components/meta'));
  const classes = [...state.classes].sort().map((c) => String(c).padStart(2, '0')).join(',');
  if (!classes) return set({ meta, points: decodeComponents(new Uint32Array([1, 0]).buffer) });
  const r = await apiFetch(`/api/components?classes=${classes}`);
  if (!r.ok) throw new Error(`/api/components: ${r.status}`);
  set({ meta, points: decodeComponents(await r.arrayBuffer()) });
}
/** Loads once (a second call while loading waits for the first). */
export const ensureComponents = (): Promise<void> => (loading ??= loadComponents().finally(() => (loading = null)));

export function toggleClass(c: number): void {
  const classes = new Set(state.classes);
  if (classes.has(c)) classes.delete(c); else classes.add(c);
  set({ classes });
  void loadComponents();
}

export async function ensurePlaces(): Promise<void> {
  if (!state.places) set({ places: await json<PlacesData>('/api/places') });
}

export async function pickComponent(id: number): Promise<void> {
  if (!state.meta) return;
  const code = codeOf(state.meta, id);
  set({ picked: { kind: 'component', code, details: null } });
  try {
    const details = await json<ComponentDetails>(`/api/components/${code}`);
    if (state.picked?.kind === 'component' && state.picked.code === code) set({ picked: { kind: 'component', code, details } });
  } catch (e) {
    if (state.picked?.kind === 'component' && state.picked.code === code) set({ picked: { kind: 'component', code, details: null, error: String(e) } });
  }
}
/** Component code → its index in the server's numbering (the inverse of codeOf); -1 if unknown. */
export function idOf(meta: ComponentMeta, code: string): number {
  const run = meta.runs.find((r) => r.prefix === code.slice(0, -6));
  const seq = Number(code.slice(-6));
  return run && seq >= 1 && seq <= run.count ? run.start + seq - 1 : -1;
}

const STATE_CODE: Record<string, number> = {};
let refetch = new Set<string>();
let refetchTimer: ReturnType<typeof setTimeout> | null = null;

/** A live ticket named this component: its state follows the ticket (damaged while open, its
 * own again when closed), so read it again and write it into the loaded points in place —
 * a few a minute at most, batched over half a second. */
export function componentTicketChanged(code: string): void {
  if (!state.points || !state.meta) return;
  refetch.add(code);
  refetchTimer ??= setTimeout(() => {
    const codes = [...refetch];
    refetch = new Set();
    refetchTimer = null;
    void Promise.all(codes.map((c) => json<ComponentDetails>(`/api/components/${c}`).catch(() => null))).then((found) => {
      const p = state.points, meta = state.meta;
      if (!p || !meta) return;
      if (!Object.keys(STATE_CODE).length) for (const st of meta.states) STATE_CODE[st.key] = st.code;
      const next = p.state.slice();
      let changed = false;
      for (const d of found) {
        if (!d) continue;
        const id = idOf(meta, d.code);
        const i = p.ids.indexOf(id);
        const code = STATE_CODE[d.state];
        if (i >= 0 && code !== undefined && next[i] !== code) (next[i] = code, (changed = true));
      }
      if (changed) set({ points: { ...p, state: next } });
      const picked = state.picked;
      const again = picked?.kind === 'component' && found.find((d) => d?.code === picked.code);
      if (again) set({ picked: { kind: 'component', code: again.code, details: again } });
    });
  }, 500);
}

export const pickPlace = (index: number) => set({ picked: { kind: 'place', index } });
export const clearPicked = () => set({ picked: null });
