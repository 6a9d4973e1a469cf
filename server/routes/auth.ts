// Sign-in (登录), refresh, sign-out, who am I, and a wall display's sign-in by its token.
// The browser gets the session as HTTP-only SameSite cookies; other clients use the
// token as `Authorization: Bearer`. An unknown user and a wrong password get the same
// answer, in the same time; repeated failures lock the username and the address.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from './deps.ts';
import { checkPassword, PASSWORD_MAX } from '../auth/passwords.ts';
import { ANY_ROLE, ROLES } from '../auth/roles.ts';
import { describePrincipal } from '../auth/principal.ts';
import { REFRESH_COOKIE, type Tokens } from '../auth/sessions.ts';
import { tokenHash } from '../auth/tokens.ts';
import { sendError } from '../http/errors.ts';
import { errorSchema } from './schemas.ts';

export const USERNAME = { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'letters, digits, _ . -' } as const;
const TOKEN = { type: 'string', pattern: '^[A-Za-z0-9_-]{20,100}$' } as const;

const principalSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' }, username: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, roleName: { type: 'string' },
    scope: { type: 'string' }, department: { type: 'string' }, grids: { type: 'array', items: { type: 'string' } },
  },
} as const;

const tokensSchema = {
  type: 'object',
  properties: {
    token: { type: 'string' }, expiresAt: { type: 'string' }, refreshToken: { type: 'string' }, refreshExpiresAt: { type: 'string' },
    account: principalSchema,
  },
} as const;

const roleName = (code: string) => ROLES.find((r) => r.code === code)?.name ?? code;

export const authRoutes: FastifyPluginAsync<AppDeps> = async (app, { access, sessions, lockout, live, now, rates }) => {
  const SIGN_IN_LIMIT = { max: rates.signInsPerMinute, timeWindow: '1 minute' };
  async function answer(req: FastifyRequest, reply: FastifyReply, t: Tokens) {
    sessions.setCookies(req, reply, t);
    const p = (await sessions.principalOfToken(t.token)).principal!;
    return { ...t, sid: undefined, account: { ...describePrincipal(p), roleName: roleName(p.role) } };
  }

  app.post<{ Body: { username: string; password: string } }>('/api/auth/login', {
    bodyLimit: 4096,
    config: { access: { roles: 'public' }, rateLimit: SIGN_IN_LIMIT },
    schema: {
      summary: 'Sign in: a session (cookies) and a bearer token',
      body: {
        type: 'object', required: ['username', 'password'], additionalProperties: false,
        properties: { username: USERNAME, password: { type: 'string', minLength: 1, maxLength: PASSWORD_MAX, 'x-text': true } },
      },
      response: { 200: tokensSchema, 401: errorSchema, 429: errorSchema },
    },
  }, async (req, reply) => {
    const { username, password } = req.body;
    req.audit = { actor: username, kind: 'auth.login.failed' };
    const t = now();
    const wait = Math.max(await lockout.waitMs(`user:${username}`, t), await lockout.waitMs(`ip:${req.ip}`, t));
    if (wait > 0) {
      reply.header('retry-after', Math.ceil(wait / 1000));
      return sendError(reply, 429, `too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s`);
    }
    const a = await access.account(username);
    const ok = await checkPassword(a && !a.disabled ? a.passwordHash : null, password);
    if (!ok || !a) {
      await lockout.fail(`user:${username}`, t);
      await lockout.fail(`ip:${req.ip}`, t);
      return sendError(reply, 401, 'username or password is wrong');
    }
    await lockout.clear(`user:${username}`);
    req.audit = { actor: username, kind: 'auth.login' };
    return answer(req, reply, await sessions.open('account', username));
  });

  app.post<{ Body: { token: string } }>('/api/auth/display', {
    bodyLimit: 4096,
    config: { access: { roles: 'public' }, rateLimit: SIGN_IN_LIMIT },
    schema: {
      summary: "A wall display signs in with its token (the wall's URL carries it: /?display=…)",
      body: { type: 'object', required: ['token'], additionalProperties: false, properties: { token: TOKEN } },
      response: { 200: tokensSchema, 401: errorSchema },
    },
  }, async (req, reply) => {
    const d = await access.issuedByToken('display', tokenHash(req.body.token));
    req.audit = { actor: d?.id ?? 'unknown display', kind: d && d.revokedAt === null ? 'auth.display' : 'auth.display.failed' };
    if (!d || d.revokedAt !== null) return sendError(reply, 401, 'token: not a display token, or revoked');
    return answer(req, reply, await sessions.open('display', d.id));
  });

  app.post<{ Body: { refreshToken?: string } }>('/api/auth/refresh', {
    bodyLimit: 4096,
    config: { access: { roles: 'public' }, rateLimit: { max: 120, timeWindow: '1 minute' } },
    schema: {
      summary: 'New tokens for a refresh token (the body, or the refresh cookie); the old one stops working',
      body: { type: ['object', 'null'], additionalProperties: false, properties: { refreshToken: TOKEN } },
      response: { 200: tokensSchema, 401: errorSchema },
    },
  }, async (req, reply) => {
    const given = req.body?.refreshToken ?? req.cookies?.[REFRESH_COOKIE];
    req.audit = { kind: 'auth.refresh' };
    const t = given ? await sessions.refresh(given) : null;
    if (!t) {
      sessions.clearCookies(reply);
      return sendError(reply, 401, 'refreshToken: not valid (expired, revoked or already used); sign in again');
    }
    return answer(req, reply, t);
  });

  app.post('/api/auth/logout', {
    // Public: a browser whose access token has expired still signs out with its refresh cookie.
    config: { access: { roles: 'public' } },
    schema: { summary: 'End this session (the bearer token, the session cookie or the refresh cookie says which)' },
  }, async (req, reply) => {
    const refresh = req.cookies?.[REFRESH_COOKIE];
    const sid = req.principal?.sid ?? (refresh ? (await access.sessionByRefresh(tokenHash(refresh)))?.sid : undefined);
    if (sid) {
      await sessions.close(sid);
      live.disconnectSession(sid);
    }
    sessions.clearCookies(reply);
    req.audit = { kind: 'auth.logout' };
    return reply.code(204).send();
  });

  app.get('/api/auth/me', {
    config: { access: { roles: ANY_ROLE } },
    schema: { summary: 'Who is signed in', response: { 200: principalSchema } },
  }, async (req) => ({ ...describePrincipal(req.principal!), roleName: roleName(req.principal!.role) }));
};
