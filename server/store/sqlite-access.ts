// Accounts, sessions and issued tokens (displays, devices, API keys) in the embedded
// store. Tokens and passwords are never stored, only their hashes.
import type Database from 'better-sqlite3';
import type { AccessStore, AccountRecord, IssuedKind, IssuedRecord, SessionRecord } from './types.ts';

export const ACCESS_SCHEMA = `
CREATE TABLE IF NOT EXISTS accounts (
  username TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, scope TEXT NOT NULL,
  department TEXT, grids TEXT NOT NULL DEFAULT '[]', password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  sid TEXT PRIMARY KEY, kind TEXT NOT NULL, principal_id TEXT NOT NULL,
  refresh_hash TEXT NOT NULL UNIQUE, previous_refresh_hash TEXT,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS sessions_principal ON sessions (kind, principal_id);
CREATE INDEX IF NOT EXISTS sessions_previous ON sessions (previous_refresh_hash);
CREATE TABLE IF NOT EXISTS issued (
  kind TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, scope TEXT NOT NULL, worker_id TEXT,
  token_hash TEXT NOT NULL UNIQUE, created_by TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER,
  PRIMARY KEY (kind, id)
);
`;

interface AccountRow {
  username: string; name: string; role: string; scope: string; department: string | null; grids: string;
  password_hash: string; disabled: number; created_at: number; updated_at: number;
}
const account = (r: AccountRow): AccountRecord => ({
  username: r.username, name: r.name, role: r.role as AccountRecord['role'], scope: r.scope, department: r.department,
  grids: JSON.parse(r.grids) as string[], passwordHash: r.password_hash, disabled: r.disabled === 1,
  createdAt: r.created_at, updatedAt: r.updated_at,
});

interface SessionRow {
  sid: string; kind: string; principal_id: string; refresh_hash: string; previous_refresh_hash: string | null;
  created_at: number; expires_at: number; revoked_at: number | null;
}
const session = (r: SessionRow): SessionRecord => ({
  sid: r.sid, kind: r.kind as SessionRecord['kind'], principalId: r.principal_id, refreshHash: r.refresh_hash,
  previousRefreshHash: r.previous_refresh_hash, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at,
});

interface IssuedRow {
  kind: string; id: string; name: string; scope: string; worker_id: string | null; token_hash: string;
  created_by: string; created_at: number; revoked_at: number | null;
}
const issued = (r: IssuedRow): IssuedRecord => ({
  id: r.id, name: r.name, scope: r.scope, workerId: r.worker_id, tokenHash: r.token_hash,
  createdBy: r.created_by, createdAt: r.created_at, revokedAt: r.revoked_at,
});

export function sqliteAccessStore(db: Database.Database): AccessStore {
  db.exec(ACCESS_SCHEMA);
  const q = {
    insertAccount: db.prepare(`INSERT INTO accounts (username, name, role, scope, department, grids, password_hash, created_at, updated_at)
      VALUES (@username, @name, @role, @scope, @department, @grids, @passwordHash, @now, @now)`),
    account: db.prepare('SELECT * FROM accounts WHERE username = ?'),
    accounts: db.prepare('SELECT * FROM accounts ORDER BY username'),
    insertSession: db.prepare(`INSERT INTO sessions (sid, kind, principal_id, refresh_hash, created_at, expires_at)
      VALUES (@sid, @kind, @principalId, @refreshHash, @createdAt, @expiresAt)`),
    session: db.prepare('SELECT * FROM sessions WHERE sid = ?'),
    sessionByRefresh: db.prepare('SELECT * FROM sessions WHERE refresh_hash = ? OR previous_refresh_hash = ?'),
    rotate: db.prepare('UPDATE sessions SET previous_refresh_hash = refresh_hash, refresh_hash = ?, expires_at = ? WHERE sid = ?'),
    revoke: db.prepare('UPDATE sessions SET revoked_at = ? WHERE sid = ? AND revoked_at IS NULL'),
    openOf: db.prepare('SELECT sid FROM sessions WHERE kind = ? AND principal_id = ? AND revoked_at IS NULL').pluck(),
    revokeOf: db.prepare('UPDATE sessions SET revoked_at = ? WHERE kind = ? AND principal_id = ? AND revoked_at IS NULL'),
    issue: db.prepare(`INSERT INTO issued (kind, id, name, scope, worker_id, token_hash, created_by, created_at)
      VALUES (@kind, @id, @name, @scope, @workerId, @tokenHash, @createdBy, @createdAt)`),
    issued: db.prepare('SELECT * FROM issued WHERE kind = ? AND id = ?'),
    issuedByToken: db.prepare('SELECT * FROM issued WHERE kind = ? AND token_hash = ?'),
    issuedList: db.prepare('SELECT * FROM issued WHERE kind = ? ORDER BY created_at, id'),
    revokeIssued: db.prepare('UPDATE issued SET revoked_at = ? WHERE kind = ? AND id = ? AND revoked_at IS NULL'),
  };
  const revokeOf = db.transaction((kind: string, id: string, now: number) => {
    const sids = q.openOf.all(kind, id) as string[];
    q.revokeOf.run(now, kind, id);
    return sids;
  });

  return {
    async createAccount(a, now) {
      q.insertAccount.run({ ...a, grids: JSON.stringify(a.grids), now });
      return account(q.account.get(a.username) as AccountRow);
    },
    async account(username) {
      const r = q.account.get(username) as AccountRow | undefined;
      return r && account(r);
    },
    async accounts() {
      return (q.accounts.all() as AccountRow[]).map(account);
    },
    async updateAccount(username, patch, now) {
      const cols: Record<string, unknown> = {};
      if (patch.name !== undefined) cols.name = patch.name;
      if (patch.role !== undefined) cols.role = patch.role;
      if (patch.scope !== undefined) cols.scope = patch.scope;
      if (patch.department !== undefined) cols.department = patch.department;
      if (patch.grids !== undefined) cols.grids = JSON.stringify(patch.grids);
      if (patch.passwordHash !== undefined) cols.password_hash = patch.passwordHash;
      if (patch.disabled !== undefined) cols.disabled = patch.disabled ? 1 : 0;
      const sets = Object.keys(cols).map((c) => `${c} = @${c}`);
      sets.push('updated_at = @now');
      db.prepare(`UPDATE accounts SET ${sets.join(', ')} WHERE username = @username`).run({ ...cols, now, username });
      const r = q.account.get(username) as AccountRow | undefined;
      return r && account(r);
    },
    async createSession(s) {
      q.insertSession.run(s);
    },
    async session(sid) {
      const r = q.session.get(sid) as SessionRow | undefined;
      return r && session(r);
    },
    async sessionWithOwner(sid) {
      const r = q.session.get(sid) as SessionRow | undefined;
      if (!r) return undefined;
      const s = session(r);
      if (s.kind === 'account') {
        const a = q.account.get(s.principalId) as AccountRow | undefined;
        return { session: s, ...(a ? { account: account(a) } : {}) };
      }
      const d = q.issued.get('display', s.principalId) as IssuedRow | undefined;
      return { session: s, ...(d ? { display: issued(d) } : {}) };
    },
    async sessionByRefresh(hash) {
      const r = q.sessionByRefresh.get(hash, hash) as SessionRow | undefined;
      return r && session(r);
    },
    async rotateSession(sid, refreshHash, expiresAt) {
      q.rotate.run(refreshHash, expiresAt, sid);
    },
    async revokeSession(sid, now) {
      q.revoke.run(now, sid);
    },
    async revokeSessionsOf(kind, id, now) {
      return revokeOf(kind, id, now);
    },
    async issue(kind: IssuedKind, r) {
      q.issue.run({ kind, ...r });
      return issued(q.issued.get(kind, r.id) as IssuedRow);
    },
    async issued(kind, id) {
      const r = q.issued.get(kind, id) as IssuedRow | undefined;
      return r && issued(r);
    },
    async issuedByToken(kind, hash) {
      const r = q.issuedByToken.get(kind, hash) as IssuedRow | undefined;
      return r && issued(r);
    },
    async issuedList(kind) {
      return (q.issuedList.all(kind) as IssuedRow[]).map(issued);
    },
    async revokeIssued(kind, id, now) {
      q.revokeIssued.run(now, kind, id);
      const r = q.issued.get(kind, id) as IssuedRow | undefined;
      return r && issued(r);
    },
  };
}
