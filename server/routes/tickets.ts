// Tickets: report one (start of the loop), list them by area and time, read one. Each
// route's access rule says who may call it and which area it is about: a ticket is
// reported only inside the caller's scope (a grid worker: in their own grids), and read
// only inside it; a handler sees only tickets dispatched to their department.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppDeps } from './deps.ts';
import { seqOfTicketId, STATUS_CODES, type Status, type TicketInput, type TicketRecord } from '../domain/ticket.ts';
import { presentTicket } from '../domain/present.ts';
import { loopService } from '../loop/service.ts';
import { ticketOfRequest } from './ticket-of-request.ts';
import { toWgs84, type Crs } from '../geo/datum.ts';
import { areaPrefix } from '../net/hierarchy.ts';
import { READERS, REPORTERS } from '../auth/roles.ts';
import { sendError } from '../http/errors.ts';
import { areaCode, errorSchema, ticket, ticketInput } from './schemas.ts';

interface ListQuery {
  area?: string;
  status?: Status;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

const IDEMPOTENCY_KEY = { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,128}$', description: 'a key the client makes per report (a UUID): a retry with it stores nothing new' } as const;

type ReportBody = Omit<TicketInput, 'lon' | 'lat'> & { lon?: number; lat?: number; crs?: Crs; clientId?: string; observedAt?: string };
const OBSERVED_WITHIN_MS = 7 * 86_400_000;

export const ticketRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { net, store, locator, rates, now, components } = deps;
  const loop = loopService(deps);
  const present = loop.view;
  /** The report's point in WGS-84, whatever datum it was sent in; a named component's point
   * when it gives none; null when it gives neither (or names no known component). */
  const wgs84 = (b: ReportBody): [number, number] | null => {
    if (b.lon !== undefined && b.lat !== undefined) return toWgs84(b.lon, b.lat, b.crs ?? 'wgs84');
    if (b.lon !== undefined || b.lat !== undefined || !b.component) return null;
    const c = components.data(), i = c.indexOf(b.component);
    return i < 0 ? null : [c.lon[i], c.lat[i]];
  };

  app.post<{ Body: ReportBody; Headers: { 'idempotency-key'?: string } }>('/api/tickets', {
    bodyLimit: 16 * 1024,
    config: {
      access: { roles: REPORTERS, write: true, area: (req) => { const p = wgs84(req.body as ReportBody); return p && locator.gridAt(p[0], p[1]); } },
      rateLimit: { max: rates.writesPerMinute, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => req.principal ? `${req.principal.kind}:${req.principal.id}` : req.ip },
    },
    schema: {
      summary: 'Report an event: converted to WGS-84 from its datum, located in its grid, stored, and pushed live. A retry with the same Idempotency-Key (or clientId) stores nothing new and answers the same ticket',
      headers: { type: 'object', properties: { 'idempotency-key': IDEMPOTENCY_KEY } },
      body: ticketInput,
      response: { 201: ticket, 400: errorSchema, 401: errorSchema, 403: errorSchema, 422: errorSchema, 507: errorSchema },
    },
  }, async (req, reply) => {
    const { crs = 'wgs84', clientId: bodyKey, observedAt: observedText, ...input } = req.body;
    const observedAt = observedText === undefined ? undefined : Date.parse(observedText);
    if (observedAt !== undefined && (observedAt > now() + 5 * 60_000 || observedAt < now() - OBSERVED_WITHIN_MS)) return sendError(reply, 400, 'observedAt: must be within the last 7 days, not in the future');
    const headerKey = req.headers['idempotency-key'];
    if (headerKey !== undefined && bodyKey !== undefined && headerKey !== bodyKey) return sendError(reply, 400, 'clientId: differs from the Idempotency-Key header');
    if ((input.lon === undefined) !== (input.lat === undefined)) return sendError(reply, 400, `${input.lon === undefined ? 'lon' : 'lat'}: required with ${input.lon === undefined ? 'lat' : 'lon'}`);
    if (input.component !== undefined && components.data().indexOf(input.component) < 0) return sendError(reply, 422, `component: no component ${input.component}; nothing was stored`);
    const point = wgs84(req.body);
    if (!point) return sendError(reply, 400, 'lon: required, with lat, unless the report names a component');
    const [lon, lat] = point;
    const gridCode = locator.gridAt(lon, lat);
    if (!gridCode) {
      return sendError(reply, 422, `lon/lat: (${input.lon}, ${input.lat}) in ${crs} is outside the city's grids; nothing was stored`);
    }
    const p = req.principal!;
    const { record: r, created } = await loop.report({ ...input, lon, lat }, gridCode, p, { clientId: headerKey ?? bodyKey, crs, observedAt });
    if (!created) reply.header('idempotent-replayed', 'true');
    req.audit = { target: presentTicket(net, r).id };
    return reply.code(201).send(present(r, p));
  });

  app.get<{ Querystring: ListQuery }>('/api/tickets', {
    config: { access: { roles: READERS, area: (req) => (req.query as ListQuery).area } },
    schema: {
      summary: "Tickets of an area (default: the caller's scope), newest first, one page at a time",
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          area: areaCode,
          status: { type: 'string', enum: STATUS_CODES },
          from: { type: 'string', format: 'date-time', description: 'created at or after (ISO 8601)' },
          to: { type: 'string', format: 'date-time', description: 'created before (ISO 8601)' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
          cursor: { type: 'string', pattern: '^T(?!0{10})\\d{10}$', description: 'nextCursor of the previous page' },
        },
      },
      response: {
        200: { type: 'object', properties: { items: { type: 'array', items: ticket }, nextCursor: { type: ['string', 'null'] } } },
      },
    },
  }, async (req, reply) => {
    const q = req.query;
    const p = req.principal!;
    const area = q.area ?? p.scope;
    if (!net.areas.has(area)) return sendError(reply, 404, `area: no area ${area}`);
    const from = q.from ? Date.parse(q.from) : undefined;
    const to = q.to ? Date.parse(q.to) : undefined;
    if (from !== undefined && to !== undefined && from > to) return sendError(reply, 400, 'from: must not be after to');
    const rows = await store.list({
      area: areaPrefix(area),
      status: q.status,
      from,
      to,
      limit: q.limit + 1,
      beforeSeq: q.cursor ? seqOfTicketId(q.cursor) ?? undefined : undefined,
      department: p.role === 'handler' ? p.department ?? '-' : undefined,
    });
    const page = rows.slice(0, q.limit).map((r) => present(r, p));
    return { items: page, nextCursor: rows.length > q.limit ? page[page.length - 1].id : null };
  });

  const ticketOf = ticketOfRequest(store);

  app.get<{ Params: { id: string } }>('/api/tickets/:id', {
    config: { access: { roles: READERS, area: async (req) => (await ticketOf(req))?.gridCode } },
    schema: {
      summary: 'One ticket',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^T\\d{10}$' } } },
      response: { 200: ticket, 403: errorSchema, 404: errorSchema },
    },
  }, async (req, reply) => {
    const r = await ticketOf(req);
    if (!r) return sendError(reply, 404, `id: no ticket ${req.params.id}`);
    const p = req.principal!;
    if (p.role === 'handler' && r.department !== p.department) return sendError(reply, 403, `id: ${req.params.id} is not dispatched to your department`);
    return present(r, p);
  });
};
