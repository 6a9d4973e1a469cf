// The dispatcher's queues by area (待核实, 待派遣, 被退回, 已超期, 待核查, 督办件; a department's
// 待签收 and 处置中), their counts, and one page of a queue with the console's filters
// (item, platform, department, light, source, text). And bulk actions over a selection:
// each ticket goes through the loop on its own, so one refusal does not stop the others.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppDeps } from './deps.ts';
import type { Status } from '../domain/ticket.ts';
import { seqOfTicketId, SOURCE_CODES } from '../domain/ticket.ts';
import { allowedActions, type Action } from '../domain/loop.ts';
import { areaPrefix } from '../net/hierarchy.ts';
import { sendError } from '../http/errors.ts';
import { loopService } from '../loop/service.ts';
import type { TicketQuery } from '../store/types.ts';
import type { Principal } from '../auth/principal.ts';
import { areaCode, ticket } from './schemas.ts';
import { actionBody, actionFieldsProblem, assigneeProblem } from './ticket-actions.ts';

const OPEN: Status[] = ['reported', 'registered', 'dispatched', 'returned', 'handling', 'feedback'];
export const QUEUES: Record<string, { name: string; filter: Pick<TicketQuery, 'statuses' | 'overdue' | 'supervised'> }> = {
  to_verify: { name: '待核实', filter: { statuses: ['reported'] } },
  to_dispatch: { name: '待派遣', filter: { statuses: ['registered', 'returned'] } },
  returned: { name: '被退回', filter: { statuses: ['returned'] } },
  to_accept: { name: '待签收', filter: { statuses: ['dispatched'] } },
  handling: { name: '处置中', filter: { statuses: ['handling'] } },
  to_check: { name: '待核查', filter: { statuses: ['feedback'] } },
  overdue: { name: '已超期', filter: { statuses: OPEN, overdue: true } },
  supervised: { name: '督办件', filter: { statuses: OPEN, supervised: true } },
};
const QUEUE_ROLES = ['admin', 'leader', 'dispatcher', 'handler', 'worker'] as const;

const filters = {
  area: areaCode,
  item: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' },
  platform: { type: 'string', pattern: '^[a-z]{2}$' },
  department: { type: 'string', pattern: '^[a-z0-9_]{2,16}$' },
  light: { type: 'string', enum: ['green', 'yellow', 'red'] },
  source: { type: 'string', enum: SOURCE_CODES },
  q: { type: 'string', minLength: 1, maxLength: 50, 'x-text': true, description: 'text in the description or the place names' },
} as const;
type Filters = { area?: string; item?: string; platform?: string; department?: string; light?: 'green' | 'yellow' | 'red'; source?: string; q?: string };

export const queueRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { net, store, now, rates } = deps;
  const loop = loopService(deps);
  /** The store query for a caller's filters: a handler sees only their department's. */
  const query = (p: Principal, f: Filters) => {
    const area = f.area ?? p.scope;
    return {
      area: areaPrefix(area), item: f.item, platform: f.platform, source: f.source, light: f.light, text: f.q,
      department: p.role === 'handler' ? p.department ?? '-' : f.department, now: now(),
    };
  };

  app.get<{ Querystring: Filters }>('/api/queues', {
    config: { access: { roles: QUEUE_ROLES, area: (req) => (req.query as Filters).area } },
    schema: {
      summary: "The queues of an area (default: the caller's scope) with how many tickets each holds, under the filters",
      querystring: { type: 'object', additionalProperties: false, properties: filters },
    },
  }, async (req, reply) => {
    const area = req.query.area ?? req.principal!.scope;
    if (!net.areas.has(area)) return sendError(reply, 404, `area: no area ${area}`);
    const q = query(req.principal!, req.query);
    const counts = await Promise.all(Object.entries(QUEUES).map(async ([code, def]) => ({ code, name: def.name, count: await store.countWhere({ ...q, ...def.filter }) })));
    return { area, queues: counts };
  });

  app.get<{ Params: { queue: string }; Querystring: Filters & { limit: number; cursor?: string } }>('/api/queues/:queue', {
    config: { access: { roles: QUEUE_ROLES, area: (req) => (req.query as Filters).area } },
    schema: {
      summary: 'One page of a queue, newest first, with the actions the caller may take on each ticket',
      params: { type: 'object', required: ['queue'], properties: { queue: { type: 'string', enum: Object.keys(QUEUES) } } },
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { ...filters, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', pattern: '^T(?!0{10})\\d{10}$' } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            queue: { type: 'string' }, name: { type: 'string' }, total: { type: 'integer' }, nextCursor: { type: ['string', 'null'] },
            items: { type: 'array', items: { type: 'object', properties: { ticket, actions: { type: 'array', items: { type: 'string' } } } } },
          },
        },
      },
    },
  }, async (req, reply) => {
    const area = req.query.area ?? req.principal!.scope;
    if (!net.areas.has(area)) return sendError(reply, 404, `area: no area ${area}`);
    const def = QUEUES[req.params.queue];
    const p = req.principal!;
    const q = { ...query(p, req.query), ...def.filter };
    const { limit, cursor } = req.query;
    const [rows, total] = await Promise.all([
      store.list({ ...q, limit: limit + 1, beforeSeq: cursor ? seqOfTicketId(cursor) ?? undefined : undefined }),
      store.countWhere(q),
    ]);
    const page = rows.slice(0, limit);
    return {
      queue: req.params.queue, name: def.name, total,
      items: page.map((r) => ({ ticket: loop.view(r, p), actions: allowedActions(r, p) })),
      nextCursor: rows.length > limit ? loop.view(page[page.length - 1], 'none').id : null,
    };
  });

  const { properties: actionProps } = actionBody;
  app.post<{ Body: { ids: string[] } & Record<string, unknown> }>('/api/tickets/bulk-actions', {
    bodyLimit: 32 * 1024,
    config: {
      // The area of each ticket is checked by the loop's rules and the scope below.
      access: { roles: ['admin', 'dispatcher'] },
      rateLimit: { max: rates.writesPerMinute, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => req.principal ? `${req.principal.kind}:${req.principal.id}` : req.ip },
    },
    schema: {
      summary: 'One action (e.g. dispatch to the suggested departments) on up to 200 selected tickets; each succeeds or fails on its own',
      body: {
        type: 'object', required: ['ids', 'action'], additionalProperties: false,
        properties: { ids: { type: 'array', minItems: 1, maxItems: 200, uniqueItems: true, items: { type: 'string', pattern: '^T\\d{10}$' } }, ...actionProps },
      },
    },
  }, async (req, reply) => {
    const problem = actionFieldsProblem(req.body as unknown as Parameters<typeof actionFieldsProblem>[0]) ?? assigneeProblem(deps, req.body as unknown as Parameters<typeof assigneeProblem>[1]);
    if (problem) return sendError(reply, 400, problem);
    const { ids, version: _v, ...action } = req.body;
    const p = req.principal!;
    const results = [];
    for (const id of ids) {
      const seq = seqOfTicketId(id);
      const r = seq ? await store.get(seq) : undefined;
      if (!r) results.push({ id, status: 404, message: `id: no ticket ${id}` });
      else if (!r.gridCode.startsWith(areaPrefix(p.scope))) results.push({ id, status: 403, message: `id: ${id} is outside the scope ${p.scope}` });
      else {
        const done = await loop.apply(r, action as unknown as Action, p);
        results.push(done.ok ? { id, status: 200, ticket: loop.view(done.ticket, p) } : { id, status: done.status, message: done.message });
      }
    }
    req.audit = { target: `tickets:${ids.length}`, after: { action: (action as { action: string }).action, ok: results.filter((r) => r.status === 200).length } };
    return { ok: results.filter((r) => r.status === 200).length, results };
  });
};
