// The phone's requests: one function per endpoint it uses, typed, no caching, all through
// the session's apiFetch (auth/session.ts renews on a 401). A failure is a PhoneError that
// says whether trying again later can help (the network, the server busy or down) or not
// (the server refused this request as it is): the outbox keeps the first and sets the
// second aside for the worker to see.
import { apiFetch } from '../auth/session.ts';
import type { Catalogue, Ticket, Timeline } from '../console/types.ts';

export class PhoneError extends Error {
  constructor(
    /** 0 when the server was not reached. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /** Worth sending again later: unreachable, a timeout, too many requests, the server's trouble,
   * a route this server does not have yet (an older server during an upgrade). */
  get transient(): boolean {
    return this.status === 0 || this.status === 401 || (this.status === 404 && this.message.startsWith('no route')) || this.status === 408 || this.status === 425 || this.status === 429 || this.status >= 500;
  }
}

async function send<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await apiFetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  } catch {
    throw new PhoneError(0, '无法连接服务器');
  }
  if (res.ok) return (await res.json()) as T;
  let message = res.statusText;
  try {
    message = ((await res.json()) as { message?: string }).message ?? message;
  } catch {
    /* not JSON */
  }
  throw new PhoneError(res.status, message);
}

const postJson = <T>(path: string, body: unknown): Promise<T> =>
  send<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A fix as POST /api/positions takes it (the signed-in worker's own phone: no `device`). */
export interface WireFix {
  t: number;
  lon: number;
  lat: number;
  crs: 'wgs84';
  accuracy?: number;
  speed?: number;
  bearing?: number;
  altitude?: number;
  battery?: number;
}

export interface PositionsAnswer {
  accepted: number;
  duplicates: number[];
  rejected: { index: number; message: string }[];
}

export const postPositions = (fixes: WireFix[]): Promise<PositionsAnswer> => postJson('/api/positions', { fixes });

export interface PatrolToday {
  distanceM: number;
  patrolMs: number;
  fixes: number;
  reported: number;
}

export const fetchPatrolToday = (): Promise<PatrolToday> => send('/api/patrol/today');

export interface Task {
  ticket: Ticket;
  actions: string[];
  /** Pushed to this worker by a dispatcher (派给我), rather than waiting in their grid. */
  assigned?: boolean;
}

export const fetchTasks = (): Promise<{ items: Task[] }> => send('/api/patrol/tasks');

/** What the phone reports (POST /api/tickets): `clientId` makes a resend store nothing new;
 * `observedAt` is when the worker made it, for a report that waited in the outbox. */
export interface ReportBody {
  lon: number;
  lat: number;
  crs: 'wgs84';
  category: string;
  description: string;
  source: 'patrol';
  clientId: string;
  observedAt?: string;
}

export const postReport = (body: ReportBody): Promise<Ticket> => postJson('/api/tickets', body);

export const postAction = (id: string, body: { action: string; version?: number } & Record<string, unknown>): Promise<{ ticket: Ticket; actions: string[] }> =>
  postJson(`/api/tickets/${encodeURIComponent(id)}/actions`, body);

export function uploadPhoto(id: string, kind: 'before' | 'after', photo: Blob, name: string): Promise<{ ticket: Ticket; photo: { hash: string } }> {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', photo, name);
  return send(`/api/tickets/${encodeURIComponent(id)}/photos`, { method: 'POST', body: form });
}

export const fetchTimeline = (id: string): Promise<Timeline> => send(`/api/tickets/${encodeURIComponent(id)}/timeline`);

export const fetchCatalogue = (): Promise<Catalogue> => send('/api/catalogue');

export interface PlaceName {
  code: string;
  name: string;
}

export const fetchArea = (code: string): Promise<{ code: string; name: string; path: PlaceName[] }> => send(`/api/areas/${encodeURIComponent(code)}`);

/** The grid at a point; null outside the city. */
export async function locate(lon: number, lat: number): Promise<{ grid: PlaceName; community: PlaceName } | null> {
  try {
    return await send(`/api/locate?lon=${lon.toFixed(6)}&lat=${lat.toFixed(6)}`);
  } catch (e) {
    if (e instanceof PhoneError && e.status === 404 && !e.message.startsWith('no route')) return null;
    throw e;
  }
}
