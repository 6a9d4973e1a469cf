// The one store of the wall. The socket bridge and the loaders write into it;
// components and map layers only select from it.
import { useSyncExternalStore } from 'react';
import { TicketBuffer } from './live/ticketBuffer.ts';
import type { Account, Area, GridGeometry, Label, Level, Meta, Ticket, TodayStats } from './types.ts';

export type Connection = 'connecting' | 'online' | 'reconnecting';
/** checking: the first GET /api/auth/me is out; signed-out: the sign-in form is up (over the
 * wall when there is an account already, as the whole page when not). */
export type AuthPhase = 'checking' | 'signed-in' | 'signed-out';
export type LabelLevel = Exclude<Level, 'city'>;

export interface Selection {
  code: string;
  status: 'loading' | 'ready' | 'error';
  area: Area | null;
  geometry: GridGeometry | null;
  tickets: Ticket[];
  error?: string;
  /** The grid is outside the account's scope: its tickets are not ours to list. */
  outOfScope?: boolean;
}

export interface Pulse {
  id: string;
  lon: number;
  lat: number;
  /** performance.now() when it arrived */
  t0: number;
}

export interface Names {
  category: Map<string, string>;
  source: Map<string, string>;
  status: Map<string, string>;
}

export interface WallState {
  /** Who is signed in; kept while the sign-in form is over the wall. */
  account: Account | null;
  auth: AuthPhase;
  /** Shown above the sign-in form (why it is up), in Chinese. */
  authNotice: string | null;
  /** The account's scope: the wall's own area, framed at start. */
  scope: Area | null;
  meta: Meta | null;
  names: Names;
  connection: Connection;
  /** The CST day the wall shows, as the server told it: its date and first instant. */
  day: { date: string; start: number } | null;
  /** Today's figures: only ever from the server (GET /api/stats/today, the `stats` push). */
  stats: TodayStats | null;
  /** The day's tickets on the map. Mutable typed arrays; `ticketsVersion` changes whenever they do. */
  tickets: TicketBuffer;
  ticketsVersion: number;
  /** The day's latest tickets, newest first, capped; each in its latest state. */
  feed: Ticket[];
  pulses: Pulse[];
  selection: Selection | null;
  labels: Partial<Record<LabelLevel, Label[]>>;
}

const emptyNames = (): Names => ({ category: new Map(), source: new Map(), status: new Map() });

let state: WallState = {
  account: null,
  auth: 'checking',
  authNotice: null,
  scope: null,
  meta: null,
  names: emptyNames(),
  connection: 'connecting',
  day: null,
  stats: null,
  tickets: new TicketBuffer(),
  ticketsVersion: 0,
  feed: [],
  pulses: [],
  selection: null,
  labels: {},
};

const listeners = new Set<() => void>();

export const getState = (): WallState => state;

export function setState(patch: Partial<WallState> | ((s: WallState) => Partial<WallState>)): void {
  const p = typeof patch === 'function' ? patch(state) : patch;
  state = { ...state, ...p };
  for (const l of listeners) l();
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useWall<T>(selector: (s: WallState) => T): T {
  return useSyncExternalStore(subscribe, () => selector(state));
}

export function namesFromMeta(meta: Meta): Names {
  return {
    category: new Map(meta.categories.map((c) => [c.code, c.name])),
    source: new Map(meta.sources.map((c) => [c.code, c.name])),
    status: new Map(meta.statuses.map((c) => [c.code, c.name])),
  };
}
