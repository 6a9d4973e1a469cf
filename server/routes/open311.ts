// Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) under /open311/v2, JSON only:
// the item catalogue as services, tickets as service requests. Reports go through the same
// loop service as POST /api/tickets; reads never carry personal data. What GeoReport clients
// expect and the spine does not do is kept inside this plugin's encapsulated context:
// form-encoded bodies (@fastify/formbody), `api_key` inside a POST body, and errors as
// `[{"code": 400, "description": "…"}]` (its own error and not-found handlers, and an onSend
// hook for the refusals the app's own hooks send: 401, 403, 429, 503).
// The mapping itself (statuses, categories, the reporter's choice, address_string) is pure,
// in server/domain/open311.ts.
import { Readable } from 'node:stream';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from './deps.ts';
import type { TicketQuery } from '../store/types.ts';
import { seqOfTicketId, ticketId, type Reporter, type TicketInput, type TicketRecord } from '../domain/ticket.ts';
import { LEVELS, type CatalogueItem } from '../domain/catalogue.ts';
import {
  addressMatcher, geoStatus, itemCategories, readChoice, requestWindow, serviceCodeOf, statusesOf, statusNotes, withChoice,
  type GeoStatus,
} from '../domain/open311.ts';
import { loopService } from '../loop/service.ts';
import { inScope, scopePrefix, type Principal } from '../auth/principal.ts';
import type { Role } from '../auth/roles.ts';
import { parseJson } from '../http/json-body.ts';
import { isToldStorageError } from '../store/errors.ts';
import {
  serviceCode, ticketIdPattern, postBody, listQuery, jurisdictionQuery, serviceSchema, definitionSchema, requestSchema, postAnswer, IDEMPOTENCY_KEY,
  type PostBody, type ListQuery,
} from './open311-schemas.ts';
import { ticketOfRequest } from './ticket-of-request.ts';

export const OPEN311_PREFIX = '/open311';
/** Who reads and reports through GeoReport: integrations (their API key) and admins. */
const INTEGRATORS: readonly Role[] = ['admin', 'integration'];
const BODY_LIMIT = 16 * 1024;
/** GeoReport's recommended most results of GET requests. */
const MAX_RESULTS = 1000;
const PAGE = 1000;
const HOUR = 3_600_000;
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** /open311, /open311/…, //OPEN311/…: this plugin's paths, whatever the router made of them. */
export const isOpen311Path = (url: string) => /^\/+open311(?:[/?#]|$)/i.test(url);

/** An error as GeoReport clients read it. */
export function sendGeoError(reply: FastifyReply, code: number, description: string): FastifyReply {
  return reply.code(code).type('application/json; charset=utf-8').send([{ code, description }]);
}

/** A path under /open311 that no route serves: another format than JSON is a 400 saying
 * so (GeoReport clients ask for `.xml` first), anything else a 404. Also what app.ts answers
 * when the wall's static files would otherwise take such a path. */
export function open311Unrouted(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = req.url.split('?')[0].slice(0, 200);
  const format = /\.([A-Za-z0-9]+)$/.exec(path)?.[1];
  if (format && format.toLowerCase() !== 'json') return sendGeoError(reply, 400, `format: only JSON is served; ask for ${path.slice(0, -format.length)}json`);
  return sendGeoError(reply, 404, `no route ${req.method} ${path}`);
}

// ---- schemas -------------------------------------------------------------------------

export const open311Routes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  await app.register(async (scope) => georeport(scope, deps), { prefix: OPEN311_PREFIX });
};

/** "body/lat must be <= 90" → "lat must be <= 90": a GeoReport client names fields as it sent them. */
const asSent = (message: string) => message.replace(/^(?:body|querystring|params)\//, '');
const badRequest = (message: string) => Object.assign(new Error(message), { statusCode: 400 });

type BodyKind = 'form' | 'json' | null;
const bodyKind = (req: FastifyRequest): BodyKind => {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  return type.startsWith('application/x-www-form-urlencoded') ? 'form' : type.startsWith('application/json') ? 'json' : null;
};

/** A form body, strictly: every name and value valid percent-encoded UTF-8 (else a 400 naming
 * it, as query strings are judged in app.ts), a repeated name an array (which the schema
 * refuses), every name an own property (`__proto__` too: refused as an unknown field). */
export function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      throw badRequest(`body: the field name ${JSON.stringify(rawName.slice(0, 60))} is not valid percent-encoded UTF-8`);
    }
    try {
      value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      throw badRequest(`${name.slice(0, 100)} is not valid percent-encoded UTF-8`);
    }
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** The body's bytes, at most `limit` of them (a 413 past it). */
async function readBounded(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    length += b.length;
    if (length > limit) throw Object.assign(new Error(`body: larger than ${limit} bytes`), { statusCode: 413 });
    chunks.push(b);
  }
  return Buffer.concat(chunks, length);
}

/** The one api_key field of a form or JSON body, if it has exactly one string. */
function apiKeyIn(kind: Exclude<BodyKind, null>, raw: Buffer): string | undefined {
  const text = raw.toString('utf8');
  if (kind === 'form') {
    const keys = new URLSearchParams(text).getAll('api_key');
    return keys.length === 1 && keys[0] ? keys[0] : undefined;
  }
  try {
    const v = parseJson(text) as { api_key?: unknown } | null;
    return v && typeof v === 'object' && typeof v.api_key === 'string' && v.api_key ? v.api_key : undefined;
  } catch {
    return undefined; // the body parser answers for it
  }
}

async function georeport(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { net, store, catalogue, departments, locator, sessions, rates, now, staticJson } = deps;
  const loop = loopService(deps);
  const categoryOf = itemCategories(catalogue); // throws at start if an item has no ticket category
  const matchAddress = addressMatcher(net);

  // Form bodies, as GeoReport clients post them: parsed in this context only.
  await app.register(formbody, { bodyLimit: BODY_LIMIT, parser: parseForm });

  // `api_key` in a POST body. Credentials are settled for every request before the role
  // check (access.ts: onRequest, then preValidation), and a body is parsed only after
  // preParsing, so this hook reads the (bounded) body once, takes its api_key and hands the
  // same bytes on to the parser. Only when the request brought no other credential: a
  // header, query key or bearer token decides first, as sessions.authenticate does.
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (req.method !== 'POST' || req.principal || req.authProblem) return payload;
    const kind = bodyKind(req);
    if (!kind || Number(req.headers['content-length']) > BODY_LIMIT) return payload; // the parser refuses those
    const raw = await readBounded(payload, BODY_LIMIT);
    const key = apiKeyIn(kind, raw);
    if (key) {
      const a = await sessions.apiKey(key);
      req.principal = a.principal;
      req.authProblem = a.problem;
    }
    return Object.assign(Readable.from(raw.length ? [raw] : []), { receivedEncodedLength: raw.length });
  });

  // A form's fields are text: lat and long are parsed strictly (a plain finite decimal), as
  // numbers in query strings are (http/validation.ts); JSON numbers must be numbers.
  app.addHook('preValidation', async (req) => {
    if (bodyKind(req) !== 'form' || !req.body || typeof req.body !== 'object') return;
    const b = req.body as Record<string, unknown>;
    for (const k of ['lat', 'long']) {
      const v = b[k];
      if (typeof v !== 'string') continue;
      const n = Number(v);
      if (!DECIMAL.test(v) || !Number.isFinite(n)) throw badRequest(`${k} must be a decimal number`);
      b[k] = n;
    }
  });

  // Errors in GeoReport's form: thrown ones here, and those the app's hooks send in the
  // API's form (401/403 from access.ts, 429, 503, a bad query encoding) are rewritten.
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode <= 599 ? err.statusCode : 500;
    if (status >= 500) req.log.error(err);
    const told = status < 500 || isToldStorageError(err);
    return sendGeoError(reply, status, told ? asSent(String(err.message)) : 'internal error');
  });
  app.setNotFoundHandler(open311Unrouted);
  app.addHook('onSend', async (_req, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string' || reply.getHeader('content-encoding') || !payload.startsWith('{')) return payload;
    try {
      const body = JSON.parse(payload) as { message?: unknown };
      if (typeof body.message !== 'string') return payload;
      reply.type('application/json; charset=utf-8');
      return JSON.stringify([{ code: reply.statusCode, description: asSent(body.message) }]);
    } catch {
      return payload;
    }
  });

  // ---- services: the item catalogue ----

  const subclassName = new Map(catalogue.categories.flatMap((c) => c.subclasses.map((s): [string, string] => [`${c.code}-${s.code}`, s.name])));
  const categoryName = new Map(catalogue.categories.map((c) => [c.code, c.name]));
  const departmentName = (code: string | null | undefined) => (code ? departments.byCode.get(code)?.name ?? code : null);
  const service = (it: CatalogueItem) => ({
    service_code: it.code,
    service_name: it.name,
    description: it.reportCondition,
    metadata: true, // every service has the level attribute
    type: 'realtime',
    keywords: [subclassName.get(it.code.slice(0, 5)), departmentName(it.department)].filter(Boolean).join(','),
    group: categoryName.get(it.category) ?? it.category,
  });
  /** The attributes a report may carry: only what is kept and used. The level is shown to the
   * dispatcher, who sets the level when verifying (核实立案). */
  const definition = (it: CatalogueItem) => ({
    service_code: it.code,
    attributes: [{
      variable: true,
      code: 'level',
      datatype: 'singlevaluelist',
      required: false,
      datatype_description: '不填则由座席员核实立案时确定',
      order: 1,
      description: `信息等级：${it.levelRule}`,
      values: LEVELS.map((l) => ({ key: l.code, name: l.name })),
    }],
  });

  app.get('/v2/services.json', {
    config: { access: { roles: 'public' } },
    schema: {
      tags: ['Open311'],
      summary: 'GeoReport v2 service list: every catalogue item (事项) as a service, grouped by its category',
      querystring: jurisdictionQuery,
      response: { 200: { type: 'array', items: serviceSchema } },
    },
  }, async (req, reply) => staticJson.send(req, reply, 'open311-services', 'application/json; charset=utf-8', () => catalogue.items.map(service)));

  app.get<{ Params: { service_code: string } }>('/v2/services/:service_code.json', {
    config: { access: { roles: 'public' } },
    schema: {
      tags: ['Open311'],
      summary: "GeoReport v2 service definition: the service's attributes (the information level)",
      params: { type: 'object', required: ['service_code'], properties: { service_code: serviceCode } },
      querystring: jurisdictionQuery,
      response: { 200: definitionSchema },
    },
  }, async (req, reply) => {
    const it = catalogue.byCode.get(req.params.service_code);
    if (!it) return sendGeoError(reply, 404, `service_code: no service ${req.params.service_code}`);
    return definition(it);
  });

  // ---- service requests: tickets ----

  const ticketOf = ticketOfRequest(store, 'service_request_id');

  /** When a ticket last changed state (the loop stores each step's start, not each note). */
  const updatedAt = (r: TicketRecord) => Math.max(r.createdAt, r.registeredAt ?? 0, r.stepStartedAt ?? 0, r.closedAt ?? 0, r.pausedSince ?? 0);

  const serviceRequest = (r: TicketRecord) => {
    const t = loop.view(r, 'none'); // the view for live rooms: never the reporter
    const { choice, description } = readChoice(r.description);
    const code = serviceCodeOf(r, choice, catalogue);
    const item = code ? catalogue.byCode.get(code) : undefined;
    return {
      service_request_id: t.id,
      status: geoStatus(r.status),
      status_notes: statusNotes(r, t.light),
      service_name: item?.name ?? null,
      service_code: code,
      description,
      agency_responsible: departmentName(r.department ?? item?.department),
      service_notice: r.status === 'reported' ? '待座席员核实立案；事项与等级以核实结果为准'
        : r.status === 'rejected' || !item ? null : `结案条件：${item.closeCondition}`,
      requested_datetime: t.createdAt,
      updated_datetime: new Date(updatedAt(r)).toISOString(),
      expected_datetime: t.deadline,
      address: `${net.city.name}${t.district.name}${t.street.name}${t.community.name}（${t.grid.name}）`,
      lat: r.lat,
      long: r.lon,
      ...(choice?.mediaUrl ? { media_url: choice.mediaUrl } : {}),
    };
  };

  /** The newest `limit` tickets of a query that `keep` accepts, a page at a time. */
  async function scan(q: Omit<TicketQuery, 'limit' | 'beforeSeq'>, keep: (r: TicketRecord) => boolean, limit: number): Promise<TicketRecord[]> {
    const out: TicketRecord[] = [];
    for (let beforeSeq: number | undefined; ;) {
      const rows = await store.list({ ...q, limit: PAGE, beforeSeq });
      for (const r of rows) if (keep(r) && out.push(r) === limit) return out;
      if (rows.length < PAGE) return out;
      beforeSeq = rows[rows.length - 1].seq;
    }
  }

  const ITEMLESS = ['reported', 'rejected'] as const; // the states in which a ticket has no item yet
  /** The catch-all item of each ticket category, read backwards. */
  const categoryOfCatchAll = new Map(Object.entries(catalogue.spineCategories).map(([category, code]) => [code, category]));

  async function listRequests(p: Principal, q: ListQuery): Promise<TicketRecord[] | { problem: string }> {
    if (q.service_request_id) {
      const out: TicketRecord[] = [];
      for (const id of new Set(q.service_request_id.split(','))) {
        const seq = seqOfTicketId(id);
        const r = seq ? await store.get(seq) : undefined;
        if (r && inScope(p, r.gridCode)) out.push(r); // outside the key's scope: as if there were none
      }
      return out;
    }
    const w = requestWindow(now(), q.start_date, q.end_date);
    if ('problem' in w) return w;
    const statuses = statusesOf(q.status ? (q.status.split(',') as GeoStatus[]) : ['open', 'closed']);
    const base = { area: scopePrefix(p.scope), from: w.from, to: w.to, statuses };
    if (!q.service_code) return store.list({ ...base, limit: MAX_RESULTS });

    const codes = [...new Set(q.service_code.split(','))];
    const unknown = codes.find((c) => !catalogue.byCode.has(c));
    if (unknown) return { problem: `service_code: no service ${unknown}` };
    const itemless = statuses.filter((s) => (ITEMLESS as readonly string[]).includes(s));
    const lists: TicketRecord[][] = [];
    for (const code of codes) {
      // Registered under the item (核实立案, 自处置)…
      lists.push(await store.list({ ...base, item: code, limit: MAX_RESULTS }));
      if (!itemless.length) continue;
      // …or not yet registered: the item its reporter chose (found by the line it is kept in),
      lists.push(await scan({ ...base, statuses: itemless, text: `【Open311 ${code}` },
        (r) => r.item === null && readChoice(r.description).choice?.code === code, MAX_RESULTS));
      // or, without a choice, the catch-all item of its category.
      const category = categoryOfCatchAll.get(code);
      if (category) {
        lists.push(await scan({ ...base, statuses: itemless },
          (r) => r.item === null && r.category === category && !readChoice(r.description).choice, MAX_RESULTS));
      }
    }
    return lists.flat().sort((a, b) => b.seq - a.seq).slice(0, MAX_RESULTS);
  }

  app.get<{ Querystring: ListQuery }>('/v2/requests.json', {
    config: { access: { roles: INTEGRATORS } },
    schema: {
      tags: ['Open311'],
      summary: "GeoReport v2 service requests inside the key's scope, newest first, at most 1000: by default those requested in the last 90 days. No personal data",
      querystring: listQuery,
      response: { 200: { type: 'array', items: requestSchema } },
    },
  }, async (req, reply) => {
    const rows = await listRequests(req.principal!, req.query);
    if ('problem' in rows) return sendGeoError(reply, 400, rows.problem);
    return rows.map(serviceRequest);
  });

  app.get<{ Params: { service_request_id: string } }>('/v2/requests/:service_request_id.json', {
    config: { access: { roles: INTEGRATORS, area: async (req) => (await ticketOf(req))?.gridCode } },
    schema: {
      tags: ['Open311'],
      summary: 'GeoReport v2 one service request (an array of one, as the spec has it). No personal data',
      params: { type: 'object', required: ['service_request_id'], properties: { service_request_id: { type: 'string', pattern: `^${ticketIdPattern}$` } } },
      querystring: jurisdictionQuery,
      response: { 200: { type: 'array', items: requestSchema } },
    },
  }, async (req, reply) => {
    const r = await ticketOf(req);
    if (!r) return sendGeoError(reply, 404, `service_request_id: no request ${req.params.service_request_id}`);
    return [serviceRequest(r)];
  });

  // ---- POST a request: a report, through the loop ----

  type Located = { lon: number; lat: number; gridCode: string } | { problem: string };
  const locatedOf = new WeakMap<FastifyRequest, Located>();
  /** Where a report is, from lat/long or else address_string (found once per request: the
   * access rule and the handler both ask). */
  function locate(req: FastifyRequest): Located {
    let l = locatedOf.get(req);
    if (!l) locatedOf.set(req, (l = locateBody(req.body as PostBody)));
    return l;
  }
  function locateBody(b: PostBody): Located {
    if ((b.lat === undefined) !== (b.long === undefined)) return { problem: b.lat === undefined ? 'lat: required with long' : 'long: required with lat' };
    if (b.lat !== undefined && b.long !== undefined) {
      const gridCode = locator.gridAt(b.long, b.lat);
      return gridCode ? { lon: b.long, lat: b.lat, gridCode } : { problem: `lat/long: (${b.lat}, ${b.long}) is outside the city's grids; nothing was stored` };
    }
    if (b.address_string === undefined) return { problem: 'lat/long: send lat and long (WGS-84), or an address_string' };
    const m = matchAddress(b.address_string);
    if ('problem' in m) return m;
    const [lon, lat] = m.area.label;
    const gridCode = locator.gridAt(lon, lat);
    return gridCode ? { lon, lat, gridCode } : { problem: `address_string: ${m.area.name} could not be placed on a grid; send lat and long` };
  }

  /** The reporter from first/last name and phone: only with a phone (a name alone is not kept). */
  function reporterOf(b: PostBody): Reporter | undefined | { problem: string } {
    const first = b.first_name?.trim() ?? '';
    const last = b.last_name?.trim() ?? '';
    // 张 (last) + 三 (first) is 张三; Latin names keep their order and a space.
    const han = /\p{Script=Han}/u;
    const name = first && last ? (han.test(first) || han.test(last) ? `${last}${first}` : `${first} ${last}`) : first || last;
    if ([...name].length > 32) return { problem: 'last_name: first_name and last_name together are at most 32 characters' };
    if (!b.phone) return undefined;
    const phone = b.phone.replace(/[\s().\/]/g, '');
    if (!/^\+?[0-9-]{3,20}$/.test(phone)) return { problem: 'phone: 3 to 20 digits, with an optional leading + and dashes' };
    return { name: name || '匿名', phone };
  }

  app.post<{ Body: PostBody; Headers: { 'idempotency-key'?: string } }>('/v2/requests.json', {
    bodyLimit: BODY_LIMIT,
    config: {
      access: { roles: INTEGRATORS, write: true, area: (req) => { const l = locate(req); return 'gridCode' in l ? l.gridCode : null; } },
      // Counted per key, as POST /api/tickets is: after the body's api_key is read (preParsing).
      rateLimit: { hook: 'preValidation', max: rates.writesPerMinute, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => (req.principal ? `${req.principal.kind}:${req.principal.id}` : req.ip) },
    },
    schema: {
      tags: ['Open311'],
      summary: 'GeoReport v2 create a service request (form-encoded or JSON): a citizen report (群众上报) located in its grid and stored through the loop, as POST /api/tickets',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      headers: { type: 'object', properties: { 'idempotency-key': IDEMPOTENCY_KEY } },
      body: postBody,
      response: { 201: postAnswer },
    },
  }, async (req, reply) => {
    const b = req.body;
    const item = catalogue.byCode.get(b.service_code);
    if (!item) return sendGeoError(reply, 400, `service_code: no service ${b.service_code}; GET ${OPEN311_PREFIX}/v2/services.json lists them`);
    const flat = b['attribute[level]'];
    const nested = b.attribute?.level;
    if (flat && nested && flat !== nested) return sendGeoError(reply, 400, 'attribute[level]: differs from attribute.level');
    const where = locate(req);
    if ('problem' in where) return sendGeoError(reply, 400, where.problem);
    const reporter = reporterOf(b);
    if (reporter && 'problem' in reporter) return sendGeoError(reply, 400, reporter.problem);

    const input: TicketInput = {
      lon: where.lon,
      lat: where.lat,
      category: categoryOf.get(item.code)!,
      description: withChoice(item, { level: flat ?? nested, mediaUrl: b.media_url }, b.description ?? ''),
      source: 'citizen',
      ...(reporter ? { reporter } : {}),
    };
    const p = req.principal!;
    const { record, created } = await loop.report(input, where.gridCode, p, { clientId: req.headers['idempotency-key'], crs: 'wgs84' });
    const id = ticketId(record.seq);
    if (!created) reply.header('idempotent-replayed', 'true');
    req.audit = { target: id };
    const hours = loop.view.verifyLimitMs(record.category) / HOUR;
    return reply.code(201).send([{
      service_request_id: id,
      service_notice: `已受理：${hours} 个工作小时内由座席员核实立案，事项与等级以核实结果为准`,
      account_id: null,
    }]);
  });
}
