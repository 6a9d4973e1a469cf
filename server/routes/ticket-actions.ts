// The one documented way to move a ticket through the loop: `POST /api/tickets/:id/actions
// {action, …}`. The route's rule admits the roles that take any action, in the ticket's
// area; the loop (server/domain/loop.ts) decides the rest — the role for this action, a
// handler's department, a worker's grid, the state it starts from — and the store applies
// the result only if nobody moved the ticket meanwhile (a version), with its timeline entry
// in the same transaction. `GET /api/tickets/:id/timeline` gives the history and the
// actions the caller may take now.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppDeps } from './deps.ts';
import { seqOfTicketId, type TicketRecord } from '../domain/ticket.ts';
import { allowedActions, LEVEL_CODES, REJECT_REASONS, RULES, type Action, type ActionName } from '../domain/loop.ts';
import { loopService } from '../loop/service.ts';
import { ticketOfRequest } from './ticket-of-request.ts';
import { presentTicket } from '../domain/present.ts';
import { sendError } from '../http/errors.ts';
import { errorSchema, ticket } from './schemas.ts';

const ACTORS = ['admin', 'dispatcher', 'handler', 'worker', 'integration'] as const;
const NOTE = { type: 'string', minLength: 1, maxLength: 1000, 'x-text': true } as const;
/** Photos arrive by upload (POST /api/tickets/:id/photos), not here. */
const ACTION_NAMES = (Object.keys(RULES) as ActionName[]).filter((a) => a !== 'attach');

/** Fields each action needs beyond `action` (the rest are optional or refused). */
const NEEDS: Partial<Record<ActionName, string[]>> = {
  verify: ['item', 'level'], reject: ['reason', 'note'], return: ['note'], request_extension: ['hours', 'note'], deny_extension: ['note'],
  supervise: ['note'], escalate: ['note'], feedback: ['note'], check: ['pass'], self_handle: ['item', 'note'], rate: ['satisfaction'], reopen: ['note'],
  assign: ['worker'],
};
const TAKES: Record<ActionName, string[]> = {
  verify: ['item', 'level', 'note'], reject: ['reason', 'duplicateOf', 'note'], dispatch: ['department', 'platform', 'note'], accept: ['note'],
  return: ['note'], request_extension: ['hours', 'note'], approve_extension: ['note'], deny_extension: ['note'], remind: ['note'],
  supervise: ['note'], escalate: ['note'], feedback: ['note'], check: ['pass', 'note'], self_handle: ['item', 'note'], rate: ['satisfaction', 'note'], reopen: ['note'],
  assign: ['worker', 'note'], attach: [],
};

export const actionBody = {
  type: 'object',
  required: ['action'],
  additionalProperties: false,
  description: `One of: ${ACTION_NAMES.map((a) => `${a} (${RULES[a].name}: ${RULES[a].roles.join('/')} from ${RULES[a].from.join('/')}; needs ${(NEEDS[a] ?? []).join(', ') || 'nothing'})`).join('; ')}`,
  properties: {
    action: { type: 'string', enum: ACTION_NAMES },
    version: { type: 'integer', minimum: 1, description: 'the version the caller saw: a 409 if the ticket has moved since' },
    item: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$', description: 'catalogue item code (verify, self_handle)' },
    level: { type: 'string', enum: LEVEL_CODES },
    reason: { type: 'string', enum: REJECT_REASONS },
    duplicateOf: { type: 'string', pattern: '^T\\d{10}$' },
    department: { type: 'string', pattern: '^[a-z0-9_]{2,16}$' },
    platform: { type: 'string', pattern: '^[a-z]{2}$' },
    hours: { type: 'number', exclusiveMinimum: 0, maximum: 2000 },
    pass: { type: 'boolean' },
    satisfaction: { type: 'integer', minimum: 1, maximum: 5 },
    worker: { type: 'string', pattern: '^[A-Za-z0-9_.:@-]{1,128}$', description: "the grid worker's device (GET /api/tickets/:id/nearest-workers) a task is pushed to (assign)" },
    note: NOTE,
  },
} as const;

type Body = { action: ActionName; version?: number } & Record<string, unknown>;

/** What is wrong with an action's fields (one needed and missing, or one it does not take). */
export function actionFieldsProblem(b: Body): string | null {
  const missing = (NEEDS[b.action] ?? []).find((f) => b[f] === undefined);
  if (missing) return `body/${missing} is required for ${b.action}`;
  const extra = Object.keys(b).find((f) => f !== 'action' && f !== 'version' && f !== 'ids' && !TAKES[b.action].includes(f));
  return extra ? `body/${extra} is not taken by ${b.action}` : null;
}

/** An assign names a grid worker's phone the roster knows, or it is refused whole. */
export function assigneeProblem(deps: Pick<AppDeps, 'patrol'>, b: Body): string | null {
  if (b.action !== 'assign' || deps.patrol.roster.get(b.worker as string)?.kind === 'phone') return null;
  return `worker: ${String(b.worker).slice(0, 64)} is not a grid worker's phone`;
}

export const ticketActionRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { net, store, rates } = deps;
  const loop = loopService(deps);
  const view = loop.view;
  const ticketOf = ticketOfRequest(store);

  app.post<{ Params: { id: string }; Body: Body }>('/api/tickets/:id/actions', {
    bodyLimit: 8 * 1024,
    config: {
      access: { roles: ACTORS, area: async (req) => (await ticketOf(req))?.gridCode },
      rateLimit: { max: rates.writesPerMinute, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => req.principal ? `${req.principal.kind}:${req.principal.id}` : req.ip },
    },
    schema: {
      summary: 'Act on a ticket: one step of the loop (核实立案, 分流交办, 签收, 退回, 延期, 催办, 督办, 上报升级, 反馈, 核查, 自处置, 评价, 重办)',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^T\\d{10}$' } } },
      body: actionBody,
      response: { 200: { type: 'object', properties: { ticket, actions: { type: 'array', items: { type: 'string' } } } }, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (req, reply) => {
    const b = req.body;
    const problem = actionFieldsProblem(b);
    if (problem) return sendError(reply, 400, problem);
    const notPhone = assigneeProblem(deps, b);
    if (notPhone) return sendError(reply, 400, notPhone);
    const r = await ticketOf(req);
    if (!r) return sendError(reply, 404, `id: no ticket ${req.params.id}`);
    if (b.version !== undefined && b.version !== r.version) return sendError(reply, 409, `version: the ticket is at version ${r.version}, not ${b.version}; reload it`);
    const p = req.principal!;
    const { version: _v, ...action } = b;
    const done = await loop.apply(r, action as unknown as Action, p);
    if (!done.ok) return sendError(reply, done.status, done.message);
    const after = done.ticket;
    req.audit = { target: presentTicket(net, r).id, before: { status: r.status, version: r.version }, after: { action: b.action, status: after.status, version: after.version } };
    return { ticket: view(after, p), actions: allowedActions(after, p) };
  });

  app.get<{ Params: { id: string } }>('/api/tickets/:id/timeline', {
    config: { access: { roles: ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'integration'], area: async (req) => (await ticketOf(req))?.gridCode } },
    schema: {
      summary: "A ticket's timeline (every step: who, when, from which state to which, note) and the actions the caller may take now",
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^T\\d{10}$' } } },
      response: { 404: errorSchema, 403: errorSchema },
    },
  }, async (req, reply) => {
    const r = await ticketOf(req);
    if (!r) return sendError(reply, 404, `id: no ticket ${req.params.id}`);
    const p = req.principal!;
    if (p.role === 'handler' && r.department !== p.department) return sendError(reply, 403, `id: ${req.params.id} is not dispatched to your department`);
    const items = (await store.timeline(r.seq)).map((e) => ({ ...e, at: new Date(e.at).toISOString(), name: e.action === 'report' ? '采集上报' : RULES[e.action].name }));
    return { ticket: view(r, p), items, actions: allowedActions(r, p) };
  });
};
