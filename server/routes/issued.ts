// Tokens issued by admins to things that are not people: wall displays (a URL that shows
// the wall of one scope, no personal data), devices (a tracker or phone writing one grid
// worker's track) and API keys (an Open311 client or a gateway). The token is shown once,
// when issued; revoking ends its sessions and cuts its live sockets.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import type { IssuedKind, IssuedRecord } from '../store/types.ts';
import { ADMIN } from '../auth/roles.ts';
import { newId, newToken, tokenHash } from '../auth/tokens.ts';
import { sendError } from '../http/errors.ts';
import { areaCode, errorSchema } from './schemas.ts';

const NAME = { type: 'string', minLength: 1, maxLength: 64, 'x-text': true } as const;
const DEVICE_ID = { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'the id the tracker sends (OsmAnd `id`)' } as const;
const ISSUED_ID = { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$' } as const;

const issuedOut = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, scope: { type: 'string' }, workerId: { type: ['string', 'null'] },
    createdBy: { type: 'string' }, createdAt: { type: 'string' }, revokedAt: { type: ['string', 'null'] },
    token: { type: 'string' }, url: { type: 'string' },
  },
} as const;

const shown = (r: IssuedRecord) => ({
  id: r.id, name: r.name, scope: r.scope, workerId: r.workerId, createdBy: r.createdBy,
  createdAt: new Date(r.createdAt).toISOString(), revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString(),
});

interface Spec {
  kind: IssuedKind;
  path: string;
  what: string;
  /** The body schema's properties beyond what every kind has. */
  body: Record<string, unknown>;
  required: string[];
  /** id, name and scope of the new record from the body, or a 400 message. */
  make(body: Record<string, string>): { id: string; name: string; scope: string; workerId: string | null } | string;
  /** Where the token is used. */
  url?(token: string, r: IssuedRecord): string;
}

export const issuedRoutes: FastifyPluginAsync<AppDeps> = async (app, { net, access, live, now }) => {
  const specs: Spec[] = [
    {
      kind: 'display', path: '/api/displays', what: 'a wall display (大屏)',
      body: { name: NAME, scope: areaCode }, required: ['name', 'scope'],
      make: (b) => (net.areas.has(b.scope) ? { id: newId(), name: b.name, scope: b.scope, workerId: null } : `scope: no area ${b.scope}`),
      url: (token) => `/?display=${token}`,
    },
    {
      kind: 'device', path: '/api/devices', what: "a grid worker's tracker or phone",
      body: { id: DEVICE_ID, workerId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' } }, required: ['id', 'workerId'],
      make: (b) => {
        const w = net.workers.get(b.workerId);
        return w ? { id: b.id, name: w.name, scope: w.grid, workerId: w.id } : `workerId: no grid worker ${b.workerId}`;
      },
      url: (token, r) => `/osmand?id=${encodeURIComponent(r.id)}&token=${token}`,
    },
    {
      kind: 'key', path: '/api/keys', what: 'an API key for an integration (Open311 client, gateway)',
      body: { name: NAME, scope: areaCode }, required: ['name', 'scope'],
      make: (b) => (net.areas.has(b.scope) ? { id: newId(), name: b.name, scope: b.scope, workerId: null } : `scope: no area ${b.scope}`),
    },
  ];

  for (const s of specs) {
    const byId = async (id: string) => (await access.issued(s.kind, id))?.scope;
    app.post<{ Body: Record<string, string> }>(s.path, {
      bodyLimit: 4096,
      config: {
        access: {
          roles: ADMIN,
          // A device's scope is its worker's grid; the others name theirs.
          area: (req) => {
            const b = req.body as Record<string, string>;
            return s.kind === 'device' ? net.workers.get(b.workerId)?.grid : b.scope;
          },
        },
      },
      schema: {
        summary: `Issue ${s.what}; its token is in this answer only`,
        body: { type: 'object', required: s.required, additionalProperties: false, properties: s.body },
        response: { 201: issuedOut, 400: errorSchema, 409: errorSchema },
      },
    }, async (req, reply) => {
      const made = s.make(req.body);
      if (typeof made === 'string') return sendError(reply, 400, made);
      if (await access.issued(s.kind, made.id)) return sendError(reply, 409, `id: ${made.id} exists`);
      const token = newToken();
      const r = await access.issue(s.kind, { ...made, tokenHash: tokenHash(token), createdBy: req.principal!.id, createdAt: now() });
      req.audit = { target: `${s.kind}:${r.id}`, after: shown(r) };
      return reply.code(201).send({ ...shown(r), token, ...(s.url ? { url: s.url(token, r) } : {}) });
    });

    app.get(s.path, {
      config: { access: { roles: ADMIN } },
      schema: { summary: `Every ${s.kind} issued inside the admin's scope (without tokens)`, response: { 200: { type: 'array', items: issuedOut } } },
    }, async (req) => (await access.issuedList(s.kind)).filter((r) => r.scope.startsWith(req.principal!.scope === '320400' ? '' : req.principal!.scope)).map(shown));

    app.delete<{ Params: { id: string } }>(`${s.path}/:id`, {
      config: { access: { roles: ADMIN, area: (req) => byId((req.params as { id: string }).id) } },
      schema: {
        summary: `Revoke ${s.what}: its sessions end and its sockets are cut`,
        params: { type: 'object', required: ['id'], properties: { id: ISSUED_ID } },
        response: { 200: issuedOut, 404: errorSchema },
      },
    }, async (req, reply) => {
      const before = await access.issued(s.kind, req.params.id);
      if (!before) return sendError(reply, 404, `id: no ${s.kind} ${req.params.id}`);
      const after = (await access.revokeIssued(s.kind, before.id, now()))!;
      if (s.kind === 'display') await access.revokeSessionsOf('display', before.id, now());
      live.disconnectPrincipal(s.kind, before.id);
      req.audit = { target: `${s.kind}:${before.id}`, before: shown(before), after: shown(after) };
      return shown(after);
    });
  }
};
