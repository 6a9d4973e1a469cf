// The WHERE clause of a ticket query (list, count, dots, positions) in PostgreSQL: the same
// filters, in the same meaning, as the embedded store's (sqlite-tickets.ts `where`).
import type { CountQuery, TicketQuery } from '../types.ts';
import { containsPattern, Params, prefixRange } from './sql.ts';

export function ticketWhere(q: CountQuery & Partial<TicketQuery>, p: Params): string {
  const clauses: string[] = [];
  const now = q.now ?? Date.now();
  if (q.statuses?.length) clauses.push(`status = ANY(${p.add(q.statuses, 'text[]')})`);
  if (q.item) clauses.push(`item = ${p.add(q.item)}`);
  if (q.platform) clauses.push(`platform = ${p.add(q.platform)}`);
  if (q.source) clauses.push(`source = ${p.add(q.source)}`);
  // Red (overdue) cases are few, and the partial index tickets_deadline_at holds only the
  // cases whose limit runs; with statistics (ANALYZE after a seed, autovacuum after) the
  // planner reads them from there without being told, unlike SQLite's INDEXED BY.
  if (q.overdue || q.light === 'red') clauses.push(`deadline_at IS NOT NULL AND deadline_at <= ${p.add(now, 'bigint')}`);
  if (q.light === 'yellow') {
    const at = p.add(now, 'bigint');
    clauses.push(`yellow_at <= ${at} AND deadline_at > ${at}`);
  }
  if (q.light === 'green') clauses.push(`yellow_at > ${p.add(now, 'bigint')}`);
  if (q.supervised) clauses.push('supervised > 0');
  if (q.assignee === true) clauses.push('assignee IS NOT NULL');
  else if (q.assignee !== undefined) clauses.push(`assignee = ${p.add(q.assignee)}`);
  if (q.text) {
    // Case-insensitive substring, as FTS5's trigram MATCH (3+ characters) and LIKE (fewer)
    // are in SQLite. Three characters or more: the trigram GIN index (ticket_text_trgm)
    // finds the candidates; fewer give no trigram, so each ticket the other filters leave
    // is tested by its primary key instead of scanning the whole index.
    const pattern = p.add(containsPattern(q.text), 'text');
    if ([...q.text].length >= 3) clauses.push(`seq IN (SELECT seq FROM ticket_text WHERE text ILIKE ${pattern})`);
    else clauses.push(`EXISTS (SELECT 1 FROM ticket_text x WHERE x.seq = tickets.seq AND x.text ILIKE ${pattern})`);
  }
  if (q.area) {
    const [lo, hi] = prefixRange(q.area);
    clauses.push(`grid_code >= ${p.add(lo, 'text')} AND grid_code < ${p.add(hi, 'text')}`);
  }
  if (q.status) clauses.push(`status = ${p.add(q.status, 'text')}`);
  if (q.department) clauses.push(`department = ${p.add(q.department, 'text')}`);
  if (q.reportedBy) clauses.push(`reported_by = ${p.add(q.reportedBy, 'text')}`);
  if (q.component) clauses.push(`component = ${p.add(q.component, 'text')}`);
  if (q.category) clauses.push(`category = ${p.add(q.category, 'text')}`);
  if (q.from !== undefined) clauses.push(`created_at >= ${p.add(q.from, 'bigint')}`);
  if (q.to !== undefined) clauses.push(`created_at < ${p.add(q.to, 'bigint')}`);
  if (q.beforeSeq !== undefined) clauses.push(`seq < ${p.add(q.beforeSeq, 'bigint')}`);
  return clauses.length ? 'WHERE ' + clauses.join(' AND ') : '';
}
