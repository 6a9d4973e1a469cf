// Tickets: report one (start of the loop), list them by area and time, read one.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app.ts';
import { seqOfTicketId, STATUS_CODES, type Status, type TicketInput } from '../domain/ticket.ts';
import { presentTicket } from '../domain/present.ts';
import { areaPrefix } from '../net/hierarchy.ts';
import { areaCode, errorSchema, ticket, ticketInput } from './schemas.ts';

interface ListQuery {
  area?: string;
  status?: Status;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

const bad = (message: string) => ({ statusCode: 400, error: 'Bad Request', message });

export const ticketRoutes: FastifyPluginAsync<AppDeps> = async (app, { net, store, locator, live, now }) => {
  app.post<{ Body: TicketInput }>('/api/tickets', {
    schema: {
      summary: 'Report an event: it is located in its grid, stored, and pushed live',
      body: ticketInput,
      response: { 201: ticket, 400: errorSchema, 422: errorSchema },
    },
  }, async (req, reply) => {
    const input = req.body;
    const gridCode = locator.gridAt(input.lon, input.lat);
    if (!gridCode) {
      return reply.code(422).send({
        statusCode: 422, error: 'Unprocessable Entity',
        message: `lon/lat: (${input.lon}, ${input.lat}) is outside the city's grids; nothing was stored`,
      });
    }
    const t = presentTicket(net, store.insert(input, gridCode, now()));
    live.publishTicket(t);
    return reply.code(201).send(t);
  });

  app.get<{ Querystring: ListQuery }>('/api/tickets', {
    schema: {
      summary: 'Tickets of an area, newest first, one page at a time',
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
    if (q.area && !net.areas.has(q.area)) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `area: no area ${q.area}` });
    const from = q.from ? Date.parse(q.from) : undefined;
    const to = q.to ? Date.parse(q.to) : undefined;
    if (from !== undefined && to !== undefined && from > to) return reply.code(400).send(bad('from: must not be after to'));
    const rows = store.list({
      area: q.area ? areaPrefix(q.area) : undefined,
      status: q.status,
      from,
      to,
      limit: q.limit + 1,
      beforeSeq: q.cursor ? seqOfTicketId(q.cursor) ?? undefined : undefined,
    });
    const page = rows.slice(0, q.limit).map((r) => presentTicket(net, r));
    return { items: page, nextCursor: rows.length > q.limit ? page[page.length - 1].id : null };
  });

  app.get<{ Params: { id: string } }>('/api/tickets/:id', {
    schema: {
      summary: 'One ticket',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^T\\d{10}$' } } },
      response: { 200: ticket, 404: errorSchema },
    },
  }, async (req, reply) => {
    const seq = seqOfTicketId(req.params.id);
    const r = seq ? store.get(seq) : undefined;
    if (!r) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `id: no ticket ${req.params.id}` });
    return presentTicket(net, r);
  });
};
