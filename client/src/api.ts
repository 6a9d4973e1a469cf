// Fetch helpers: one function per endpoint of docs/API.md, typed, no caching. Every
// request goes through the session (auth/session.ts), which renews it on a 401.
import { apiFetch } from './auth/session.ts';
import { decodeDayDots, type DayDots } from './live/dayDots.ts';
import { noteServerTime } from './live/serverClock.ts';
import type { Area, GridGeometry, Label, Level, Located, Meta, TicketPage, TodayStats } from './types.ts';

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

/** Today's figures; the server's clock in them sets the wall's (live/serverClock.ts). */
export async function fetchStatsToday(area: string): Promise<TodayStats> {
  const sentAt = performance.now();
  const stats = await getJson<TodayStats>(`/api/stats/today?${qs({ area })}`);
  noteServerTime(stats.serverTime, sentAt);
  return stats;
}

export const fetchTicketPage = (
  params: { area: string; from?: string; to?: string; status?: string; limit?: number; cursor?: string },
  signal?: AbortSignal,
): Promise<TicketPage> => getJson(`/api/tickets?${qs(params)}`, signal);

/** A day's tickets of an area as dots (the server's today without `date`), decoded, with
 * what the transfer cost (for the test handle). */
export async function fetchDayDots(area: string, date?: string): Promise<{ dots: DayDots; bytes: number; fetchMs: number; decodeMs: number }> {
  const path = `/api/tickets/day-dots?${qs({ area, date })}`;
  const sentAt = performance.now();
  const res = await apiFetch(path, { headers: { accept: 'application/octet-stream' } });
  if (!res.ok) throw new HttpError(res.status, `${path}: ${res.status} ${res.statusText}`);
  const buf = await res.arrayBuffer();
  const t1 = performance.now();
  // Its serverTime is not taken for the clock: a big answer's round trip says little of when it was read.
  const dots = decodeDayDots(buf);
  return { dots, bytes: buf.byteLength, fetchMs: t1 - sentAt, decodeMs: performance.now() - t1 };
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
