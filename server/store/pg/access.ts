// Accounts, sessions and issued tokens (displays, devices, API keys) in PostgreSQL, behind
// the same AccessStore as the embedded store (sqlite-access.ts). Hashes only, never tokens.
import type pg from 'pg';
import type { AccessStore, AccountRecord, IssuedKind, IssuedRecord, SessionRecord } from '../types.ts';
import { shapeName } from './sql.ts';

type R = Record<string, unknown>;
const account = (r: R): AccountRecord => ({
  username: r.username as string, name: r.name as string, role: r.role as AccountRecord['role'], scope: r.scope as string,
  department: r.department as string | null, grids: r.grids as string[], passwordHash: r.password_hash as string,
  disabled: r.disabled as boolean, createdAt: r.created_at as number, updatedAt: r.updated_at as number,
});
const session = (r: R): SessionRecord => ({
  sid: r.sid as string, kind: r.kind as SessionRecord['kind'], principalId: r.principal_id as string, refreshHash: r.refresh_hash as string,
  previousRefreshHash: r.previous_refresh_hash as string | null, createdAt: r.created_at as number, expiresAt: r.expires_at as number,
  revokedAt: r.revoked_at as number | null,
});
const issued = (r: R): IssuedRecord => ({
  id: r.id as string, name: r.name as string, scope: r.scope as string, workerId: r.worker_id as string | null, tokenHash: r.token_hash as string,
  createdBy: r.created_by as string, createdAt: r.created_at as number, revokedAt: r.revoked_at as number | null,
});

export function pgAccessStore(pool: pg.Pool): AccessStore {
  const q = async (sql: string, values: unknown[] = []) => (await pool.query({ name: shapeName(sql), text: sql, values })).rows as R[];
  const one = async <T>(sql: string, values: unknown[], map: (r: R) => T) => {
    const [r] = await q(sql, values);
    return r ? map(r) : undefined;
  };
  return {
    async createAccount(a, now) {
      const [r] = await q(
        `INSERT INTO accounts (username, name, role, scope, department, grids, password_hash, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING *`,
        [a.username, a.name, a.role, a.scope, a.department, a.grids, a.passwordHash, now],
      );
      return account(r);
    },
    account: (username) => one('SELECT * FROM accounts WHERE username = $1', [username], account),
    async accounts() {
      // COLLATE "C": the order SQLite gives (binary), whatever the database's locale.
      return (await q('SELECT * FROM accounts ORDER BY username COLLATE "C"')).map(account);
    },
    async updateAccount(username, patch, now) {
      const cols: [string, unknown][] = [];
      if (patch.name !== undefined) cols.push(['name', patch.name]);
      if (patch.role !== undefined) cols.push(['role', patch.role]);
      if (patch.scope !== undefined) cols.push(['scope', patch.scope]);
      if (patch.department !== undefined) cols.push(['department', patch.department]);
      if (patch.grids !== undefined) cols.push(['grids', patch.grids]);
      if (patch.passwordHash !== undefined) cols.push(['password_hash', patch.passwordHash]);
      if (patch.disabled !== undefined) cols.push(['disabled', patch.disabled]);
      const sets = cols.map(([c], i) => `${c} = $${i + 3}`);
      sets.push('updated_at = $2');
      return one(`UPDATE accounts SET ${sets.join(', ')} WHERE username = $1 RETURNING *`, [username, now, ...cols.map(([, v]) => v)], account);
    },
    async createSession(s) {
      await q('INSERT INTO sessions (sid, kind, principal_id, refresh_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [s.sid, s.kind, s.principalId, s.refreshHash, s.createdAt, s.expiresAt]);
    },
    session: (sid) => one('SELECT * FROM sessions WHERE sid = $1', [sid], session),
    // Rows as JSON with their column names, so the same mappers read them.
    sessionWithOwner: (sid) => one(`SELECT row_to_json(s) AS s, row_to_json(a) AS a, row_to_json(i) AS i FROM sessions s
      LEFT JOIN accounts a ON s.kind = 'account' AND a.username = s.principal_id
      LEFT JOIN issued i ON s.kind = 'display' AND i.kind = 'display' AND i.id = s.principal_id
      WHERE s.sid = $1`, [sid], (r) => ({
      session: session(r.s as R),
      ...(r.a ? { account: account(r.a as R) } : {}),
      ...(r.i ? { display: issued(r.i as R) } : {}),
    })),
    // Two lookups, each by its own index (an OR would scan): the current hash first.
    async sessionByRefresh(hash) {
      return (await one('SELECT * FROM sessions WHERE refresh_hash = $1', [hash], session))
        ?? one('SELECT * FROM sessions WHERE previous_refresh_hash = $1 LIMIT 1', [hash], session);
    },
    async rotateSession(sid, refreshHash, expiresAt) {
      await q('UPDATE sessions SET previous_refresh_hash = refresh_hash, refresh_hash = $1, expires_at = $2 WHERE sid = $3', [refreshHash, expiresAt, sid]);
    },
    async revokeSession(sid, now) {
      await q('UPDATE sessions SET revoked_at = $1 WHERE sid = $2 AND revoked_at IS NULL', [now, sid]);
    },
    async revokeSessionsOf(kind, id, now) {
      // One statement: the sids it revoked are exactly those it changed, even with another
      // revocation running at the same time (that one's rows are not returned twice).
      const rows = await q('UPDATE sessions SET revoked_at = $1 WHERE kind = $2 AND principal_id = $3 AND revoked_at IS NULL RETURNING sid', [now, kind, id]);
      return rows.map((r) => r.sid as string);
    },
    async issue(kind: IssuedKind, r) {
      const [row] = await q(
        `INSERT INTO issued (kind, id, name, scope, worker_id, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [kind, r.id, r.name, r.scope, r.workerId, r.tokenHash, r.createdBy, r.createdAt],
      );
      return issued(row);
    },
    issued: (kind, id) => one('SELECT * FROM issued WHERE kind = $1 AND id = $2', [kind, id], issued),
    issuedByToken: (kind, hash) => one('SELECT * FROM issued WHERE kind = $1 AND token_hash = $2', [kind, hash], issued),
    async issuedList(kind) {
      return (await q('SELECT * FROM issued WHERE kind = $1 ORDER BY created_at, id COLLATE "C"', [kind])).map(issued);
    },
    async revokeIssued(kind, id, now) {
      await q('UPDATE issued SET revoked_at = $1 WHERE kind = $2 AND id = $3 AND revoked_at IS NULL', [now, kind, id]);
      return one('SELECT * FROM issued WHERE kind = $1 AND id = $2', [kind, id], issued);
    },
  };
}
