// The console's requests: one function per endpoint it uses, typed, no caching. Every
// request goes through the session's apiFetch (auth/session.ts), which renews on a 401.
import { apiFetch } from '../auth/session.ts';
import type {
  Area, BulkResult, Catalogue, Departments, GridGeometry, Kpi, QueueCode, QueueCount, QueuePage, Ticket, Timeline,
} from './types.ts';

/** A refused or failed request: the HTTP status and the server's message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function answer<T>(res: Response): Promise<T> {
  if (res.ok) return (await res.json()) as T;
  let message = res.statusText;
  try {
    message = ((await res.json()) as { message?: string }).message ?? message;
  } catch {
    /* not JSON */
  }
  throw new ApiError(res.status, message);
}

/** Network failures become an ApiError with status 0, so callers handle one kind of error. */
async function send<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await apiFetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  } catch (e) {
    if ((e as { name?: string }).name === 'AbortError') throw e;
    throw new ApiError(0, '无法连接服务器');
  }
  return answer<T>(res);
}

const getJson = <T>(path: string, signal?: AbortSignal): Promise<T> => send<T>(path, { signal });

const postJson = <T>(path: string, body: unknown): Promise<T> =>
  send<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const qs = (params: Record<string, string | number | undefined | null>): string =>
  new URLSearchParams(
    Object.entries(params)
      .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== null && e[1] !== '')
      .map(([k, v]) => [k, String(v)]),
  ).toString();

/** The console's filters, as the queue routes take them. */
export interface QueueFilters {
  area?: string;
  item?: string;
  platform?: string;
  department?: string;
  light?: 'green' | 'yellow' | 'red';
  source?: string;
  q?: string;
}

export const fetchQueues = (f: QueueFilters, signal?: AbortSignal): Promise<{ area: string; queues: QueueCount[] }> =>
  getJson(`/api/queues?${qs({ ...f })}`, signal);

export const fetchQueuePage = (queue: QueueCode, f: QueueFilters, o: { limit?: number; cursor?: string } = {}, signal?: AbortSignal): Promise<QueuePage> =>
  getJson(`/api/queues/${queue}?${qs({ ...f, limit: o.limit ?? 50, cursor: o.cursor })}`, signal);

export const fetchTimeline = (id: string, signal?: AbortSignal): Promise<Timeline> => getJson(`/api/tickets/${encodeURIComponent(id)}/timeline`, signal);

/** One step of the loop; `version` is the one the dispatcher saw (409 if it moved since). */
export const postAction = (id: string, body: { action: string; version: number } & Record<string, unknown>): Promise<{ ticket: Ticket; actions: string[] }> =>
  postJson(`/api/tickets/${encodeURIComponent(id)}/actions`, body);

export const postBulkAction = (ids: string[], body: { action: string } & Record<string, unknown>): Promise<BulkResult> =>
  postJson('/api/tickets/bulk-actions', { ids, ...body });

/** A photo as evidence (before or after handling): multipart, as server/routes/photos.ts takes it. */
export async function uploadPhoto(id: string, kind: 'before' | 'after', file: File): Promise<void> {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', file, file.name);
  await send(`/api/tickets/${encodeURIComponent(id)}/photos`, { method: 'POST', body: form });
}

/** A photo's thumbnail as an object URL, or null when there is none (404) or it cannot be read. */
export async function fetchThumb(hash: string, signal?: AbortSignal): Promise<string | null> {
  try {
    const res = await apiFetch(`/api/photos/${encodeURIComponent(hash)}/thumb`, { signal });
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    return URL.createObjectURL(await res.blob());
  } catch {
    return null;
  }
}

export const fetchCatalogue = (): Promise<Catalogue> => getJson('/api/catalogue');
export interface NearWorker { device: string; name: string; role: string; grid: string; distanceM: number; status: number; lastFixAt: string }
export const fetchNearestWorkers = (id: string, k: number, signal?: AbortSignal): Promise<{ items: NearWorker[] }> =>
  getJson(`/api/tickets/${encodeURIComponent(id)}/nearest-workers?${qs({ k })}`, signal);
export const fetchDepartments = (): Promise<Departments> => getJson('/api/departments');
export const fetchArea = (code: string): Promise<Area> => getJson(`/api/areas/${encodeURIComponent(code)}`);
export const fetchGrids = (parent: string, signal?: AbortSignal): Promise<GridGeometry> => getJson(`/api/grids?${qs({ parent })}`, signal);
export const fetchKpi = (area: string, from: string, to: string): Promise<Kpi> => getJson(`/api/kpi?${qs({ area, from, to })}`);
