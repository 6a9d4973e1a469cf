// Fetch helpers: one function per endpoint of docs/API.md, typed, no caching. Every
// request goes through the session (auth/session.ts), which renews it on a 401.
import { apiFetch } from './auth/session.ts';
import type { Area, GridGeometry, Label, Level, Located, Meta, Ticket, TicketPage, TodayStats } from './types.ts';
import { startOfDayCST } from '../../server/domain/day.ts';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await apiFetch(path, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    let message = res.statusText;
    try {
      message = ((await res.json()) as { message?: string }).message ?? message;
    } catch {
      /* not JSON */
    }
    throw new HttpError(res.status, `${path}: ${res.status} ${message}`);
  }
  return (await res.json()) as T;
}

const qs = (params: Record<string, string | number | undefined>): string =>
  new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined).map(([k, v]) => [k, String(v)]),
  ).toString();

export const fetchMeta = (): Promise<Meta> => getJson('/api/meta');

export const fetchStatsToday = (area: string): Promise<TodayStats> => getJson(`/api/stats/today?${qs({ area })}`);

export const fetchTicketPage = (
  params: { area: string; from?: string; to?: string; status?: string; limit?: number; cursor?: string },
  signal?: AbortSignal,
): Promise<TicketPage> => getJson(`/api/tickets?${qs(params)}`, signal);

/** Every ticket since `from`, newest first, following the cursor up to `max`. */
export async function fetchTicketsSince(area: string, from: string, max = 20_000): Promise<Ticket[]> {
  const out: Ticket[] = [];
  let cursor: string | undefined;
  let limit = 1000;
  while (out.length < max) {
    let page: TicketPage;
    try {
      page = await fetchTicketPage({ area, from, limit, cursor });
    } catch (e) {
      // A server with a smaller page cap answers 400: ask for less rather than show nothing.
      if (e instanceof HttpError && e.status === 400 && limit > 100) {
        limit = 100;
        continue;
      }
      throw e;
    }
    out.push(...page.items);
    if (!page.nextCursor || page.items.length === 0) break;
    cursor = page.nextCursor;
  }
  return out;
}

export const fetchArea = (code: string): Promise<Area> => getJson(`/api/areas/${encodeURIComponent(code)}`);

export const fetchGrids = (parent: string): Promise<GridGeometry> => getJson(`/api/grids?${qs({ parent })}`);

export const fetchLabels = (level: Exclude<Level, 'city'>): Promise<Label[]> => getJson(`/api/labels?${qs({ level })}`);

/** null when the point is outside the city (404). */
export async function locate(lon: number, lat: number): Promise<Located | null> {
  try {
    return await getJson<Located>(`/api/locate?${qs({ lon: lon.toFixed(6), lat: lat.toFixed(6) })}`);
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return null;
    throw e;
  }
}

/** Start of today in Changzhou (the CST day the server counts by), as an ISO instant. */
export function startOfTodayIso(now = Date.now()): string {
  return new Date(startOfDayCST(now)).toISOString();
}
