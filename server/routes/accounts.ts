// Accounts, managed by admins inside their own scope: create, list, read, change,
// disable. A disabled account's sessions end and its live sockets are cut at once.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import type { AccountPatch, AccountRecord } from '../store/types.ts';
import { ACCOUNT_ROLES, ADMIN, type Role } from '../auth/roles.ts';
import { codeInScope, inScope } from '../auth/principal.ts';
import { hashPassword, PASSWORD_MAX, PASSWORD_MIN } from '../auth/passwords.ts';
import { sendError } from '../http/errors.ts';
import { areaCode, errorSchema } from './schemas.ts';
import { USERNAME } from './auth.ts';

const gridCode = { type: 'string', pattern: '^3204\\d{11}$' } as const;
const accountFields = {
  name: { type: 'string', minLength: 1, maxLength: 64, 'x-text': true },
  password: { type: 'string', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, 'x-text': true },
  role: { type: 'string', enum: ACCOUNT_ROLES },
  scope: areaCode,
  department: { type: ['string', 'null'], pattern: '^[a-z0-9]{1,16}$' },
  grids: { type: 'array', items: gridCode, maxItems: 50, uniqueItems: true },
  disabled: { type: 'boolean' },
} as const;

const accountOut = {
  type: 'object',
  properties: {
    username: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, scope: { type: 'string' },
    department: { type: ['string', 'null'] }, grids: { type: 'array', items: { type: 'string' } }, disabled: { type: 'boolean' },
    createdAt: { type: 'string' }, updatedAt: { type: 'string' },
  },
} as const;

/** An account as answers and the audit log show it: never its password hash. */
const shown = (a: AccountRecord) => ({
  username: a.username, name: a.name, role: a.role, scope: a.scope, department: a.department, grids: a.grids,
  disabled: a.disabled, createdAt: new Date(a.createdAt).toISOString(), updatedAt: new Date(a.updatedAt).toISOString(),
});

interface AccountBody {
  username: string; password: string; role: Role; scope: string; name?: string; department?: string | null; grids?: string[];
}

export const accountRoutes: FastifyPluginAsync<AppDeps> = async (app, { net, access, live, departments, now }) => {
  /** What is wrong with an account's role, scope, department and grids together, or null. */
  function problem(a: { role: Role; scope: string; department?: string | null; grids?: string[] }): string | null {
    if (!net.areas.has(a.scope)) return `scope: no area ${a.scope}`;
    if (a.role === 'handler' && !a.department) return 'department: a handler (处置员) works for a department';
    if (a.department && !departments.byCode.has(a.department)) return `department: no department ${a.department}`;
    for (const g of a.grids ?? []) {
      if (!net.areas.has(g)) return `grids: no grid ${g}`;
      if (!codeInScope(a.scope, g)) return `grids: ${g} is outside the scope ${a.scope}`;
    }
    return null;
  }

  app.post<{ Body: AccountBody }>('/api/accounts', {
    bodyLimit: 8192,
    config: { access: { roles: ADMIN, area: (req) => (req.body as AccountBody).scope } },
    schema: {
      summary: 'Create an account (admins, inside their scope)',
      body: { type: 'object', required: ['username', 'password', 'role', 'scope'], additionalProperties: false, properties: { username: USERNAME, ...accountFields } },
      response: { 201: accountOut, 400: errorSchema, 409: errorSchema },
    },
  }, async (req, reply) => {
    const b = req.body;
    const why = problem(b);
    if (why) return sendError(reply, 400, why);
    if (await access.account(b.username)) return sendError(reply, 409, `username: ${b.username} exists`);
    const a = await access.createAccount({
      username: b.username, name: b.name ?? b.username, role: b.role, scope: b.scope, department: b.department ?? null,
      grids: b.grids ?? [], passwordHash: await hashPassword(b.password),
    }, now());
    req.audit = { target: a.username, after: shown(a) };
    return reply.code(201).send(shown(a));
  });

  app.get('/api/accounts', {
    config: { access: { roles: ADMIN } },
    schema: { summary: "Accounts inside the admin's scope", response: { 200: { type: 'array', items: accountOut } } },
  }, async (req) => (await access.accounts()).filter((a) => inScope(req.principal!, a.scope)).map(shown));

  /** The account's scope, for the access rule: an admin reads and changes only inside theirs. */
  const scopeOf = async (username: string) => (await access.account(username))?.scope;

  app.get<{ Params: { username: string } }>('/api/accounts/:username', {
    config: { access: { roles: ADMIN, area: (req) => scopeOf((req.params as { username: string }).username) } },
    schema: { summary: 'One account', params: { type: 'object', required: ['username'], properties: { username: USERNAME } }, response: { 200: accountOut, 404: errorSchema } },
  }, async (req, reply) => {
    const a = await access.account(req.params.username);
    return a ? shown(a) : sendError(reply, 404, `username: no account ${req.params.username}`);
  });

  app.patch<{ Params: { username: string }; Body: Partial<AccountBody> & { disabled?: boolean } }>('/api/accounts/:username', {
    bodyLimit: 8192,
    config: { access: { roles: ADMIN, area: (req) => scopeOf((req.params as { username: string }).username) } },
    schema: {
      summary: 'Change an account: name, password, role, scope, department, grids; disable or enable it',
      params: { type: 'object', required: ['username'], properties: { username: USERNAME } },
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: accountFields },
      response: { 200: accountOut, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (req, reply) => {
    const before = await access.account(req.params.username);
    if (!before) return sendError(reply, 404, `username: no account ${req.params.username}`);
    const b = req.body;
    const next = { role: b.role ?? before.role, scope: b.scope ?? before.scope, department: b.department !== undefined ? b.department : before.department, grids: b.grids ?? before.grids };
    const why = problem(next);
    if (why) return sendError(reply, 400, why);
    if (b.scope && !inScope(req.principal!, b.scope)) return sendError(reply, 403, `scope: ${b.scope} is outside your scope ${req.principal!.scope}`);
    if (b.disabled && before.username === req.principal!.id) return sendError(reply, 409, 'disabled: you cannot disable your own account');
    const patch: AccountPatch = { ...next };
    if (b.name !== undefined) patch.name = b.name;
    if (b.disabled !== undefined) patch.disabled = b.disabled;
    if (b.password !== undefined) patch.passwordHash = await hashPassword(b.password);
    const after = (await access.updateAccount(before.username, patch, now()))!;
    // Anything that narrows what the account may do ends its sessions: it signs in again.
    const narrowed = after.disabled || b.password !== undefined || after.role !== before.role || after.scope !== before.scope
      || after.department !== before.department || JSON.stringify(after.grids) !== JSON.stringify(before.grids);
    if (narrowed) {
      await access.revokeSessionsOf('account', after.username, now());
      live.disconnectPrincipal('account', after.username);
    }
    req.audit = { target: after.username, before: shown(before), after: shown(after) };
    return shown(after);
  });
};
