// What every AccessStore and AuditStore must do, written once as a function of the store:
// SQLite (tests/store.conformance.test.ts) and PostgreSQL (tests/store.pg.conformance.test.ts)
// run it. `make` gives a fresh store per test; `exec` runs raw SQL on its database (the
// audit's refusal to be rewritten is the database's, not only the interface's).
import { describe, expect, it } from 'vitest';
import type { AccessStore, AuditEntry, AuditStore } from '../../server/store/types.ts';

interface Made {
  stores: { access: AccessStore; audit: AuditStore };
  close(): Promise<void>;
  exec?(sql: string): Promise<unknown>;
}

const T = Date.UTC(2026, 10, 23, 1);
const withStore = (make: () => Promise<Made>, f: (m: Made) => Promise<void>) => async () => {
  const made = await make();
  try {
    await f(made);
  } finally {
    await made.close();
  }
};

export function accessStoreConformance(name: string, make: () => Promise<Made>) {
  describe(`AccessStore conformance: ${name}`, () => {
    it('creates, reads, lists and updates accounts', withStore(make, async ({ stores: { access } }) => {
      const a = await access.createAccount({ username: 'zhang', name: '张三', role: 'dispatcher', scope: '320402', department: null, grids: ['320402001001001', '320402001001002'], passwordHash: 'h1' }, T);
      expect(a).toEqual({ username: 'zhang', name: '张三', role: 'dispatcher', scope: '320402', department: null, grids: ['320402001001001', '320402001001002'], passwordHash: 'h1', disabled: false, createdAt: T, updatedAt: T });
      await access.createAccount({ username: 'Li', name: '李四', role: 'handler', scope: '320400', department: 'cgj', grids: [], passwordHash: 'h2' }, T + 1);
      await access.createAccount({ username: 'admin', name: 'admin', role: 'admin', scope: '320400', department: null, grids: [], passwordHash: 'h3' }, T + 2);
      expect(await access.account('zhang')).toEqual(a);
      expect(await access.account('nobody')).toBeUndefined();
      // Binary order: upper case before lower case, whatever the database's locale.
      expect((await access.accounts()).map((x) => x.username)).toEqual(['Li', 'admin', 'zhang']);
      await expect(access.createAccount({ username: 'zhang', name: 'x', role: 'dispatcher', scope: '320402', department: null, grids: [], passwordHash: 'h' }, T)).rejects.toThrow();
      const u = await access.updateAccount('zhang', { disabled: true, grids: [], department: 'cgj', passwordHash: 'h9' }, T + 10);
      expect(u).toEqual({ ...a, disabled: true, grids: [], department: 'cgj', passwordHash: 'h9', updatedAt: T + 10 });
      expect(await access.updateAccount('zhang', {}, T + 11)).toMatchObject({ updatedAt: T + 11, disabled: true });
      expect(await access.updateAccount('nobody', { name: 'x' }, T)).toBeUndefined();
    }));

    it('opens, rotates and revokes sessions; the previous refresh token still finds its session', withStore(make, async ({ stores: { access } }) => {
      await access.createSession({ sid: 's1', kind: 'account', principalId: 'zhang', refreshHash: 'r1', createdAt: T, expiresAt: T + 100 });
      await access.createSession({ sid: 's2', kind: 'account', principalId: 'zhang', refreshHash: 'r2', createdAt: T, expiresAt: T + 100 });
      await access.createSession({ sid: 's3', kind: 'display', principalId: 'zhang', refreshHash: 'r3', createdAt: T, expiresAt: T + 100 });
      expect(await access.session('s1')).toEqual({ sid: 's1', kind: 'account', principalId: 'zhang', refreshHash: 'r1', previousRefreshHash: null, createdAt: T, expiresAt: T + 100, revokedAt: null });
      await access.rotateSession('s1', 'r1b', T + 200);
      expect(await access.session('s1')).toMatchObject({ refreshHash: 'r1b', previousRefreshHash: 'r1', expiresAt: T + 200 });
      expect((await access.sessionByRefresh('r1b'))?.sid).toBe('s1');
      expect((await access.sessionByRefresh('r1'))?.sid).toBe('s1'); // a stolen token presented again
      expect(await access.sessionByRefresh('zz')).toBeUndefined();
      await expect(access.createSession({ sid: 's4', kind: 'account', principalId: 'x', refreshHash: 'r2', createdAt: T, expiresAt: T })).rejects.toThrow();
      await access.revokeSession('s2', T + 5);
      await access.revokeSession('s2', T + 6); // the first revocation stands
      expect((await access.session('s2'))?.revokedAt).toBe(T + 5);
      await access.createSession({ sid: 's5', kind: 'account', principalId: 'zhang', refreshHash: 'r5', createdAt: T, expiresAt: T + 100 });
      expect((await access.revokeSessionsOf('account', 'zhang', T + 7)).sort()).toEqual(['s1', 's5']);
      expect(await access.revokeSessionsOf('account', 'zhang', T + 8)).toEqual([]);
      expect((await access.session('s3'))?.revokedAt).toBeNull(); // a display's session of the same id is another principal
    }));

    it("finds a session with its account or display in one lookup, as each store reads them alone", withStore(make, async ({ stores: { access } }) => {
      const a = await access.createAccount({ username: 'wang', name: '王五', role: 'worker', scope: '320402001001001', department: 'cgj', grids: ['320402001001001'], passwordHash: 'h' }, T);
      const d = await access.issue('display', { id: 'wall-1', name: '大屏', scope: '320400', workerId: null, tokenHash: 'th', createdBy: 'admin', createdAt: T });
      await access.createSession({ sid: 'sa', kind: 'account', principalId: 'wang', refreshHash: 'ra', createdAt: T, expiresAt: T + 100 });
      await access.createSession({ sid: 'sd', kind: 'display', principalId: 'wall-1', refreshHash: 'rd', createdAt: T, expiresAt: T + 100 });
      await access.createSession({ sid: 'sx', kind: 'account', principalId: 'gone', refreshHash: 'rx', createdAt: T, expiresAt: T + 100 });
      await access.createSession({ sid: 'sw', kind: 'display', principalId: 'wang', refreshHash: 'rw', createdAt: T, expiresAt: T + 100 });
      expect(await access.sessionWithOwner('sa')).toEqual({ session: await access.session('sa'), account: a });
      expect(await access.sessionWithOwner('sd')).toEqual({ session: await access.session('sd'), display: d });
      expect(await access.sessionWithOwner('sx')).toEqual({ session: await access.session('sx') }); // its account is gone
      expect(await access.sessionWithOwner('sw')).toEqual({ session: await access.session('sw') }); // a display's session never finds an account
      expect(await access.sessionWithOwner('nope')).toBeUndefined();
      await access.revokeIssued('display', 'wall-1', T + 5);
      await access.revokeSession('sa', T + 6);
      expect((await access.sessionWithOwner('sd'))?.display?.revokedAt).toBe(T + 5);
      expect((await access.sessionWithOwner('sa'))?.session.revokedAt).toBe(T + 6);
    }));

    it('issues displays, devices and keys by kind, finds them by token hash, revokes them', withStore(make, async ({ stores: { access } }) => {
      const d = await access.issue('display', { id: 'd1', name: '大屏', scope: '320400', workerId: null, tokenHash: 't1', createdBy: 'admin', createdAt: T });
      expect(d).toEqual({ id: 'd1', name: '大屏', scope: '320400', workerId: null, tokenHash: 't1', createdBy: 'admin', createdAt: T, revokedAt: null });
      await access.issue('device', { id: 'd1', name: 'phone', scope: '320402001001', workerId: 'w1', tokenHash: 't2', createdBy: 'admin', createdAt: T + 1 });
      await access.issue('display', { id: 'a0', name: 'second', scope: '320402', workerId: null, tokenHash: 't3', createdBy: 'admin', createdAt: T });
      await expect(access.issue('key', { id: 'k', name: 'k', scope: '320400', workerId: null, tokenHash: 't1', createdBy: 'admin', createdAt: T })).rejects.toThrow();
      expect(await access.issued('device', 'd1')).toMatchObject({ name: 'phone', workerId: 'w1' });
      expect(await access.issuedByToken('display', 't1')).toEqual(d);
      expect(await access.issuedByToken('device', 't1')).toBeUndefined();
      expect((await access.issuedList('display')).map((x) => x.id)).toEqual(['a0', 'd1']);
      expect(await access.issuedList('key')).toEqual([]);
      expect(await access.revokeIssued('display', 'd1', T + 9)).toMatchObject({ id: 'd1', revokedAt: T + 9 });
      expect(await access.revokeIssued('display', 'd1', T + 10)).toMatchObject({ revokedAt: T + 9 });
      expect(await access.revokeIssued('display', 'nope', T)).toBeUndefined();
      expect((await access.issued('device', 'd1'))?.revokedAt).toBeNull();
    }));
  });
}

const entry = (o: Partial<AuditEntry>): AuditEntry => ({ at: T, actor: 'admin', role: 'admin', address: '127.0.0.1', kind: 'POST /api/tickets', target: null, status: 201, before: null, after: null, ...o });

export function auditStoreConformance(name: string, make: () => Promise<Made>) {
  describe(`AuditStore conformance: ${name}`, () => {
    it('appends entries with their values, and lists them newest first by actor, kind prefix, time and page', withStore(make, async ({ stores: { audit } }) => {
      const s1 = await audit.append(entry({ kind: 'auth.login', after: { session: 's1', grids: ['a'], n: 1.5 } }));
      const s2 = await audit.append(entry({ kind: 'auth.login.failed', actor: 'zhang', role: null, status: 401, at: T + 10 }));
      const s3 = await audit.append(entry({ kind: 'PATCH /api/accounts/zhang', target: 'zhang', before: { disabled: false }, after: { disabled: true, name: '张三' }, at: T + 20 }));
      const s4 = await audit.append(entry({ kind: 'auth_x', at: T + 30, before: 'text', after: 0 }));
      expect(s2).toBeGreaterThan(s1);
      expect(s3).toBeGreaterThan(s2);
      const all = await audit.list({ limit: 10 });
      expect(all.map((e) => e.seq)).toEqual([s4, s3, s2, s1]);
      expect(all[1]).toEqual({ seq: s3, ...entry({ kind: 'PATCH /api/accounts/zhang', target: 'zhang', before: { disabled: false }, after: { disabled: true, name: '张三' }, at: T + 20 }) });
      expect(all[3]).toMatchObject({ before: null, after: { session: 's1', grids: ['a'], n: 1.5 } });
      expect(all[0]).toMatchObject({ before: 'text', after: 0 });
      expect(all[2]).toMatchObject({ role: null, actor: 'zhang', status: 401 });
      expect((await audit.list({ kind: 'auth.', limit: 10 })).map((e) => e.seq)).toEqual([s2, s1]);
      // '_' in a kind is a character, not LIKE's wildcard.
      expect((await audit.list({ kind: 'auth_', limit: 10 })).map((e) => e.seq)).toEqual([s4]);
      expect((await audit.list({ actor: 'zhang', limit: 10 })).map((e) => e.seq)).toEqual([s2]);
      expect((await audit.list({ from: T + 10, to: T + 30, limit: 10 })).map((e) => e.seq)).toEqual([s3, s2]);
      expect((await audit.list({ beforeSeq: s3, limit: 1 })).map((e) => e.seq)).toEqual([s2]);
    }));

    it('is append-only in the database itself', withStore(make, async (m) => {
      await m.stores.audit.append(entry({ actor: 'a' }));
      if (!m.exec) return;
      await expect(m.exec("UPDATE audit SET actor = 'b'")).rejects.toThrow(/append-only/);
      await expect(m.exec('DELETE FROM audit')).rejects.toThrow(/append-only/);
      expect((await m.stores.audit.list({ limit: 10 }))[0].actor).toBe('a');
    }));

    it('gives every append of many at once its own sequence', withStore(make, async ({ stores: { audit } }) => {
      // Many at once (PostgreSQL groups them into few statements): each answer is the seq of
      // its own row, in the order they were appended, each with its own values.
      const seqs = await Promise.all(Array.from({ length: 700 }, (_, i) => audit.append(entry({ at: T + i, actor: `a${i}`, after: i % 3 ? { i } : null }))));
      expect(new Set(seqs).size).toBe(700);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      const rows = new Map((await audit.list({ limit: 1000 })).map((e) => [e.seq, e]));
      expect(rows.size).toBe(700);
      seqs.forEach((seq, i) => expect(rows.get(seq)).toMatchObject({ at: T + i, actor: `a${i}`, after: i % 3 ? { i } : null }));
    }));
  });
}
