// Sessions: a short-lived access token (a JWT from @fastify/jwt, carrying only the session
// id) plus a long-lived opaque refresh token, rotated on each use; a refresh token that
// comes back after its rotation means it was copied, and the session ends. Every request
// checks the session and its holder in the store, so a sign-out, a disabled account or a
// revoked display takes effect at once. Integrations send an API key instead.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessStore, SessionRecord, SessionWithOwner } from '../store/types.ts';
import type { Principal } from './principal.ts';
import { newId, newToken, tokenHash } from './tokens.ts';

export const SESSION_COOKIE = 'one_net_session';
export const REFRESH_COOKIE = 'one_net_refresh';

export interface SessionOptions {
  accessTtlMs: number;
  refreshTtlMs: number;
}

export const DEFAULT_SESSIONS: SessionOptions = { accessTtlMs: 15 * 60_000, refreshTtlMs: 7 * 24 * 3600_000 };

export interface Tokens {
  token: string;
  expiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
  sid: string;
}

export interface Authenticated {
  principal: Principal | null;
  /** Why credentials that were sent were not accepted. */
  problem?: string;
}

interface Claims {
  sid: string;
  /** Seconds since the epoch on the app's clock. */
  iat?: number;
  exp?: number;
}

export interface Sessions {
  open(kind: SessionRecord['kind'], principalId: string): Promise<Tokens>;
  /** New tokens for a refresh token, or null (unknown, expired, revoked or reused). */
  refresh(refreshToken: string): Promise<Tokens | null>;
  close(sid: string): Promise<void>;
  /** The principal behind an access token (header or cookie) or an API key. */
  authenticate(req: FastifyRequest): Promise<Authenticated>;
  /** The principal behind a bare access token (a socket's handshake). */
  principalOfToken(token: string): Promise<Authenticated>;
  /** The integration behind an API key, wherever it was sent: `authenticate` reads the
   * `x-api-key` header and the `api_key` query parameter; a route that takes it in its body
   * (Open311 GeoReport clients post it as a form field) passes it here. */
  apiKey(key: string): Promise<Authenticated>;
  /** A tracker or phone writing positions as device `id` with `token` (from its server URL,
   * `/osmand?token=…`): its worker's grid is its scope. An unregistered id, a revoked
   * device, or a token that is another device's is refused: no device writes another's track. */
  device(id: string, token: string): Promise<Authenticated>;
  setCookies(req: FastifyRequest, reply: FastifyReply, t: Tokens): void;
  clearCookies(reply: FastifyReply): void;
}

export function createSessions(app: FastifyInstance, store: AccessStore, now: () => number, o: SessionOptions = DEFAULT_SESSIONS): Sessions {
  async function issue(sid: string, refreshToken: string, refreshExpiresAt: number): Promise<Tokens> {
    // Issued and expiring on the app's clock (not the machine's): `iat` and `exp` are set
    // here and checked against `now()` below, so a test's fake clock governs them too.
    const iat = Math.floor(now() / 1000);
    const exp = now() + o.accessTtlMs;
    const token = app.jwt.sign({ sid, iat, exp: iat + Math.ceil(o.accessTtlMs / 1000) } satisfies Claims);
    return { token, expiresAt: new Date(exp).toISOString(), refreshToken, refreshExpiresAt: new Date(refreshExpiresAt).toISOString(), sid };
  }

  /** Who a session stands for now: nobody once it is revoked or expired, or its account is
   * disabled or gone, or its display revoked. */
  function principalOf(found: SessionWithOwner | undefined): Principal | null {
    const s = found?.session;
    if (!s || s.revokedAt !== null || s.expiresAt <= now()) return null;
    if (s.kind === 'account') {
      const a = found!.account;
      if (!a || a.disabled) return null;
      return {
        kind: 'account', id: a.username, name: a.name, role: a.role, scope: a.scope, sid: s.sid,
        ...(a.department ? { department: a.department } : {}), ...(a.grids.length ? { grids: a.grids } : {}),
      };
    }
    const d = found!.display;
    if (!d || d.revokedAt !== null) return null;
    return { kind: 'display', id: d.id, name: d.name, role: 'display', scope: d.scope, sid: s.sid };
  }

  const principalOfSession = async (s: SessionRecord): Promise<Principal | null> => principalOf(await store.sessionWithOwner(s.sid));

  async function principalOfToken(token: string): Promise<Authenticated> {
    let claims: Claims;
    try {
      claims = app.jwt.verify<Claims>(token); // the signature; expiry is judged on the app's clock
    } catch {
      return { principal: null, problem: 'token: not valid' };
    }
    if (typeof claims?.sid !== 'string' || typeof claims.exp !== 'number') return { principal: null, problem: 'token: not valid' };
    if (claims.exp * 1000 <= now()) return { principal: null, problem: 'token: expired; refresh it (POST /api/auth/refresh) or sign in again' };
    const principal = principalOf(await store.sessionWithOwner(claims.sid));
    return principal ? { principal } : { principal: null, problem: 'token: the session has ended; sign in again' };
  }

  async function deviceOf(id: string, token: string): Promise<Authenticated> {
    const d = await store.issuedByToken('device', tokenHash(token));
    if (!d || d.revokedAt !== null || d.id !== id) return { principal: null, problem: `token: not the token of device ${id.slice(0, 64)}` };
    return { principal: { kind: 'device', id: d.id, name: d.name, role: 'worker', scope: d.scope, grids: [d.scope] } };
  }

  async function apiKey(key: string): Promise<Authenticated> {
    const k = await store.issuedByToken('key', tokenHash(key));
    if (!k || k.revokedAt !== null) return { principal: null, problem: 'api_key: not valid' };
    return { principal: { kind: 'key', id: k.id, name: k.name, role: 'integration', scope: k.scope } };
  }

  return {
    async open(kind, principalId) {
      const sid = newId();
      const refreshToken = newToken();
      const t = now();
      await store.createSession({ sid, kind, principalId, refreshHash: tokenHash(refreshToken), createdAt: t, expiresAt: t + o.refreshTtlMs });
      return issue(sid, refreshToken, t + o.refreshTtlMs);
    },
    async refresh(refreshToken) {
      const hash = tokenHash(refreshToken);
      const s = await store.sessionByRefresh(hash);
      if (!s || s.revokedAt !== null || s.expiresAt <= now()) return null;
      if (s.refreshHash !== hash) {
        await store.revokeSession(s.sid, now()); // a rotated token came back: it was copied
        return null;
      }
      if (!(await principalOfSession(s))) return null;
      const next = newToken();
      const expiresAt = now() + o.refreshTtlMs;
      await store.rotateSession(s.sid, tokenHash(next), expiresAt);
      return issue(s.sid, next, expiresAt);
    },
    async close(sid) {
      await store.revokeSession(sid, now());
    },
    async authenticate(req) {
      const key = req.headers['x-api-key'] ?? (req.query as Record<string, unknown> | undefined)?.api_key;
      if (typeof key === 'string' && key) return apiKey(key);
      const auth = req.headers.authorization;
      if (auth !== undefined) {
        const m = /^Bearer\s+(\S+)$/i.exec(auth);
        if (!m) return { principal: null, problem: 'authorization: expected "Bearer <token>"' };
        // A grid phone (网格通) with its device token: it acts as its grid's worker (reports
        // where it stands, its pushed tasks), never as anyone else; revoking the device ends it.
        const device = req.headers['x-device-id'];
        if (typeof device === 'string' && device) return deviceOf(device, m[1]);
        return principalOfToken(m[1]);
      }
      const cookie = req.cookies?.[SESSION_COOKIE];
      if (cookie) return principalOfToken(cookie);
      return { principal: null };
    },
    principalOfToken,
    apiKey,
    device: deviceOf,
    setCookies(req, reply, t) {
      // Secure where the browser will keep it: https, or localhost (a secure context).
      const secure = req.protocol === 'https' || /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(req.headers.host ?? '');
      const base = { httpOnly: true, sameSite: 'strict' as const, secure };
      reply.setCookie(SESSION_COOKIE, t.token, { ...base, path: '/', expires: new Date(t.refreshExpiresAt) });
      reply.setCookie(REFRESH_COOKIE, t.refreshToken, { ...base, path: '/api/auth', expires: new Date(t.refreshExpiresAt) });
    },
    clearCookies(reply) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(REFRESH_COOKIE, { path: '/api/auth' });
    },
  };
}
