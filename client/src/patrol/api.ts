// The patrol endpoints the wall reads (docs/API.md): the roster that names the frames' device
// indices, one device's track, and today's coverage. Through the session like every request.
import { apiFetch } from '../auth/session.ts';
import { HttpError } from '../api.ts';
import type { TrackPoint } from './replay.ts';
import type { Stop } from '../../../server/patrol/track-analysis.ts';

export interface RosterItem {
  index: number;
  id: string;
  name: string;
  role: string;
  /** Home grid's code. */
  grid: string;
  kind?: string;
  status: number;
  lastFixAt: string | null;
  lon: number | null;
  lat: number | null;
  /** The grid it stands in now. */
  standsIn: string | null;
}

/** A stay of 5 minutes or more, as the server's track analysis finds it. */
export type { Stop };

export interface Track {
  device: string;
  name: string;
  role: string;
  grid: string;
  from: string;
  to: string;
  fixes: number;
  distanceM: number;
  patrolMs: number;
  reported: number;
  points: (TrackPoint & { speed: number | null; bearing: number | null; accuracy: number | null })[];
  stops: Stop[];
}

export interface Coverage {
  area: string;
  grids: { grid: string; name: string; cells: number; walked: number; coverage: number }[];
  streets: { code: string; name: string; grids: number; coverage: number }[];
  offGrid: { device: string; name: string; grid: string; standsIn: string | null; since: string }[];
}

async function getJson<T>(path: string): Promise<T> {
  const res = await apiFetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new HttpError(res.status, `${path}: ${res.status} ${res.statusText}`);
  return (await res.json()) as T;
}

export const fetchRoster = (area: string): Promise<{ items: RosterItem[] }> => getJson(`/api/patrol/devices?area=${encodeURIComponent(area)}`);

/** A device's track; today (CST) when no range is given. `tolerance` (m) simplifies long ones. */
export function fetchTrack(id: string, range?: { from: number; to: number }, tolerance = 2): Promise<Track> {
  const q = new URLSearchParams({ tolerance: String(tolerance) });
  if (range) {
    q.set('from', new Date(range.from).toISOString());
    q.set('to', new Date(range.to).toISOString());
  }
  return getJson(`/api/devices/${encodeURIComponent(id)}/track?${q}`);
}

export const fetchCoverage = (area: string): Promise<Coverage> => getJson(`/api/patrol/coverage?area=${encodeURIComponent(area)}`);
