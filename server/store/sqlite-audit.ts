// The audit log: append-only. The store offers no way to change or remove an entry, and
// the database refuses one too (triggers), so no route, script or bug can rewrite history.
import type Database from 'better-sqlite3';
import { groupCommit, type GroupCommit } from './sqlite-group-commit.ts';
import type { AuditEntry, AuditStore } from './types.ts';

export const AUDIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, role TEXT,
  address TEXT NOT NULL, kind TEXT NOT NULL, target TEXT, status INTEGER NOT NULL,
  before TEXT, after TEXT
);
CREATE INDEX IF NOT EXISTS audit_actor ON audit (actor, seq);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
`;

interface Row {
  seq: number; at: number; actor: string; role: string | null; address: string; kind: string;
  target: string | null; status: number; before: string | null; after: string | null;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
const parse = (s: string | null) => (s === null ? null : JSON.parse(s));

export function sqliteAuditStore(db: Database.Database, commit: GroupCommit = groupCommit(db)): AuditStore {
  db.exec(AUDIT_SCHEMA);
  const insert = db.prepare(`INSERT INTO audit (at, actor, role, address, kind, target, status, before, after)
    VALUES (@at, @actor, @role, @address, @kind, @target, @status, @before, @after)`);
  return {
    async append(e) {
      const row = { ...e, before: json(e.before), after: json(e.after) };
      return commit(() => Number(insert.run(row).lastInsertRowid));
    },
    async list(q) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.actor !== undefined) (where.push('actor = ?'), params.push(q.actor));
      if (q.kind !== undefined) (where.push('kind LIKE ? ESCAPE \'\\\''), params.push(q.kind.replace(/[\\%_]/g, (c) => '\\' + c) + '%'));
      if (q.from !== undefined) (where.push('at >= ?'), params.push(q.from));
      if (q.to !== undefined) (where.push('at < ?'), params.push(q.to));
      if (q.beforeSeq !== undefined) (where.push('seq < ?'), params.push(q.beforeSeq));
      const rows = db.prepare(`SELECT * FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`)
        .all(...params, q.limit) as Row[];
      return rows.map((r) => ({ ...r, before: parse(r.before), after: parse(r.after) } as AuditEntry & { seq: number }));
    },
  };
}
