// One storage interface for the product; SQLite (embedded) implements it, and the
// PostgreSQL stores (pg/) implement the same when DATABASE_URL is set.
import type { PgRegisters } from './pg/registers.ts';
import type { TrackStore } from './tracks.ts';
import type { CameraStatusStore } from './cameras.ts';
import type { Status, TicketInput, TicketRecord } from '../domain/ticket.ts';
import type { LoopState, TimelineEntry } from '../domain/loop.ts';
import type { AreaBoundDimension, Counts, Dimension, KpiDelta } from '../domain/kpi.ts';
import type { Role } from '../auth/roles.ts';

export interface TicketQuery {
  /** Any area code: tickets whose grid code starts with it. */
  area?: string;
  status?: Status;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  limit: number;
  /** Return tickets older than this sequence (the previous page's last). */
  beforeSeq?: number;
  /** Only tickets dispatched to this department (a handler's view). */
  department?: string;
  /** Any of these statuses (a queue). */
  statuses?: Status[];
  item?: string;
  platform?: string;
  source?: string;
  /** The light at `now` (yellow/red instants are stored). */
  light?: 'green' | 'yellow' | 'red';
  /** Past their deadline at `now` (the overdue queue). */
  overdue?: boolean;
  /** Of this event category (a grid's open risks: 治安隐患, 安全生产, 消防安全). */
  category?: string;
  /** Naming this city component (部件) by its 16-digit code. */
  component?: string;
  /** Reported by this principal (`account:<username>`, `key:<id>` …). */
  reportedBy?: string;
  /** Pushed to this grid worker's device (assign), or to anyone when `true`. */
  assignee?: string | true;
  /** Given at least one 督办. */
  supervised?: boolean;
  now?: number;
  /** Full text over the description and the place's names (Chinese: trigram, or a scan under 3 characters). */
  text?: string;
}

export interface CountQuery {
  area?: string;
  department?: string;

  from?: number;
  to?: number;
}

export interface TicketCounts {
  total: number;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  /** Counts per child area code (prefix of the grid code one level below `area`). */
  byChild: Record<string, number>;
}

/** A report to store, with its first loop state. */
export interface NewTicket {
  input: TicketInput;
  gridCode: string;
  createdAt: number;
  state: LoopState;
  reportedBy: string;
  reporterRole: string;
  /** The client's idempotency key: a retry with the same key stores nothing new. */
  clientId?: string;
  crs?: string;
  /** When the reporter saw it, if sent later (epoch ms). */
  observedAt?: number;
  /** Text a search finds it by besides its description (the place's names). */
  searchText?: string;
  /** The counters the report adds (server/domain/kpi.ts), in the same transaction. */
  kpi?: KpiDelta;
}

/** KPI counters per dimension, key and CST day (server/domain/kpi.ts); days are [from, to). */
export interface KpiStore {
  total(dim: Dimension, key: string, fromDay: number, toDay: number): Promise<Counts>;
  series(dim: Dimension, key: string, fromDay: number, toDay: number): Promise<{ day: number; counts: Counts }[]>;
  /** Every key of a dimension with its sums; for areas, those under `prefix` of one code
   * length, but `except` (the city's code is as long as a district's). */
  byKey(dim: Dimension, fromDay: number, toDay: number, under?: { prefix: string; length: number; except?: string }): Promise<{ key: string; counts: Counts }[]>;
  /** The departments, platforms, items or sources of one district or street (an area-bound
   * dimension, server/domain/kpi.ts) with their sums, keyed by their own codes. */
  ofArea(dim: AreaBoundDimension, area: string, fromDay: number, toDay: number): Promise<{ key: string; counts: Counts }[]>;
}

/** A ticket as a dot on the wall's map (GET /api/tickets/day-dots): the few columns a dot
 * needs, as a row of values. `onTime` as stored (1, 0, or null before closing). */
export type TicketDot = [seq: number, lon: number, lat: number, status: Status, category: string, version: number, yellowAt: number | null, deadlineAt: number | null, onTime: 0 | 1 | null, supervised: number];

/** Tickets' positions (WGS-84) and report instants (epoch ms), one index per ticket. */
export interface TicketPositions {
  count: number;
  lon: Float64Array;
  lat: Float64Array;
  at: Float64Array;
}

export interface TimelineRecord extends TimelineEntry {
  seq: number;
}

export interface TicketStore {
  /** Stores a ticket and its `report` timeline entry durably before answering (an
   * acknowledged write survives a kill). With a client id already stored by the same
   * reporter, answers that ticket and `created: false`. `change` is the timeline
   * sequence of the report: live events carry it, so a wall applies only what is newer
   * than the counts it read (their watermark). */
  insert(t: NewTicket): Promise<{ record: TicketRecord; created: boolean; change: number }>;
  /** The new state and its timeline entry in one transaction, only if the stored version
   * is still `expectedVersion`; 'conflict' (and nothing changed) otherwise. */
  transition(seq: number, expectedVersion: number, next: LoopState, entry: TimelineEntry, kpi?: KpiDelta): Promise<{ change: number } | 'conflict'>;
  /** The last change (timeline sequence) stored: counts read now include every change up to it. */
  lastChange(): Promise<number>;
  /** A job's mark (the deadline clock's last instant checked), kept across restarts. */
  jobMark(name: string): Promise<{ at: number; seq: number } | null>;
  setJobMark(name: string, mark: { at: number; seq: number }): Promise<void>;
  /** Lights turning yellow or red after `after` (an instant and a ticket, exclusive) up to
   * `upTo`, in order: the deadline clock's work, a page at a time. */
  lightEvents(after: { at: number; seq: number }, upTo: number, limit: number): Promise<{ seq: number; at: number; kind: 'yellow' | 'red' }[]>;
  /** Open tickets past their deadline at `now` under an area prefix. */
  overdue(areaPrefix: string, now: number): Promise<number>;
  /** Open tickets now (not closed, not rejected) and those past their deadline at `now`,
   * per child area under `areaPrefix` (its code's first `childLength` digits): the map's
   * "open" and "overdue" figures, read from indexes, never by visiting every ticket. */
  openByChild(areaPrefix: string, childLength: number, now: number): Promise<Record<string, { open: number; overdue: number }>>;
  timeline(seq: number): Promise<TimelineRecord[]>;
  get(seq: number): Promise<TicketRecord | undefined>;
  list(q: TicketQuery): Promise<TicketRecord[]>;
  /** The tickets of an area and time span as dots, oldest first: only the columns a dot needs
   * and no records built, so a whole day is one quick read (86,400 tickets: ~0.15 s here,
   * where list() takes ~5 s to build their records). */
  dots(q: CountQuery): Promise<TicketDot[]>;
  /** The tickets of an area and time span as columns of position and report instant, oldest
   * first (heatmaps: a month of the city is ~125,000), no records and no row arrays kept. */
  positions(q: CountQuery): Promise<TicketPositions>;
  /** `childLength`: how many code digits name a child area (9 for a district's streets…). */
  count(q: CountQuery, childLength: number): Promise<TicketCounts>;
  /** How many tickets a filtered list (without limit and cursor) holds. */
  countWhere(q: Omit<TicketQuery, 'limit' | 'beforeSeq'>): Promise<number>;
  total(): Promise<number>;
  /** Open tickets (neither closed nor rejected) that name a city component: what a
   * component's state follows, read again at every start. */
  openWithComponent(): Promise<{ seq: number; component: string; status: Status; description: string }[]>;
  /** The tickets (sequences, ascending) with a photo of this content hash attached (an
   * `attach` entry in their timeline): who may see the photo is who may read one of them. */
  ticketsWithPhoto(hash: string): Promise<number[]>;
}

/** Everything the product stores, in one database (one transaction scope, one lock). */
export interface Stores {
  tickets: TicketStore;
  kpi: KpiStore;
  access: AccessStore;
  audit: AuditStore;
  /** Devices' tracks (patrol), in a store of their own (server/store/tracks.ts). */
  tracks: TrackStore;
  /** Cameras' last known status (store/cameras.ts). */
  cameras: CameraStatusStore;
  /** The registers with a place (grids, components, cameras) in PostGIS, answering the
   * spatial queries (pg/registers.ts); absent on the embedded store, where the node's
   * in-memory indexes answer them. */
  registers?: PgRegisters;
  /** Synchronous for SQLite; PostgreSQL ends its pool (awaited). */
  close(): void | Promise<void>;
}

// ── Access: accounts, sessions, displays, devices, API keys ──────────────────────────

export interface AccountRecord {
  username: string;
  name: string;
  role: Role;
  scope: string;
  department: string | null;
  grids: string[];
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export type AccountPatch = Partial<Pick<AccountRecord, 'name' | 'role' | 'scope' | 'department' | 'grids' | 'passwordHash' | 'disabled'>>;

export interface SessionRecord {
  sid: string;
  kind: 'account' | 'display';
  principalId: string;
  refreshHash: string;
  /** The refresh token before the last rotation: presenting it again means it was stolen. */
  previousRefreshHash: string | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** A wall display, a device (tracker/phone) or an integration's API key: a named holder of
 * a token whose hash is stored. */
export interface IssuedRecord {
  id: string;
  name: string;
  scope: string;
  /** The device's grid worker. */
  workerId: string | null;
  tokenHash: string;
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
}

export type IssuedKind = 'display' | 'device' | 'key';

export interface SessionWithOwner {
  session: SessionRecord;
  /** The account of an 'account' session, if it still exists. */
  account?: AccountRecord;
  /** The display of a 'display' session, if it still exists. */
  display?: IssuedRecord;
}

export interface AccessStore {
  createAccount(a: Omit<AccountRecord, 'createdAt' | 'updatedAt' | 'disabled'>, now: number): Promise<AccountRecord>;
  account(username: string): Promise<AccountRecord | undefined>;
  accounts(): Promise<AccountRecord[]>;
  /** The account after the change, or undefined if there is none. */
  updateAccount(username: string, patch: AccountPatch, now: number): Promise<AccountRecord | undefined>;

  createSession(s: Omit<SessionRecord, 'revokedAt' | 'previousRefreshHash'>): Promise<void>;
  session(sid: string): Promise<SessionRecord | undefined>;
  /** A session with the account or display it belongs to, in one lookup (every signed-in
   * request asks: on PostgreSQL one statement instead of two). */
  sessionWithOwner(sid: string): Promise<SessionWithOwner | undefined>;
  sessionByRefresh(refreshHash: string): Promise<SessionRecord | undefined>;
  rotateSession(sid: string, refreshHash: string, expiresAt: number): Promise<void>;
  revokeSession(sid: string, now: number): Promise<void>;
  /** Every open session of an account or display; the sids revoked. */
  revokeSessionsOf(kind: SessionRecord['kind'], principalId: string, now: number): Promise<string[]>;

  issue(kind: IssuedKind, r: Omit<IssuedRecord, 'revokedAt'>): Promise<IssuedRecord>;
  issued(kind: IssuedKind, id: string): Promise<IssuedRecord | undefined>;
  issuedByToken(kind: IssuedKind, tokenHash: string): Promise<IssuedRecord | undefined>;
  issuedList(kind: IssuedKind): Promise<IssuedRecord[]>;
  revokeIssued(kind: IssuedKind, id: string, now: number): Promise<IssuedRecord | undefined>;
}

// ── Audit: append-only ───────────────────────────────────────────────────────────────
export interface AuditEntry {
  at: number;
  /** Username, display/key id, or 'anonymous'; for a failed sign-in, the name tried. */
  actor: string;
  role: string | null;
  address: string;
  /** e.g. 'POST /api/tickets', 'auth.login', 'auth.login.failed'. */
  kind: string;
  target: string | null;
  status: number;
  before: unknown;
  after: unknown;
}

export interface AuditQuery {
  actor?: string;
  kind?: string;
  from?: number;
  to?: number;
  limit: number;
  beforeSeq?: number;
}

export interface AuditStore {
  append(e: AuditEntry): Promise<number>;
  list(q: AuditQuery): Promise<(AuditEntry & { seq: number })[]>;
}
