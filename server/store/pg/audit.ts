// The audit log in PostgreSQL: append-only, as the embedded store's (sqlite-audit.ts); the
// table's trigger refuses UPDATE, DELETE and TRUNCATE (migrations/005_audit.sql).
//
// Appends are grouped: while one INSERT is on its way, the entries that arrive wait and go
// together in the next (one statement, one commit), so N concurrent writes cost one or two
// commits, not N (every write request of every node appends one entry after its answer).
// Each append still resolves only once its own row is committed, with its seq.
import type pg from 'pg';
import type { AuditEntry, AuditStore } from '../types.ts';
import { Params, shapeName } from './sql.ts';

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** Entries per statement at most (a burst beyond waits for the next). */
const GROUP_MAX = 500;
// The rows go in the order given (ORDER BY n), so their sequences ascend in that order:
// RETURNING's seqs, sorted, belong to the entries in turn.
const INSERT_MANY = `INSERT INTO audit (at, actor, role, address, kind, target, status, before, after)
  SELECT at, actor, role, address, kind, target, status, before, after
  FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::json[], $9::json[])
    WITH ORDINALITY AS u(at, actor, role, address, kind, target, status, before, after, n)
  ORDER BY n RETURNING seq`;

interface Waiting {
  e: AuditEntry;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

export function pgAuditStore(pool: pg.Pool): AuditStore {
  let queue: Waiting[] = [];
  let writing = false;
  async function drain(): Promise<void> {
    writing = true;
    try {
      while (queue.length) {
        const group = queue.slice(0, GROUP_MAX);
        queue = queue.slice(group.length);
        const col = <T>(f: (e: AuditEntry) => T) => group.map((w) => f(w.e));
        try {
          const { rows } = await pool.query<{ seq: number }>({
            name: shapeName(INSERT_MANY), text: INSERT_MANY,
            values: [col((e) => e.at), col((e) => e.actor), col((e) => e.role), col((e) => e.address), col((e) => e.kind), col((e) => e.target), col((e) => e.status), col((e) => json(e.before)), col((e) => json(e.after))],
          });
          const seqs = rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
          group.forEach((w, i) => w.resolve(seqs[i]));
        } catch (err) {
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      writing = false;
    }
  }
  return {
    append(e) {
      return new Promise<number>((resolve, reject) => {
        queue.push({ e, resolve, reject });
        if (!writing) void drain();
      });
    },
    async list(q) {
      const p = new Params();
      const where: string[] = [];
      if (q.actor !== undefined) where.push(`actor = ${p.add(q.actor, 'text')}`);
      // A prefix of the kind ('auth.' → every sign-in event): LIKE on the COLLATE "C" column
      // is a range of audit_kind.
      if (q.kind !== undefined) where.push(`kind LIKE ${p.add(q.kind.replace(/[\\%_]/g, (c) => '\\' + c) + '%', 'text')}`);
      if (q.from !== undefined) where.push(`at >= ${p.add(q.from, 'bigint')}`);
      if (q.to !== undefined) where.push(`at < ${p.add(q.to, 'bigint')}`);
      if (q.beforeSeq !== undefined) where.push(`seq < ${p.add(q.beforeSeq, 'bigint')}`);
      const sql = `SELECT * FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ${p.add(q.limit, 'int')}`;
      const { rows } = await pool.query({ text: sql, values: p.values });
      // json columns arrive parsed; SQL NULL is null as SQLite's store gives it.
      return rows.map((r) => ({
        seq: r.seq, at: r.at, actor: r.actor, role: r.role, address: r.address, kind: r.kind, target: r.target, status: r.status,
        before: r.before ?? null, after: r.after ?? null,
      }) as AuditEntry & { seq: number });
    },
  };
}
