// City components (部件), places and a grid's six elements: what the wall's components and
// places layers and its grid panel read. Components answer in a binary body (the layout in
// server/city/components.ts): 100,000 of them are 1.5 MB of typed arrays, not an array of
// objects; the bbox is answered from a kdbush index.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { READERS } from '../auth/roles.ts';
import { sendError } from '../http/errors.ts';
import { areaPrefix } from '../net/hierarchy.ts';
import { COMPONENT_CLASSES, COMPONENT_STATES, SUBCLASSES } from '../city/kinds.ts';
import { COMPONENTS_WIRE_VERSION } from '../city/components.ts';
import { PLACE_KIND_CODES, PLACE_KINDS, placesOf, type PlaceKind } from '../city/places.ts';
import { elementsOf } from '../city/elements.ts';
import { loopService } from '../loop/service.ts';
import { ticketId } from '../domain/ticket.ts';
import { areaCode, errorSchema, ticket } from './schemas.ts';

const NUM = '-?\\d{1,3}(\\.\\d{1,10})?';
const bboxParam = { type: 'string', pattern: `^${NUM},${NUM},${NUM},${NUM}$`, description: 'west,south,east,north (WGS-84 degrees); the whole city when left out' } as const;
const componentCode = { type: 'string', pattern: '^\\d{16}$', description: '16 digits (GB/T 30428.2): district (6) + class (2) + subclass (2) + sequence (6)' } as const;
const count = { type: 'integer' } as const;
const synthetic = { type: 'boolean' } as const;

type Bbox = [number, number, number, number];
function parseBbox(s: string | undefined): Bbox | null | string {
  if (s === undefined) return null;
  const b = s.split(',').map(Number) as Bbox;
  if (b[0] > b[2] || b[1] > b[3]) return 'bbox: west must not exceed east, nor south north';
  if (b[1] < -90 || b[3] > 90 || b[0] < -180 || b[2] > 180) return 'bbox: outside WGS-84 degrees';
  return b;
}

export const cityRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { net, components, locator, store, registers } = deps;
  const view = loopService(deps).view;
  const departmentName = (code: string) => deps.departments.byCode.get(code)?.name ?? code;

  app.get<{ Querystring: { bbox?: string; classes?: string } }>('/api/components', {
    config: { access: { roles: READERS } },
    schema: {
      summary: 'City components (部件, synthetic) in a bbox, of some classes, as one binary body (application/octet-stream; layout: server/city/components.ts)',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { bbox: bboxParam, classes: { type: 'string', pattern: '^0[1-6](,0[1-6]){0,5}$', description: 'class codes (01 公用设施 … 06 其他设施); all when left out' } },
      },
      response: { 400: errorSchema },
    },
  }, async (req, reply) => {
    const bbox = parseBbox(req.query.bbox);
    if (typeof bbox === 'string') return sendError(reply, 400, bbox);
    let mask = 0;
    for (const c of (req.query.classes ?? '01,02,03,04,05,06').split(',')) mask |= 1 << Number(c);
    // On PostgreSQL a box is PostGIS's question (the whole city stays a pass in memory).
    const ids = registers && bbox ? await registers.componentsIn(bbox, mask) : components.query(bbox, mask);
    return reply.type('application/octet-stream').header('cache-control', 'no-store').send(components.encode(ids));
  });

  app.get('/api/components/meta', {
    config: { access: { roles: READERS } },
    schema: {
      summary: "The components' vocabulary and how an id of the binary answer becomes a code: component i is runs[r].prefix + (i − runs[r].start + 1, 6 digits) for the run holding it",
      response: {
        200: {
          type: 'object',
          properties: {
            synthetic, version: count, total: count,
            classes: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, count } } },
            subclasses: { type: 'array', items: { type: 'object', properties: { cls: { type: 'string' }, code: { type: 'string' }, name: { type: 'string' }, department: { type: 'string' } } } },
            states: { type: 'array', items: { type: 'object', properties: { code: count, key: { type: 'string' }, name: { type: 'string' } } } },
            runs: { type: 'array', items: { type: 'object', properties: { prefix: { type: 'string' }, start: count, count } } },
          },
        },
      },
    },
  }, async () => {
    const c = components.data();
    const perClass = new Array(7).fill(0);
    for (let i = 0; i < c.n; i++) perClass[c.cls[i]]++;
    return {
      synthetic: true, version: COMPONENTS_WIRE_VERSION, total: c.n,
      classes: COMPONENT_CLASSES.map((k) => ({ ...k, count: perClass[Number(k.code)] })),
      subclasses: SUBCLASSES.map((s) => ({ cls: s.cls, code: s.code, name: s.name, department: s.dept })),
      states: COMPONENT_STATES, runs: c.runs,
    };
  });

  const gridOfComponent = (code: string) => {
    const c = components.data(), i = c.indexOf(code);
    return i < 0 ? null : c.gridCodes[c.grid[i]];
  };
  app.get<{ Params: { code: string } }>('/api/components/:code', {
    config: { access: { roles: READERS, area: (req) => gridOfComponent((req.params as { code: string }).code) } },
    schema: {
      summary: 'One component (synthetic): its class, state (as its open tickets make it), owner, place, and its tickets (newest first, at most 50)',
      params: { type: 'object', required: ['code'], properties: { code: componentCode } },
      response: {
        200: {
          type: 'object',
          properties: {
            code: { type: 'string' }, synthetic, name: { type: 'string' },
            class: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
            subclass: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
            state: { type: 'string', enum: ['normal', 'damaged', 'missing'] }, ownState: { type: 'string', enum: ['normal', 'damaged', 'missing'] },
            openTickets: { type: 'array', items: { type: 'string' } },
            department: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
            grid: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
            lon: { type: 'number' }, lat: { type: 'number' },
            tickets: { type: 'array', items: ticket },
          },
        },
        404: errorSchema,
      },
    },
  }, async (req, reply) => {
    const c = components.data(), i = c.indexOf(req.params.code);
    if (i < 0) return sendError(reply, 404, `code: no component ${req.params.code}`);
    const s = SUBCLASSES[c.sub[i]];
    const cls = COMPONENT_CLASSES[c.cls[i] - 1];
    const grid = net.areas.get(c.gridCodes[c.grid[i]])!;
    const p = req.principal!;
    const rows = await store.list({ component: req.params.code, limit: 50, department: p.role === 'handler' ? p.department ?? '-' : undefined });
    return {
      code: req.params.code, synthetic: true, name: `${grid.name}${s.name}`,
      class: { code: cls.code, name: cls.name }, subclass: { code: s.code, name: s.name },
      state: COMPONENT_STATES[components.state(i)].key, ownState: COMPONENT_STATES[c.base[i]].key,
      openTickets: components.openTickets(req.params.code).map(ticketId),
      department: { code: s.dept, name: departmentName(s.dept) },
      grid: { code: grid.code, name: grid.name }, lon: c.lon[i], lat: c.lat[i],
      tickets: rows.map((r) => view(r, p)),
    };
  });

  app.get<{ Querystring: { bbox?: string; kinds?: string } }>('/api/places', {
    config: { access: { roles: READERS } },
    schema: {
      summary: 'Places (synthetic): key premises 重点场所, one-key alarm posts 一键报警柱, 党群/便民服务中心, as columns',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { bbox: bboxParam, kinds: { type: 'string', pattern: `^(${PLACE_KIND_CODES.join('|')})(,(${PLACE_KIND_CODES.join('|')})){0,3}$`, description: 'place kinds; all when left out' } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            synthetic, kinds: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } } },
            kind: { type: 'array', items: count, description: 'index into kinds' },
            lon: { type: 'array', items: { type: 'number' } }, lat: { type: 'array', items: { type: 'number' } },
            name: { type: 'array', items: { type: 'string' } }, unit: { type: 'array', items: { type: 'string' } }, grid: { type: 'array', items: { type: 'string' } },
          },
        },
        400: errorSchema,
      },
    },
  }, async (req, reply) => {
    const bbox = parseBbox(req.query.bbox);
    if (typeof bbox === 'string') return sendError(reply, 400, bbox);
    const places = placesOf(net, locator);
    const kinds = new Set((req.query.kinds?.split(',') ?? PLACE_KIND_CODES) as PlaceKind[]);
    const ids = places.query(bbox, kinds);
    const at = (f: (i: number) => unknown) => ids.map(f);
    const l = places.list;
    return {
      synthetic: true, kinds: PLACE_KINDS, kind: at((i) => PLACE_KIND_CODES.indexOf(l[i].kind)),
      lon: at((i) => Math.round(l[i].lon * 1e6) / 1e6), lat: at((i) => Math.round(l[i].lat * 1e6) / 1e6),
      name: at((i) => l[i].name), unit: at((i) => l[i].unit), grid: at((i) => l[i].grid),
    };
  });

  const section = (props: Record<string, unknown>) => ({ type: 'object', properties: { synthetic, ...props } });
  app.get<{ Params: { code: string } }>('/api/areas/:code/elements', {
    config: { access: { roles: READERS, area: (req) => (req.params as { code: string }).code } },
    schema: {
      summary: "A grid's six elements (人、地、事、物、情、组织), or an area's as sums over its grids; each section says whether it is synthetic",
      params: { type: 'object', required: ['code'], properties: { code: areaCode } },
      response: {
        200: {
          type: 'object',
          properties: {
            code: { type: 'string' }, grids: count,
            people: section({ residents: count, migrants: count, keyGroups: { type: 'object', properties: { elderlyAlone: count, disabled: count, mentalHealth: count, corrections: count } } }),
            places: section({ buildings: count, estates: count }),
            events: section({ total: count, byStatus: { type: 'object', additionalProperties: count } }),
            things: section({ total: count, byClass: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, total: count, normal: count, damaged: count, missing: count } } } }),
            situations: section({ overdue: count, risks: { type: 'array', items: { type: 'object', properties: { category: { type: 'string' }, open: count } } } }),
            organisations: section({ partyBranches: count, enterprises: count, socialOrganisations: count }),
          },
        },
        404: errorSchema,
      },
    },
  }, async (req, reply) => {
    const { code } = req.params;
    if (!net.areas.has(code)) return sendError(reply, 404, `code: no area ${code}`);
    return elementsOf(code, areaPrefix(code), deps);
  });
};
