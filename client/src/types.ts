// The shapes the server answers with (docs/API.md). Only what the wall reads.
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';

export type Level = 'city' | 'district' | 'street' | 'community' | 'grid';
export type LonLat = [number, number];
export type BBox = [number, number, number, number];

export interface AreaRef {
  code: string;
  name: string;
  level?: Level;
}

export interface Worker {
  id: string;
  name: string;
  /** liaison 网格联络员, leader 网格长, full_time 专职网格员, part_time 兼职网格员. */
  role: 'liaison' | 'leader' | 'full_time' | 'part_time' | string;
  /** Masked by the server unless the reader may see personal data. */
  phone: string;
  /** Carries the grid's phone (网格通), so it is on the wall's workers layer. */
  carriesPhone?: boolean;
}

/** A grid's team (synthetic): named members in role order, volunteers as a count. */
export interface GridTeam {
  members: Worker[];
  volunteers: number;
}

export interface Area {
  code: string;
  name: string;
  level: Level;
  parent: string | null;
  path: AreaRef[];
  children: AreaRef[];
  areaKm2: number;
  label: LonLat;
  bbox: BBox;
  synthetic: boolean;
  // grids only
  type?: 'base' | 'dedicated';
  households?: number;
  unit?: string;
  /** The phone carriers. */
  workers?: Worker[];
  /** The whole team ("4+X", "3+X", "2+X"). */
  team?: GridTeam;
}

export interface Reporter {
  name: string;
  phone: string;
}

export type Light = 'green' | 'yellow' | 'red';

export interface Ticket {
  /** The city component (部件) it names, if any (its 16-digit code). */
  component?: string;
  id: string;
  createdAt: string;
  lon: number;
  lat: number;
  category: string;
  description?: string;
  source: string;
  /** A state of the loop (reported … closed, rejected, returned); names in Meta.statuses. */
  status: string;
  /** Bumped by every step: of two states of a ticket, the higher version is the later. */
  version: number;
  /** On the working-day clock; null when no limit runs (rejected). */
  light: Light | null;
  deadline?: string | null;
  /** 督办 given. */
  supervised?: number;
  grid: { code: string; name: string };
  community?: { code: string; name: string };
  street?: { code: string; name: string };
  district?: { code: string; name: string };
  /** A real-name reporter: in full or masked by the reader's role, never in the live feed. */
  reporter?: Reporter;
}

/** A `ticket` event: the ticket's new state, and `change`, the sequence of the change it
 * announces (none when only its light turned with time). */
export interface LiveTicket extends Ticket {
  change?: number;
}

export interface TicketPage {
  items: Ticket[];
  nextCursor: string | null;
}

/** Today's figures (GET /api/stats/today and the `stats` push: the same object). */
export interface TodayStats {
  /** The server's CST date they are of. */
  date: string;
  /** The server's clock when they were read (epoch ms). */
  serverTime: number;
  /** The last change they include. */
  watermark: number;
  area: { code: string; name: string; level: string };
  reported: number;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  byChild: { code: string; name: string; reported: number }[];
  // Not in a handler's view (theirs is their department's tickets only).
  registered?: number;
  closed?: number;
  /** closed / registered; null when nothing is registered. */
  closureRate?: number | null;
  /** closed on time / closed; null when nothing is closed. */
  onTimeRate?: number | null;
  supervised?: number;
  /** Open tickets past their deadline now (any day's). */
  overdueNow?: number;
}

export interface CodeName {
  code: string;
  name: string;
}

export interface Meta {
  categories: CodeName[];
  sources: CodeName[];
  statuses: CodeName[];
  city: { code: string; name: string; bbox: BBox };
}

export interface Label {
  code: string;
  name: string;
  label: LonLat;
}

export interface Located {
  grid: { code: string; name: string } | null;
  community?: AreaRef;
  street?: AreaRef;
  district?: AreaRef;
}

export type GridGeometry = FeatureCollection<Polygon | MultiPolygon, { code: string; name: string }>;

/** Who is signed in (GET /api/auth/me). */
export interface Account {
  kind: 'account' | 'display' | 'key';
  username: string;
  name: string;
  role: string;
  roleName: string;
  /** An area code; the account reads only inside it. */
  scope: string;
  department?: string;
  grids?: string[];
}
