// One storage interface for the product; SQLite (embedded) implements it now, and a
// PostgreSQL implementation will implement the same when DATABASE_URL is set.
import type { Status, TicketInput, TicketRecord } from '../domain/ticket.ts';
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

export interface TicketStore {
  /** Stores a ticket durably before returning it (an acknowledged write survives a kill). */
  insert(input: TicketInput, gridCode: string, createdAt: number): TicketRecord;
  get(seq: number): TicketRecord | undefined;
  list(q: TicketQuery): TicketRecord[];
  /** `childLength`: how many code digits name a child area (9 for a district's streets…). */
  count(q: CountQuery, childLength: number): TicketCounts;
  total(): number;
}

/** Everything the product stores, in one database (one transaction scope, one lock). */
export interface Stores {
  tickets: TicketStore;
  access: AccessStore;
  audit: AuditStore;
  close(): void;
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

export interface AccessStore {
  createAccount(a: Omit<AccountRecord, 'createdAt' | 'updatedAt' | 'disabled'>, now: number): Promise<AccountRecord>;
  account(username: string): Promise<AccountRecord | undefined>;
  accounts(): Promise<AccountRecord[]>;
  /** The account after the change, or undefined if there is none. */
  updateAccount(username: string, patch: AccountPatch, now: number): Promise<AccountRecord | undefined>;

  createSession(s: Omit<SessionRecord, 'revokedAt' | 'previousRefreshHash'>): Promise<void>;
  session(sid: string): Promise<SessionRecord | undefined>;
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
