// The audit log, for admins: read-only (there is no route that changes it, and the store
// refuses to).
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { ADMIN } from '../auth/roles.ts';
import { sendError } from '../http/errors.ts';

interface Query { actor?: string; kind?: string; from?: string; to?: string; limit: number; cursor?: number }

export const auditRoutes: FastifyPluginAsync<AppDeps> = async (app, { audit }) => {
  app.get<{ Querystring: Query }>('/api/audit', {
    config: { access: { roles: ADMIN } },
    schema: {
      summary: 'Audit entries, newest first: every write and every sign-in, with who, when, from where, and before/after',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          actor: { type: 'string', minLength: 1, maxLength: 100, 'x-text': true },
          kind: { type: 'string', minLength: 1, maxLength: 100, 'x-text': true, description: "prefix, e.g. 'auth.' or 'POST /api/accounts'" },
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          cursor: { type: 'integer', minimum: 1, description: 'nextCursor of the previous page' },
        },
      },
    },
  }, async (req, reply) => {
    const q = req.query;
    const from = q.from ? Date.parse(q.from) : undefined;
    const to = q.to ? Date.parse(q.to) : undefined;
    if (from !== undefined && to !== undefined && from > to) return sendError(reply, 400, 'from: must not be after to');
    const rows = await audit.list({ actor: q.actor, kind: q.kind, from, to, limit: q.limit + 1, beforeSeq: q.cursor });
    const page = rows.slice(0, q.limit).map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
    return { items: page, nextCursor: rows.length > q.limit ? page[page.length - 1].seq : null };
  });
};
