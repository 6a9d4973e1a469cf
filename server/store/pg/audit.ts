// The audit log in PostgreSQL: append-only, as the embedded store's (sqlite-audit.ts); the
// table's trigger refuses UPDATE, DELETE and TRUNCATE (migrations/005_audit.sql).
import type pg from 'pg';
import type { AuditEntry, AuditStore } from '../types.ts';
import { Params, shapeName } from './sql.ts';

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

export function pgAuditStore(pool: pg.Pool): AuditStore {
  const insert = `INSERT INTO audit (at, actor, role, address, kind, target, status, before, after)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq`;
  return {
    async append(e) {
      const { rows } = await pool.query({ name: shapeName(insert), text: insert, values: [e.at, e.actor, e.role, e.address, e.kind, e.target, e.status, json(e.before), json(e.after)] });
      return rows[0].seq as number;
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
