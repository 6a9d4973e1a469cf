// The phone page's one store. The geolocation watch, the outbox, the live socket and the
// loaders write into it; components only select from it (useSyncExternalStore, as the
// console's store). Who is signed in stays in the wall's store (auth/session.ts writes it).
import { useSyncExternalStore } from 'react';
import type { Catalogue, CatalogueItem } from '../console/types.ts';
import type { PatrolToday, PlaceName, Task } from './api.ts';
import type { Job } from './outbox.ts';

export type Tab = 'patrol' | 'report' | 'tasks';

/** The phone's latest position (whether or not it was kept as a fix). */
export interface Here {
  lon: number;
  lat: number;
  accuracy: number | null;
  /** Epoch ms of the fix. */
  t: number;
}

export interface Notice {
  kind: 'ok' | 'warn' | 'error';
  text: string;
  seq: number;
}

export interface PhoneState {
  tab: Tab;
  /** The network as the page last found it: false after a request could not reach the server. */
  online: boolean;
  /** The live socket (tasks pushed at once). */
  live: 'connecting' | 'online' | 'offline';
  patrol: { on: boolean; since: number | null };
  /** Why there is no position (permission refused, no signal), in Chinese; null when fine. */
  gpsProblem: string | null;
  here: Here | null;
  /** The grid the position is in (asked of the server when online); null when unknown. */
  hereGrid: PlaceName | null;
  /** The worker's own grids, with names once known. */
  grids: PlaceName[];
  today: PatrolToday | null;
  todayAt: number | null;
  tasks: { status: 'loading' | 'ready' | 'error'; items: Task[]; error?: string };
  /** Tasks pushed while this page was open and not yet opened, newest first. */
  fresh: string[];
  /** The banner for a task that just arrived. */
  alert: { id: string; text: string; seq: number } | null;
  catalogue: Catalogue | null;
  items: Map<string, CatalogueItem>;
  outbox: {
    fixes: number;
    jobs: number;
    /** Jobs the server refused as they are: kept on the phone until the worker decides. */
    failed: Job[];
    /** Records of another account made on this phone: sent when they sign in again. */
    others: number;
    sending: boolean;
    lastSentAt: number | null;
    /** Fixes the server refused (out of range, too old), counted. */
    rejectedFixes: number;
  };
  notice: Notice | null;
}

let state: PhoneState = {
  tab: 'patrol',
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  live: 'connecting',
  patrol: { on: false, since: null },
  gpsProblem: null,
  here: null,
  hereGrid: null,
  grids: [],
  today: null,
  todayAt: null,
  tasks: { status: 'loading', items: [] },
  fresh: [],
  alert: null,
  catalogue: null,
  items: new Map(),
  outbox: { fixes: 0, jobs: 0, failed: [], others: 0, sending: false, lastSentAt: null, rejectedFixes: 0 },
  notice: null,
};

const listeners = new Set<() => void>();
export const getPhone = (): PhoneState => state;

export function setPhone(patch: Partial<PhoneState> | ((s: PhoneState) => Partial<PhoneState>)): void {
  state = { ...state, ...(typeof patch === 'function' ? patch(state) : patch) };
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function usePhone<T>(selector: (s: PhoneState) => T): T {
  return useSyncExternalStore(subscribe, () => selector(state));
}

let noticeSeq = 0;
export function notify(kind: Notice['kind'], text: string): void {
  setPhone({ notice: { kind, text, seq: ++noticeSeq } });
}
export const dismissNotice = (): void => setPhone({ notice: null });
export const showTab = (tab: Tab): void => setPhone({ tab });
