// Sign-in, sessions and what ends them; lockout; audit; personal data; the live feed's
// own access. Real HTTP and real Socket.IO clients on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import Database from 'better-sqlite3';
import { AUDIT_SCHEMA, sqliteAuditStore } from '../server/store/sqlite-audit.ts';
import { gridOf, report, testApp, theNet, type TestApp } from './helpers.ts';
import { TEST_PASSWORD } from '../scripts/local-app.ts';

let t: TestApp;
/** The app's clock: fixed when the file starts, moved on by the tests that need time to pass. */
let clock = Date.now();
/** A fresh admin session each time (access tokens here live 1.5 s). */
const admin = { get headers(): Promise<{ authorization: string }> { return t.as('admin', undefined, { username: 'the-admin' }).then((c) => c.headers); } };
const sockets: Socket[] = [];
beforeAll(async () => {
  t = await testApp({ listen: true, sessions: { accessTtlMs: 1500 }, now: () => clock });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.close();
});

const call = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.url}${url}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
const login = (username: string, password: string) => call('POST', '/api/auth/login', { username, password });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function socket(auth: { token?: string }, area?: string): Promise<Socket> {
  const s = connect(t.url, { auth, query: area ? { area } : {}, transports: ['websocket'], forceNew: true, reconnection: false });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

describe('sign-in', () => {
  it('gives a token, cookies and the account; the token works as a bearer', async () => {
    const { username } = await t.as('dispatcher', '320402001');
    const r = await login(username, TEST_PASSWORD);
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.account).toMatchObject({ username, role: 'dispatcher', roleName: '座席员/调度员', scope: '320402001' });
    const cookies = r.headers.getSetCookie();
    expect(cookies.some((c) => /^one_net_session=.+HttpOnly.*SameSite=Strict/i.test(c))).toBe(true);
    expect(cookies.some((c) => /^one_net_refresh=.+Path=\/api\/auth.*HttpOnly/i.test(c))).toBe(true);
    expect((await call('GET', '/api/auth/me', undefined, bearer(body.token))).status).toBe(200);
    const session = cookies.find((c) => c.startsWith('one_net_session='))!.split(';')[0];
    expect((await call('GET', '/api/auth/me', undefined, { cookie: session })).status).toBe(200);
  });

  it('answers an unknown user and a wrong password alike, then locks the name out', async () => {
    // Its own server: the address it locks out is the one every other test signs in from.
    const other = await testApp({ listen: true, lockout: { free: 3, baseMs: 60_000 } });
    const login = (username: string, password: string) =>
      fetch(`${other.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    const { username } = await other.as('leader');
    const unknown = await login('no-such-user', 'whatever-1');
    const wrong = await login(username, 'whatever-1');
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(await unknown.json()).toEqual(await wrong.json());
    for (let i = 0; i < 2; i++) expect((await login(username, 'whatever-1')).status).toBe(401);
    const locked = await login(username, TEST_PASSWORD); // right password, but locked
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login('no-such-user-2', 'x')).status).toBe(429); // the address is locked too
    await other.close();
  });

  it('expires, refreshes (rotating), and a reused refresh token ends the session', async () => {
    const who = await t.as('dispatcher');
    const tokens = await (await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: who.username, password: TEST_PASSWORD } })).json();
    clock += 2100; // past the 1.5 s access lifetime, on the app's clock
    const expired = await call('GET', '/api/auth/me', undefined, bearer(tokens.token));
    expect(expired.status).toBe(401);
    expect((await expired.json()).message).toMatch(/expired/);
    const next = await call('POST', '/api/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(next.status).toBe(200);
    const fresh = await next.json();
    expect((await call('GET', '/api/auth/me', undefined, bearer(fresh.token))).status).toBe(200);
    // The old refresh token again: stolen; the whole session ends.
    expect((await call('POST', '/api/auth/refresh', { refreshToken: tokens.refreshToken })).status).toBe(401);
    expect((await call('GET', '/api/auth/me', undefined, bearer(fresh.token))).status).toBe(401);
    expect((await call('POST', '/api/auth/refresh', { refreshToken: fresh.refreshToken })).status).toBe(401);
  });

  it('sign-out ends the session and its sockets at once, also with only the refresh cookie', async () => {
    const who = await t.as('leader');
    const s = await socket({ token: who.token });
    const cut = new Promise((r) => s.once('disconnect', r));
    expect((await call('POST', '/api/auth/logout', undefined, who.headers)).status).toBe(204);
    expect(await cut).toBe('io server disconnect');
    expect((await call('GET', '/api/auth/me', undefined, who.headers)).status).toBe(401);
    const other = await t.as('leader');
    const tokens = await (await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: other.username, password: TEST_PASSWORD } })).json();
    const out = await call('POST', '/api/auth/logout', undefined, { cookie: `one_net_refresh=${tokens.refreshToken}` });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((c) => /^one_net_session=;/.test(c))).toBe(true);
    expect((await call('POST', '/api/auth/refresh', { refreshToken: tokens.refreshToken })).status).toBe(401);
  });
});

describe('what ends access at once', () => {
  it("a disabled account's sockets are cut and its token stops working", async () => {
    const who = await t.as('dispatcher', '320402');
    const s = await socket({ token: who.token });
    const cut = new Promise((r) => s.once('disconnect', r));
    const r = await call('PATCH', `/api/accounts/${who.username}`, { disabled: true }, await admin.headers);
    expect(r.status).toBe(200);
    expect(await cut).toBe('io server disconnect');
    expect((await call('GET', '/api/tickets', undefined, who.headers)).status).toBe(401);
    await expect(socket({ token: who.token })).rejects.toThrow(/unauthorized/);
  });

  it('a revoked display is cut off', async () => {
    const d = await (await call('POST', '/api/displays', { name: '区大屏', scope: '320402' }, await admin.headers)).json();
    const signedIn = await call('POST', '/api/auth/display', { token: d.token });
    expect(signedIn.status).toBe(200);
    const { token } = await signedIn.json();
    const s = await socket({ token });
    const cut = new Promise((r) => s.once('disconnect', r));
    expect((await call('DELETE', `/api/displays/${d.id}`, undefined, await admin.headers)).status).toBe(200);
    expect(await cut).toBe('io server disconnect');
    expect((await call('POST', '/api/auth/display', { token: d.token })).status).toBe(401);
    expect((await call('GET', '/api/tickets', undefined, bearer(token))).status).toBe(401);
  });
});

describe('devices', () => {
  it("a device writes only its own track: another device's id, an unregistered id or a revoked device is refused", async () => {
    const { net } = theNet();
    const workers = [...net.workers.values()].filter((w) => w.grid.startsWith('320402')).slice(0, 2);
    const issue = async (id: string, workerId: string) => (await call('POST', '/api/devices', { id, workerId }, await admin.headers)).json();
    const a = await issue('phone-a', workers[0].id);
    const b = await issue('phone-b', workers[1].id);
    expect(a.url).toBe(`/osmand?id=phone-a&token=${a.token}`);
    const own = await t.app.sessions.device('phone-a', a.token);
    expect(own.principal).toMatchObject({ kind: 'device', id: 'phone-a', role: 'worker', scope: workers[0].grid, grids: [workers[0].grid] });
    // Device A's token naming B: refused, so A cannot write B's track (nor B with A's token).
    expect(await t.app.sessions.device('phone-b', a.token)).toEqual({ principal: null, problem: 'token: not the token of device phone-b' });
    expect((await t.app.sessions.device('phone-a', b.token)).principal).toBeNull();
    expect((await t.app.sessions.device('phone-z', a.token)).principal).toBeNull();
    expect((await t.app.sessions.device('phone-a', 'x'.repeat(43))).principal).toBeNull();
    expect((await call('DELETE', '/api/devices/phone-a', undefined, await admin.headers)).status).toBe(200);
    expect((await t.app.sessions.device('phone-a', a.token)).principal).toBeNull();
    expect((await t.app.sessions.device('phone-b', b.token)).principal).toMatchObject({ id: 'phone-b' });
  });
});

describe('the live feed', () => {
  it('refuses a socket without credentials, and rooms outside the scope', async () => {
    await expect(socket({})).rejects.toThrow(/unauthorized/);
    await expect(socket({ token: 'not-a-token' })).rejects.toThrow(/unauthorized/);
    const who = await t.as('dispatcher', '320402');
    await expect(socket({ token: who.token }, '320481')).rejects.toThrow(/forbidden/);
    const s = await socket({ token: who.token });
    expect(await s.emitWithAck('join', { area: '320481' })).toMatchObject({ ok: false, message: expect.stringContaining('outside') });
    expect(await s.emitWithAck('join', { area: '320402001' })).toEqual({ ok: true, area: '320402001' });
  });

  it('is closed to other origins', async () => {
    const who = await t.as('dispatcher');
    const s = connect(t.url, { auth: { token: who.token }, transports: ['polling'], forceNew: true, reconnection: false, extraHeaders: { origin: 'https://evil.example' } });
    sockets.push(s);
    await expect(new Promise<void>((res, rej) => (s.once('connect', () => res()), s.once('connect_error', rej)))).rejects.toThrow();
  });
});

describe('personal data', () => {
  it('a reporter is seen in full by a dispatcher, masked by a display and a leader, and never on the live feed', async () => {
    const g = gridOf(theNet().net, '320402');
    const display = await t.as('display', '320402');
    const s = await socket({ token: display.token });
    const live = new Promise<Record<string, unknown>>((r) => s.once('ticket', r));
    const created = await (await call('POST', '/api/tickets', report(g.label[0], g.label[1], { reporter: { name: '张三丰', phone: '13812345678' } }), await admin.headers)).json();
    expect(created.reporter).toEqual({ name: '张三丰', phone: '13812345678' });
    expect((await live).reporter).toBeUndefined();
    const seen = async (role: 'dispatcher' | 'leader' | 'display') => {
      const who = role === 'display' ? display : await t.as(role, '320402');
      return (await (await call('GET', `/api/tickets/${created.id}`, undefined, who.headers)).json()).reporter;
    };
    expect(await seen('dispatcher')).toEqual({ name: '张三丰', phone: '13812345678' });
    expect(await seen('leader')).toEqual({ name: '张**', phone: '138****5678' });
    expect(await seen('display')).toEqual({ name: '张**', phone: '138****5678' });
    const area = await (await call('GET', `/api/areas/${g.code}`, undefined, display.headers)).json();
    for (const w of area.workers) expect(w.phone).toMatch(/^\*+\d{2}$/);
  });
});

describe('the audit log', () => {
  it('records sign-ins (failed too) and changes with before/after, for admins only', async () => {
    const who = await t.as('worker', '320402');
    await login(who.username, 'wrong-password');
    await call('PATCH', `/api/accounts/${who.username}`, { name: '新名字' }, await admin.headers);
    const failed = await (await call('GET', `/api/audit?actor=${who.username}&kind=auth.login.failed`, undefined, await admin.headers)).json();
    expect(failed.items[0]).toMatchObject({ actor: who.username, kind: 'auth.login.failed', status: 401, address: '127.0.0.1' });
    const changes = await (await call('GET', '/api/audit?kind=PATCH%20%2Fapi%2Faccounts', undefined, await admin.headers)).json();
    const change = changes.items.find((e: { target: string }) => e.target === who.username);
    expect(change.before.name).toBe(who.username);
    expect(change.after.name).toBe('新名字');
    expect(JSON.stringify(change)).not.toMatch(/argon2|passwordHash/);
    expect((await call('GET', '/api/audit', undefined, who.headers)).status).toBe(403);
  });

  it('cannot be changed or deleted: no route does it, and the database refuses', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      expect((await call(method, '/api/audit', method === 'DELETE' ? undefined : {}, await admin.headers)).status, method).toBe(404);
    }
    // Underneath, the table itself refuses (what a script or a bug writing SQL would face).
    const db = new Database(':memory:');
    db.exec(AUDIT_SCHEMA);
    const audit = sqliteAuditStore(db);
    await audit.append({ at: 1, actor: 'a', role: 'admin', address: '127.0.0.1', kind: 'k', target: null, status: 200, before: null, after: null });
    expect(() => db.exec("UPDATE audit SET actor = 'b'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM audit')).toThrow(/append-only/);
    expect((await audit.list({ limit: 10 }))[0].actor).toBe('a');
    db.close();
  });
});
