// Tickets and their timelines in the embedded store. A ticket row holds the report and
// the whole loop state (server/domain/loop.ts), one column per field, so queues and
// counts are indexed queries. A transition is one transaction: the new state only if the
// version is still the one the action was decided on, and its timeline entry with it.
import type Database from 'better-sqlite3';
import { groupCommit, type GroupCommit } from './sqlite-group-commit.ts';
import { STATUS_CODES, type Status, type TicketInput, type TicketRecord } from '../domain/ticket.ts';
import { CLOSED_STATUSES } from '../domain/open311.ts';
import type { LoopState, TimelineEntry } from '../domain/loop.ts';
import { reportedState } from '../domain/loop.ts';
import type { KpiDelta } from '../domain/kpi.ts';
import { kpiWriter } from './sqlite-kpi.ts';
import type { CountQuery, NewTicket, TicketCounts, TicketDot, TicketPositions, TicketQuery, TicketStore, TimelineRecord } from './types.ts';

export const TICKETS_SCHEMA = `
CREATE TABLE IF NOT EXISTS tickets (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at  INTEGER NOT NULL,
  grid_code   TEXT    NOT NULL,
  status      TEXT    NOT NULL,
  category    TEXT    NOT NULL,
  source      TEXT    NOT NULL,
  lon         REAL    NOT NULL,
  lat         REAL    NOT NULL,
  description TEXT    NOT NULL,
  department  TEXT,
  reporter_name  TEXT,
  reporter_phone TEXT
);
CREATE TABLE IF NOT EXISTS timeline (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket     INTEGER NOT NULL REFERENCES tickets (seq),
  at         INTEGER NOT NULL,
  actor      TEXT    NOT NULL,
  role       TEXT    NOT NULL,
  action     TEXT    NOT NULL,
  from_status TEXT,
  to_status  TEXT    NOT NULL,
  note       TEXT,
  data       TEXT
);
CREATE INDEX IF NOT EXISTS timeline_ticket ON timeline (ticket, seq);
CREATE VIRTUAL TABLE IF NOT EXISTS ticket_text USING fts5 (text, tokenize = 'trigram');
CREATE TABLE IF NOT EXISTS job_marks (name TEXT PRIMARY KEY, at INTEGER NOT NULL, seq INTEGER NOT NULL DEFAULT 0);
`;

/** Loop fields beyond the spine's columns: [field, column, SQL type]. Added to stores
 * made before the loop existed, so their tickets stay readable (as `reported`). */
const LOOP_COLUMNS: [keyof LoopState | 'reportedBy' | 'clientId' | 'crs', string, string][] = [
  ['version', 'version', 'INTEGER NOT NULL DEFAULT 1'], ['item', 'item', 'TEXT'], ['level', 'level', 'TEXT'], ['platform', 'platform', 'TEXT'],
  ['tier', 'tier', "TEXT NOT NULL DEFAULT 'community'"], ['registeredAt', 'registered_at', 'INTEGER'], ['step', 'step', 'TEXT'],
  ['stepStartedAt', 'step_started_at', 'INTEGER'], ['limitMs', 'limit_ms', 'INTEGER'], ['pausedMs', 'paused_ms', 'INTEGER NOT NULL DEFAULT 0'],
  ['pausedSince', 'paused_since', 'INTEGER'], ['extensionHours', 'extension_hours', 'REAL'], ['reminded', 'reminded', 'INTEGER NOT NULL DEFAULT 0'],
  ['supervised', 'supervised', 'INTEGER NOT NULL DEFAULT 0'], ['rework', 'rework', 'INTEGER NOT NULL DEFAULT 0'], ['escalated', 'escalated', 'INTEGER NOT NULL DEFAULT 0'],
  ['reopened', 'reopened', 'INTEGER NOT NULL DEFAULT 0'], ['selfHandled', 'self_handled', 'INTEGER NOT NULL DEFAULT 0'], ['satisfaction', 'satisfaction', 'INTEGER'],
  ['rejectReason', 'reject_reason', 'TEXT'], ['duplicateOf', 'duplicate_of', 'TEXT'], ['closedAt', 'closed_at', 'INTEGER'], ['onTime', 'on_time', 'INTEGER'],
  ['reportedBy', 'reported_by', 'TEXT'], ['clientId', 'client_id', 'TEXT'], ['crs', 'crs', 'TEXT'],
  ['photos', 'photos_before', 'INTEGER NOT NULL DEFAULT 0'], ['photos', 'photos_after', 'INTEGER NOT NULL DEFAULT 0'],
  ['yellowAt', 'yellow_at', 'INTEGER'], ['deadlineAt', 'deadline_at', 'INTEGER'], ['assignee', 'assignee', 'TEXT'],
];

const INDEXES = `
CREATE INDEX IF NOT EXISTS tickets_grid_seq ON tickets (grid_code, seq);
CREATE INDEX IF NOT EXISTS tickets_created ON tickets (created_at, grid_code);
CREATE INDEX IF NOT EXISTS tickets_status_grid ON tickets (status, grid_code, seq);
CREATE INDEX IF NOT EXISTS tickets_department_status ON tickets (department, status, seq);
CREATE INDEX IF NOT EXISTS tickets_yellow_at ON tickets (yellow_at) WHERE yellow_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS tickets_deadline_at ON tickets (deadline_at, grid_code) WHERE deadline_at IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS tickets_client_id ON tickets (reported_by, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS tickets_assignee ON tickets (assignee, status) WHERE assignee IS NOT NULL;
CREATE INDEX IF NOT EXISTS tickets_component ON tickets (component, seq) WHERE component IS NOT NULL;
CREATE INDEX IF NOT EXISTS timeline_photo ON timeline (json_extract(data, '$.photo')) WHERE action = 'attach';
`;

export function migrateTickets(db: Database.Database): void {
  const hadText = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'ticket_text'").get() !== undefined;
  db.exec(TICKETS_SCHEMA);
  // A store from before search: its tickets are found by their descriptions.
  if (!hadText) db.exec('INSERT INTO ticket_text (rowid, text) SELECT seq, description FROM tickets');
  const columns = new Set((db.pragma('table_info(tickets)') as { name: string }[]).map((c) => c.name));
  // Stores made by the spine lack the columns added since.
  for (const c of ['department', 'reporter_name', 'reporter_phone']) if (!columns.has(c)) db.exec(`ALTER TABLE tickets ADD COLUMN ${c} TEXT`);
  for (const [, column, type] of LOOP_COLUMNS) if (!columns.has(column)) db.exec(`ALTER TABLE tickets ADD COLUMN ${column} ${type}`);
  // The city component (部件) a report names, if any: stores from before components lack it.
  if (!columns.has('component')) db.exec('ALTER TABLE tickets ADD COLUMN component TEXT');
  db.exec(INDEXES);
}

export type Row = Record<string, string | number | null>;

/** A ticket row as a record. Written out field by field: the generic version (a loop over
 * LOOP_COLUMNS and object spreads) cost ~20 µs a row, 4 % of a write's CPU. */
export function fromRow(r: Row): TicketRecord {
  const reported = r.status === 'reported';
  const record: TicketRecord = {
    status: r.status as TicketRecord['status'], version: r.version as number, gridCode: r.grid_code as string,
    item: r.item as string | null, level: r.level as TicketRecord['level'], platform: r.platform as string | null,
    department: r.department as string | null, tier: r.tier as TicketRecord['tier'], reportedAt: r.created_at as number,
    registeredAt: r.registered_at as number | null,
    // The spine's reported tickets have no step: their verification runs from the report.
    step: (r.step ?? (reported ? 'verify' : null)) as LoopState['step'],
    stepStartedAt: (r.step_started_at ?? (reported ? r.created_at : null)) as number | null,
    limitMs: r.limit_ms as number | null, pausedMs: r.paused_ms as number, pausedSince: r.paused_since as number | null,
    extensionHours: r.extension_hours as number | null, reminded: r.reminded as number, supervised: r.supervised as number,
    rework: r.rework as number, escalated: r.escalated as number, reopened: r.reopened === 1, selfHandled: r.self_handled === 1,
    satisfaction: r.satisfaction as number | null, rejectReason: r.reject_reason as TicketRecord['rejectReason'],
    duplicateOf: r.duplicate_of as string | null, closedAt: r.closed_at as number | null, onTime: r.on_time === null ? null : r.on_time === 1,
    photos: { before: r.photos_before as number, after: r.photos_after as number },
    yellowAt: r.yellow_at as number | null, deadlineAt: r.deadline_at as number | null, assignee: r.assignee as string | null,
    reportedBy: r.reported_by as string | null, clientId: r.client_id as string | null, crs: r.crs as string | null,
    seq: r.seq as number, createdAt: r.created_at as number, category: r.category as TicketRecord['category'],
    source: r.source as TicketRecord['source'], lon: r.lon as number, lat: r.lat as number, description: r.description as string,
  } as TicketRecord;
  if (r.component !== null && r.component !== undefined) record.component = r.component as string;
  if (r.reporter_name !== null && r.reporter_phone !== null) record.reporter = { name: r.reporter_name as string, phone: r.reporter_phone as string };
  return record;
}

/** The loop state's own fields (not the photo counts, nor who reported and how). */
const STATE_COLUMNS = LOOP_COLUMNS.filter(([field]) => field !== 'photos' && field !== 'reportedBy' && field !== 'clientId' && field !== 'crs') as [keyof LoopState, string, string][];
/** The loop's columns, in the order of `loopRow`'s values. */
const LOOP_ROW_COLUMNS: readonly string[] = ['status', 'department', ...STATE_COLUMNS.map(([, column]) => column), 'photos_before', 'photos_after'];
/** The loop's values, appended to `out` in the order of LOOP_ROW_COLUMNS (booleans as 0/1).
 * Positional: a record per ticket cost the seeded history's bulk load ~10 µs a ticket. */
function loopRow(s: LoopState, out: unknown[]): unknown[] {
  out.push(s.status, s.department);
  for (let i = 0; i < STATE_COLUMNS.length; i++) {
    const val = s[STATE_COLUMNS[i][0]];
    out.push(typeof val === 'boolean' ? (val ? 1 : 0) : val);
  }
  out.push(s.photos.before, s.photos.after);
  return out;
}
/** The loop's columns and their values for an UPDATE or INSERT. */
export function loopValues(s: LoopState): Record<string, unknown> {
  const row = loopRow(s, []);
  const out: Record<string, unknown> = {};
  LOOP_ROW_COLUMNS.forEach((column, i) => (out[column] = row[i]));
  return out;
}

// A new ticket's row, its `report` entry, a timeline row and the text a search finds it by:
// defined once for the live insert below and the bulk writer (sqlite-bulk.ts, the seeded
// history), so both store a report exactly the same way. Values are positional, in the
// order of the column lists.
/** The columns of a new ticket row, in the order of `ticketValues`. */
export const TICKET_COLUMNS: readonly string[] = [
  'created_at', 'grid_code', 'category', 'source', 'lon', 'lat', 'description', 'reporter_name', 'reporter_phone', 'reported_by', 'client_id', 'crs', 'component',
  ...LOOP_ROW_COLUMNS,
];
export function ticketValues(t: NewTicket): unknown[] {
  return loopRow(t.state, [
    t.createdAt, t.gridCode, t.input.category, t.input.source, t.input.lon, t.input.lat, t.input.description,
    t.input.reporter?.name ?? null, t.input.reporter?.phone ?? null, t.reportedBy, t.clientId ?? null, t.crs ?? 'wgs84', t.input.component ?? null,
  ]);
}
/** The columns of a timeline row, in the order of `timelineValues`. */
export const TIMELINE_COLUMNS: readonly string[] = ['ticket', 'at', 'actor', 'role', 'action', 'from_status', 'to_status', 'note', 'data'];
export const timelineValues = (ticket: number, e: TimelineEntry): unknown[] =>
  [ticket, e.at, e.actor, e.role, e.action, e.from, e.to, e.note, e.data ? JSON.stringify(e.data) : null];
/** The first entry of every timeline: who reported it, by which channel and datum. */
export const reportEntry = (t: NewTicket): TimelineEntry =>
  ({ at: t.createdAt, actor: t.reportedBy, role: t.reporterRole, action: 'report', from: null, to: 'reported', note: null, data: { source: t.input.source, crs: t.crs ?? 'wgs84', ...(t.observedAt !== undefined ? { observedAt: new Date(t.observedAt).toISOString() } : {}) } });
/** The `ticket_text` row of a ticket (rowid = its seq): the description and the place's names. */
export const searchTextOf = (t: NewTicket): string => `${t.input.description} ${t.searchText ?? ''}`;
/** An INSERT of `rows` rows (a bulk load inserts many per statement). */
export const insertSql = (table: string, columns: readonly string[], rows = 1): string =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows).fill(`(${columns.map(() => '?').join(', ')})`).join(', ')}`;

/** Codes are digits only, so every code starting with `p` sorts in [p, p + ':'). */
export function prefixRange(area: string): [string, string] {
  return [area, area + ':'];
}

export function sqliteTicketStore(db: Database.Database, commit: GroupCommit = groupCommit(db)): TicketStore {
  const loopCols = Object.keys(loopValues(reportedState('', 0)));
  const insertStmt = db.prepare(insertSql('tickets', TICKET_COLUMNS));
  const updateStmt = db.prepare(`UPDATE tickets SET ${loopCols.map((c) => `${c} = @${c}`).join(', ')} WHERE seq = @seq AND version = @expected`);
  const timelineStmt = db.prepare(insertSql('timeline', TIMELINE_COLUMNS));
  const timelineOf = db.prepare('SELECT * FROM timeline WHERE ticket = ? ORDER BY seq');
  const getStmt = db.prepare('SELECT * FROM tickets WHERE seq = ?');
  const byClientId = db.prepare('SELECT * FROM tickets WHERE reported_by = ? AND client_id = ?');
  const totalStmt = db.prepare('SELECT count(*) AS n FROM tickets').pluck();
  const openComponentsStmt = db.prepare("SELECT seq, component, status, description FROM tickets WHERE component IS NOT NULL AND status NOT IN ('closed', 'rejected')");

  const addKpi = kpiWriter(db);
  const lightEventsStmt = db.prepare(
    `SELECT seq, yellow_at AS at, 'yellow' AS kind FROM tickets WHERE yellow_at <= @upTo AND (yellow_at > @at OR (yellow_at = @at AND seq > @seq))
     UNION ALL
     SELECT seq, deadline_at AS at, 'red' AS kind FROM tickets WHERE deadline_at <= @upTo AND (deadline_at > @at OR (deadline_at = @at AND seq > @seq))
     ORDER BY at, seq LIMIT @limit`,
  );
  const overdueStmt = db.prepare('SELECT count(*) FROM tickets WHERE deadline_at IS NOT NULL AND deadline_at <= ? AND grid_code >= ? AND grid_code < ?').pluck();
  // Both read only the index (tickets_status_grid's and tickets_deadline_at's columns): a
  // covering scan of the open or overdue rows under the prefix, never a ticket's row.
  const openStatuses = STATUS_CODES.filter((c) => !CLOSED_STATUSES.includes(c));
  const openByChildStmt = db.prepare(
    `SELECT substr(grid_code, 1, ?) AS child, count(*) AS n FROM tickets INDEXED BY tickets_status_grid
     WHERE status IN (${openStatuses.map(() => '?').join(', ')}) AND grid_code >= ? AND grid_code < ? GROUP BY child`,
  );
  const overdueByChildStmt = db.prepare(
    `SELECT substr(grid_code, 1, ?) AS child, count(*) AS n FROM tickets INDEXED BY tickets_deadline_at
     WHERE deadline_at IS NOT NULL AND deadline_at <= ? AND grid_code >= ? AND grid_code < ? GROUP BY child`,
  );
  const textStmt = db.prepare('INSERT INTO ticket_text (rowid, text) VALUES (?, ?)');
  const addEntry = (ticket: number, e: TimelineEntry) => Number(timelineStmt.run(timelineValues(ticket, e)).lastInsertRowid);
  const lastChangeStmt = db.prepare('SELECT coalesce(max(seq), 0) FROM timeline').pluck();
  const changeOf = db.prepare('SELECT seq FROM timeline WHERE ticket = ? ORDER BY seq LIMIT 1').pluck();
  // Served by the partial expression index timeline_photo (the same expression and WHERE).
  const withPhotoStmt = db.prepare("SELECT DISTINCT ticket FROM timeline WHERE action = 'attach' AND json_extract(data, '$.photo') = ? ORDER BY ticket").pluck();
  const getMark = db.prepare('SELECT at, seq FROM job_marks WHERE name = ?');
  const setMark = db.prepare('INSERT INTO job_marks (name, at, seq) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET at = excluded.at, seq = excluded.seq');

  const insertTx = db.transaction((t: NewTicket, entry: TimelineEntry): [number, number] => {
    const seq = Number(insertStmt.run(ticketValues(t)).lastInsertRowid);
    const change = addEntry(seq, entry);
    if (t.kpi) addKpi(t.kpi);
    textStmt.run(seq, searchTextOf(t));
    return [seq, change];
  });
  const transitionTx = db.transaction((seq: number, expected: number, next: LoopState, entry: TimelineEntry, kpi?: KpiDelta): number | null => {
    if (updateStmt.run({ ...loopValues(next), seq, expected }).changes !== 1) return null;
    const change = addEntry(seq, entry);
    if (kpi) addKpi(kpi);
    return change;
  });

  function where(q: CountQuery & Partial<TicketQuery>) {
    const clauses: string[] = [];
    const params: (string | number)[] = [];
    const now = q.now ?? Date.now();
    if (q.statuses?.length) (clauses.push(`status IN (${q.statuses.map(() => '?').join(', ')})`), params.push(...q.statuses));
    if (q.item) (clauses.push('item = ?'), params.push(q.item));
    if (q.platform) (clauses.push('platform = ?'), params.push(q.platform));
    if (q.source) (clauses.push('source = ?'), params.push(q.source));
    // Overdue (red) cases are few, and the partial index tickets_deadline_at holds only the
    // cases whose limit runs: they are read from there (INDEXED BY, below). Left to itself the
    // planner (no statistics) takes tickets_status_grid and reads the row of every open
    // ticket to test its deadline: 8 ms for an overdue page at 1.5 M tickets instead of 3 ms,
    // 6 ms for its count instead of 0.5 ms (scripts/bench/loop.ts).
    const red = q.overdue || q.light === 'red';
    if (red) (clauses.push('deadline_at IS NOT NULL AND deadline_at <= ?'), params.push(now));
    if (q.light === 'yellow') (clauses.push('yellow_at <= ? AND deadline_at > ?'), params.push(now, now));
    if (q.light === 'green') (clauses.push('yellow_at > ?'), params.push(now));
    if (q.supervised) clauses.push('supervised > 0');
    if (q.assignee === true) clauses.push('assignee IS NOT NULL');
    else if (q.assignee !== undefined) (clauses.push('assignee = ?'), params.push(q.assignee));
    if (q.text) {
      // Trigram full text needs three characters. Shorter text is matched by LIKE on the
      // text of each ticket the other filters leave (a rowid lookup in ticket_text each):
      // `seq IN (SELECT … WHERE text LIKE …)` scanned the whole index first, 400 ms at
      // 1.5 M tickets for a queue of a few hundred (scripts/bench/loop.ts, q=井盖); 3 ms now.
      if ([...q.text].length >= 3) (clauses.push('seq IN (SELECT rowid FROM ticket_text WHERE ticket_text MATCH ?)'), params.push(`"${q.text.replace(/"/g, '""')}"`));
      else (clauses.push("EXISTS (SELECT 1 FROM ticket_text WHERE rowid = tickets.seq AND text LIKE ? ESCAPE '\\')"), params.push(`%${q.text.replace(/[\\%_]/g, (c) => '\\' + c)}%`));
    }
    if (q.area) {
      const [lo, hi] = prefixRange(q.area);
      clauses.push('grid_code >= ? AND grid_code < ?');
      params.push(lo, hi);
    }
    if (q.status) (clauses.push('status = ?'), params.push(q.status));
    if (q.department) (clauses.push('department = ?'), params.push(q.department));
    if (q.reportedBy) (clauses.push('reported_by = ?'), params.push(q.reportedBy));
    if (q.component) (clauses.push('component = ?'), params.push(q.component));
    if (q.category) (clauses.push('category = ?'), params.push(q.category));
    if (q.from !== undefined) (clauses.push('created_at >= ?'), params.push(q.from));
    if (q.to !== undefined) (clauses.push('created_at < ?'), params.push(q.to));
    if (q.beforeSeq !== undefined) (clauses.push('seq < ?'), params.push(q.beforeSeq));
    return { sql: (red ? 'INDEXED BY tickets_deadline_at ' : '') + (clauses.length ? 'WHERE ' + clauses.join(' AND ') : ''), params };
  }

  // Prepared statements are cached per SQL text: the set of filter shapes is small.
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, (s = db.prepare(sql)));
    return s;
  };

  return {
    async insert(t: NewTicket) {
      const entry = reportEntry(t);
      // Looked up inside the batch: a retry in the same batch sees the first one's row.
      const done = await commit(() => {
        const known = t.clientId ? (byClientId.get(t.reportedBy, t.clientId) as Row | undefined) : undefined;
        if (known) return { row: known, created: false, change: changeOf.get(known.seq) as number };
        const [seq, change] = insertTx(t, entry);
        return { row: getStmt.get(seq) as Row, created: true, change };
      });
      return { record: fromRow(done.row), created: done.created, change: done.change }; // committed
    },
    async transition(seq, expectedVersion, next, entry, kpi) {
      const change = await commit(() => transitionTx(seq, expectedVersion, next, entry, kpi));
      return change === null ? 'conflict' : { change };
    },
    lastChange: async () => lastChangeStmt.get() as number,
    jobMark: async (name) => (getMark.get(name) as { at: number; seq: number } | undefined) ?? null,
    async setJobMark(name, mark) {
      setMark.run(name, mark.at, mark.seq);
    },
    async lightEvents(after, upTo, limit) {
      return lightEventsStmt.all({ ...after, upTo, limit }) as { seq: number; at: number; kind: 'yellow' | 'red' }[];
    },
    async overdue(areaPrefix, now) {
      const [lo, hi] = prefixRange(areaPrefix);
      return overdueStmt.get(now, lo, hi) as number;
    },
    async openByChild(areaPrefix, childLength, now) {
      const [lo, hi] = prefixRange(areaPrefix);
      const out: Record<string, { open: number; overdue: number }> = {};
      const at = (child: string) => (out[child] ??= { open: 0, overdue: 0 });
      for (const r of openByChildStmt.all(childLength, ...openStatuses, lo, hi) as { child: string; n: number }[]) at(r.child).open = r.n;
      for (const r of overdueByChildStmt.all(childLength, now, lo, hi) as { child: string; n: number }[]) at(r.child).overdue = r.n;
      return out;
    },
    async timeline(seq) {
      return (timelineOf.all(seq) as Row[]).map((r): TimelineRecord => ({
        seq: r.seq as number, at: r.at as number, actor: r.actor as string, role: r.role as string, action: r.action as TimelineRecord['action'],
        from: r.from_status as TimelineRecord['from'], to: r.to_status as TimelineRecord['to'], note: r.note as string | null,
        data: r.data === null ? null : (JSON.parse(r.data as string) as Record<string, unknown>),
      }));
    },
    async get(seq: number) {
      const r = getStmt.get(seq) as Row | undefined;
      return r && fromRow(r);
    },
    async list(q: TicketQuery) {
      const w = where(q);
      const rows = prepare(`SELECT * FROM tickets ${w.sql} ORDER BY seq DESC LIMIT ?`).all(...w.params, q.limit);
      return (rows as Row[]).map(fromRow);
    },
    async dots(q: CountQuery) {
      const w = where(q);
      // Rows as arrays (no object per row); in tickets_created's order, so no sort.
      const sql = `SELECT seq, lon, lat, status, category, version, yellow_at, deadline_at, on_time, supervised FROM tickets ${w.sql} ORDER BY created_at`;
      return prepare(sql).raw().all(...w.params) as TicketDot[];
    },
    async positions(q: CountQuery): Promise<TicketPositions> {
      const w = where(q);
      // Iterated into growing typed arrays: no row kept, so a year (1.5 M) stays ~36 MB.
      let cap = 4096, count = 0;
      let lon = new Float64Array(cap), lat = new Float64Array(cap), at = new Float64Array(cap);
      for (const r of prepare(`SELECT lon, lat, created_at FROM tickets ${w.sql} ORDER BY created_at`).raw().iterate(...w.params) as Iterable<[number, number, number]>) {
        if (count === cap) {
          cap *= 2;
          const grow = (a: Float64Array) => { const b = new Float64Array(cap); b.set(a); return b; };
          (lon = grow(lon)), (lat = grow(lat)), (at = grow(at));
        }
        lon[count] = r[0]; lat[count] = r[1]; at[count] = r[2];
        count++;
      }
      return { count, lon: lon.subarray(0, count), lat: lat.subarray(0, count), at: at.subarray(0, count) };
    },
    async count(q: CountQuery, childLength: number): Promise<TicketCounts> {
      const w = where(q);
      const rows = prepare(
        `SELECT substr(grid_code, 1, ?) AS child, status, category, count(*) AS n FROM tickets ${w.sql}
         GROUP BY child, status, category`,
      ).all(childLength, ...w.params) as { child: string; status: string; category: string; n: number }[];
      return ticketCounts(rows);
    },
    total: async () => totalStmt.get() as number,
    openWithComponent: async () => openComponentsStmt.all() as { seq: number; component: string; status: Status; description: string }[],
    ticketsWithPhoto: async (hash) => withPhotoStmt.all(hash) as number[],
    async countWhere(q) {
      const w = where(q);
      return prepare(`SELECT count(*) FROM tickets ${w.sql}`).pluck().get(...w.params) as number;
    },
  };
}

export type { TicketInput };

/** Counts of an area's tickets from rows grouped by (child area, status, category): the
 * same for every store. */
export function ticketCounts(rows: readonly { child: string; status: string; category: string; n: number }[]): TicketCounts {
  const out: TicketCounts = { total: 0, byStatus: {}, byCategory: {}, byChild: {} };
  for (const r of rows) {
    out.total += r.n;
    out.byStatus[r.status] = (out.byStatus[r.status] ?? 0) + r.n;
    out.byCategory[r.category] = (out.byCategory[r.category] ?? 0) + r.n;
    out.byChild[r.child] = (out.byChild[r.child] ?? 0) + r.n;
  }
  return out;
}
