// Tickets and their timelines in PostgreSQL, behind the same TicketStore as the embedded
// store (sqlite-tickets.ts): the same columns and row mapping (TICKET_COLUMNS, ticketValues,
// fromRow), the same filters (ticket-query.ts).
// A report and a transition are each ONE statement: the ticket's row, its timeline entry,
// its search text and its KPI counters written by data-modifying CTEs, so they commit
// together (autocommit) in one round trip, and the hot KPI rows (the city's day) are locked
// only for that statement. Under READ COMMITTED:
//  - a transition is `UPDATE … WHERE seq = $ AND version = $`: a concurrent one on the same
//    ticket waits for the first's row lock, re-reads the row, finds the version moved and
//    updates nothing → 'conflict', and its entry and counters (conditional on the update)
//    are not written either;
//  - a report with a client id is `INSERT … ON CONFLICT (reported_by, client_id) DO NOTHING`:
//    a retry racing the first waits for it to commit, inserts nothing, and reads its row.
import type pg from 'pg';
import { STATUS_CODES, type Status } from '../../domain/ticket.ts';
import { CLOSED_STATUSES } from '../../domain/open311.ts';
import { reportedState, type TimelineEntry } from '../../domain/loop.ts';
import type { KpiDelta } from '../../domain/kpi.ts';
import { fromRow, loopValues, reportEntry, searchTextOf, TICKET_COLUMNS, ticketCounts, ticketValues, type Row } from '../sqlite-tickets.ts';
import type { CountQuery, NewTicket, TicketCounts, TicketDot, TicketPositions, TicketQuery, TicketStore, TimelineRecord } from '../types.ts';
import { kpiUpsert } from './kpi.ts';
import { Params, prefixRange, shapeName } from './sql.ts';
import { ticketWhere } from './ticket-query.ts';

const OPEN_STATUSES = STATUS_CODES.filter((c) => !CLOSED_STATUSES.includes(c));
const LOOP_COLUMNS = Object.keys(loopValues(reportedState('', 0)));
/** Rows per read of positions() (tests set a few, to read across pages). */
const POSITIONS_PAGE = 50_000;

/** The timeline row's values (ticket aside) as typed placeholders: in `INSERT … SELECT`
 * PostgreSQL takes no type from the target columns. */
function entryValues(e: TimelineEntry, p: Params): string {
  return [
    p.add(e.at, 'bigint'), p.add(e.actor, 'text'), p.add(e.role, 'text'), p.add(e.action, 'text'), p.add(e.from, 'text'),
    p.add(e.to, 'text'), p.add(e.note, 'text'), p.add(e.data ? JSON.stringify(e.data) : null, 'json'),
  ].join(', ');
}
const ENTRY_COLUMNS = 'ticket, at, actor, role, action, from_status, to_status, note, data';

/** The last change before the first gap among the latest 1,000 timeline sequences (or the
 * last, with no gap): see lastChange(). */
const LAST_CHANGE = `WITH top AS (SELECT coalesce(max(seq), 0) AS n FROM timeline),
  recent AS (SELECT seq, lead(seq) OVER (ORDER BY seq) AS next FROM timeline WHERE seq > (SELECT n FROM top) - 1000)
  SELECT coalesce((SELECT min(seq) FROM recent WHERE next <> seq + 1), (SELECT n FROM top))::bigint AS n`;

function timelineRecord(r: Record<string, unknown>): TimelineRecord {
  return {
    seq: r.seq as number, at: r.at as number, actor: r.actor as string, role: r.role as string, action: r.action as TimelineRecord['action'],
    from: r.from_status as TimelineRecord['from'], to: r.to_status as TimelineRecord['to'], note: r.note as string | null,
    data: (r.data ?? null) as Record<string, unknown> | null, // json columns arrive parsed
  };
}

export function pgTicketStore(pool: pg.Pool, opts: { positionsPage?: number } = {}): TicketStore {
  const page = opts.positionsPage ?? POSITIONS_PAGE;
  /** A statement of fixed shape: prepared once per connection (its plan is generic). */
  const fixed = async <R = Record<string, unknown>>(sql: string, values: unknown[] = []) => (await pool.query({ name: shapeName(sql), text: sql, values })).rows as R[];
  /** A statement built from filters: planned for its values each time (an area's range or a
   * status's share change the best index). */
  const adhoc = async <R = Record<string, unknown>>(sql: string, values: unknown[]) => (await pool.query({ text: sql, values })).rows as R[];

  const firstEntry = 'SELECT seq FROM timeline WHERE ticket = t.seq ORDER BY seq LIMIT 1';
  const byClientId = `SELECT t.*, (${firstEntry}) AS change FROM tickets t WHERE reported_by = $1 AND client_id = $2`;

  return {
    async insert(t: NewTicket) {
      const p = new Params();
      const values = ticketValues(t).map((v) => p.add(v));
      const entry = entryValues(reportEntry(t), p);
      const text = p.add(searchTextOf(t), 'text');
      const kpi = t.kpi ? kpiUpsert(t.kpi, p, 'EXISTS (SELECT 1 FROM t)') : null;
      const sql = `WITH t AS (
          INSERT INTO tickets (${TICKET_COLUMNS.join(', ')}) VALUES (${values.join(', ')})
          ON CONFLICT (reported_by, client_id) WHERE client_id IS NOT NULL DO NOTHING RETURNING *),
        e AS (INSERT INTO timeline (${ENTRY_COLUMNS}) SELECT t.seq, ${entry} FROM t RETURNING seq),
        x AS (INSERT INTO ticket_text (seq, text) SELECT t.seq, ${text} FROM t)${kpi ? `,
        k AS (${kpi})` : ''}
        SELECT t.*, (SELECT seq FROM e) AS change FROM t`;
      const [row] = await fixed<Row>(sql, p.values);
      if (row) return { record: fromRow(row), created: true, change: row.change as number };
      // Nothing inserted: a report with this reporter and client id is committed (ON CONFLICT
      // waited for it), so this statement, with a newer snapshot, reads it.
      const [known] = await fixed<Row>(byClientId, [t.reportedBy, t.clientId]);
      if (!known) throw new Error(`ticket insert: no row stored and none found for client id ${t.clientId}`);
      return { record: fromRow(known), created: false, change: known.change as number };
    },
    async transition(seq, expectedVersion, next, entry, kpi?: KpiDelta) {
      const p = new Params();
      const loop = loopValues(next);
      const sets = LOOP_COLUMNS.map((c) => `${c} = ${p.add(loop[c])}`);
      const where = `seq = ${p.add(seq, 'bigint')} AND version = ${p.add(expectedVersion, 'int')}`;
      const values = entryValues(entry, p);
      const k = kpi ? kpiUpsert(kpi, p, 'EXISTS (SELECT 1 FROM u)') : null;
      const sql = `WITH u AS (UPDATE tickets SET ${sets.join(', ')} WHERE ${where} RETURNING seq),
        e AS (INSERT INTO timeline (${ENTRY_COLUMNS}) SELECT u.seq, ${values} FROM u RETURNING seq)${k ? `,
        k AS (${k})` : ''}
        SELECT seq FROM e`;
      const [row] = await fixed<{ seq: number }>(sql, p.values);
      return row ? { change: row.seq } : 'conflict';
    },
    async lastChange() {
      // Writes on different connections commit in any order: a change may become visible
      // before one with a lower sequence that is still in flight. The watermark promises
      // every change up to it is in what is read next, so it stops before the first gap
      // among the latest sequences (an in-flight write, or rarely one that failed). Lower is
      // safe: a wall re-applies a change it already has and nothing changes.
      return (await fixed<{ n: number }>(LAST_CHANGE))[0].n;
    },
    async jobMark(name) {
      const [r] = await fixed<{ at: number; seq: number }>('SELECT at, seq FROM job_marks WHERE name = $1', [name]);
      return r ? { at: r.at, seq: r.seq } : null;
    },
    async setJobMark(name, mark) {
      await fixed('INSERT INTO job_marks (name, at, seq) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET at = excluded.at, seq = excluded.seq', [name, mark.at, mark.seq]);
    },
    async lightEvents(after, upTo, limit) {
      return fixed<{ seq: number; at: number; kind: 'yellow' | 'red' }>(
        `SELECT seq, yellow_at AS at, 'yellow' AS kind FROM tickets WHERE yellow_at <= $1 AND (yellow_at > $2 OR (yellow_at = $2 AND seq > $3))
         UNION ALL
         SELECT seq, deadline_at AS at, 'red' AS kind FROM tickets WHERE deadline_at <= $1 AND (deadline_at > $2 OR (deadline_at = $2 AND seq > $3))
         ORDER BY at, seq LIMIT $4`,
        [upTo, after.at, after.seq, limit],
      );
    },
    async overdue(areaPrefix, now) {
      const [lo, hi] = prefixRange(areaPrefix);
      const sql = 'SELECT count(*) AS n FROM tickets WHERE deadline_at IS NOT NULL AND deadline_at <= $1 AND grid_code >= $2 AND grid_code < $3';
      return (await adhoc<{ n: number }>(sql, [now, lo, hi]))[0].n;
    },
    async openByChild(areaPrefix, childLength, now) {
      const [lo, hi] = prefixRange(areaPrefix);
      const out: Record<string, { open: number; overdue: number }> = {};
      const at = (child: string) => (out[child] ??= { open: 0, overdue: 0 });
      // Both answered from an index alone (tickets_status_grid, tickets_deadline_at) when the
      // visibility map is current, as SQLite's covering scans.
      const [open, overdue] = await Promise.all([
        adhoc<{ child: string; n: number }>(
          `SELECT substr(grid_code, 1, $1) AS child, count(*) AS n FROM tickets
           WHERE status = ANY($2::text[]) AND grid_code >= $3 AND grid_code < $4 GROUP BY child`, [childLength, OPEN_STATUSES, lo, hi]),
        adhoc<{ child: string; n: number }>(
          `SELECT substr(grid_code, 1, $1) AS child, count(*) AS n FROM tickets
           WHERE deadline_at IS NOT NULL AND deadline_at <= $2 AND grid_code >= $3 AND grid_code < $4 GROUP BY child`, [childLength, now, lo, hi]),
      ]);
      for (const r of open) at(r.child).open = r.n;
      for (const r of overdue) at(r.child).overdue = r.n;
      return out;
    },
    async timeline(seq) {
      return (await fixed(`SELECT * FROM timeline WHERE ticket = $1 ORDER BY seq`, [seq])).map(timelineRecord);
    },
    async get(seq: number) {
      const [r] = await fixed<Row>('SELECT * FROM tickets WHERE seq = $1', [seq]);
      return r && fromRow(r);
    },
    async list(q: TicketQuery) {
      const p = new Params();
      const w = ticketWhere(q, p);
      return (await adhoc<Row>(`SELECT * FROM tickets ${w} ORDER BY seq DESC LIMIT ${p.add(q.limit, 'int')}`, p.values)).map(fromRow);
    },
    async dots(q: CountQuery) {
      const p = new Params();
      const w = ticketWhere(q, p);
      // Rows as arrays (no object per row), as SQLite's raw(). In tickets_created's order,
      // ties as SQLite reads them from that index (then by seq): the same dots, the same order.
      const sql = `SELECT seq, lon, lat, status, category, version, yellow_at, deadline_at, on_time, supervised FROM tickets ${w} ORDER BY created_at, grid_code, seq`;
      return (await pool.query({ text: sql, values: p.values, rowMode: 'array' })).rows as TicketDot[];
    },
    async positions(q: CountQuery): Promise<TicketPositions> {
      // A page at a time (keyset on the sort order) into growing typed arrays: no more than a
      // page of rows held, so a year of the city (1.5 M) stays ~36 MB plus a page, as SQLite's
      // iterate() does.
      let cap = 4096, count = 0;
      let lon = new Float64Array(cap), lat = new Float64Array(cap), at = new Float64Array(cap);
      let after: [number, string, number] | null = null;
      for (;;) {
        const p = new Params();
        const w = ticketWhere(q, p);
        const key: string = after ? `(created_at, grid_code, seq) > (${p.add(after[0], 'bigint')}, ${p.add(after[1], 'text')}, ${p.add(after[2], 'bigint')})` : '';
        const where = key ? (w ? `${w} AND ${key}` : `WHERE ${key}`) : w;
        const { rows } = await pool.query<[number, number, number, string, number]>({
          text: `SELECT lon, lat, created_at, grid_code, seq FROM tickets ${where} ORDER BY created_at, grid_code, seq LIMIT ${p.add(page, 'int')}`, values: p.values, rowMode: 'array',
        });
        if (count + rows.length > cap) {
          while (count + rows.length > cap) cap *= 2;
          const grow = (a: Float64Array) => { const b = new Float64Array(cap); b.set(a.subarray(0, count)); return b; };
          (lon = grow(lon)), (lat = grow(lat)), (at = grow(at));
        }
        for (const r of rows) {
          lon[count] = r[0]; lat[count] = r[1]; at[count] = r[2];
          count++;
        }
        if (rows.length < page) break;
        const last = rows[rows.length - 1];
        after = [last[2], last[3], last[4]];
      }
      return { count, lon: lon.subarray(0, count), lat: lat.subarray(0, count), at: at.subarray(0, count) };
    },
    async count(q: CountQuery, childLength: number): Promise<TicketCounts> {
      const p = new Params();
      const child = p.add(childLength, 'int');
      const w = ticketWhere(q, p);
      const rows = await adhoc<{ child: string; status: string; category: string; n: number }>(
        `SELECT substr(grid_code, 1, ${child}) AS child, status, category, count(*) AS n FROM tickets ${w} GROUP BY 1, 2, 3`, p.values);
      return ticketCounts(rows);
    },
    async countWhere(q) {
      const p = new Params();
      const w = ticketWhere(q, p);
      return (await adhoc<{ n: number }>(`SELECT count(*) AS n FROM tickets ${w}`, p.values))[0].n;
    },
    async total() {
      return (await fixed<{ n: number }>('SELECT count(*) AS n FROM tickets'))[0].n;
    },
    async openWithComponent() {
      return fixed<{ seq: number; component: string; status: Status; description: string }>(
        'SELECT seq, component, status, description FROM tickets WHERE component IS NOT NULL AND NOT (status = ANY($1::text[])) ORDER BY seq', [CLOSED_STATUSES]);
    },
    async ticketsWithPhoto(hash) {
      // Served by the partial expression index timeline_photo (same expression and WHERE).
      return (await fixed<{ ticket: number }>("SELECT DISTINCT ticket FROM timeline WHERE action = 'attach' AND (data ->> 'photo') = $1 ORDER BY ticket", [hash])).map((r) => r.ticket);
    },
  };
}
