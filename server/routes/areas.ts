// The net as data: an area and its children, grid geometry by parent, label points, meta.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { ANY_ROLE } from '../auth/roles.ts';
import { maskPhone, seesPersonalData } from '../auth/principal.ts';
import { sendError } from '../http/errors.ts';
import type { Grid, Level } from '../net/types.ts';
import { areaPrefix, pathTo } from '../net/hierarchy.ts';
import { CATEGORIES, SOURCES, STATUSES } from '../domain/ticket.ts';
import { areaCode, areaRef, lonLat } from './schemas.ts';

const LEVELS = ['district', 'street', 'community', 'grid'] as const;

export const areaRoutes: FastifyPluginAsync<AppDeps> = async (app, { net, staticJson }) => {
  app.get<{ Params: { code: string } }>('/api/areas/:code', {
    config: { access: { roles: ANY_ROLE } },
    schema: {
      summary: 'One area of the net: its hierarchy, children and (for a grid) its team',
      params: { type: 'object', required: ['code'], properties: { code: areaCode } },
      response: {
        200: {
          type: 'object',
          properties: {
            code: { type: 'string' }, name: { type: 'string' }, level: { type: 'string' },
            parent: { type: ['string', 'null'] },
            path: { type: 'array', items: areaRef },
            children: { type: 'array', items: areaRef },
            areaKm2: { type: 'number' }, label: lonLat, bbox: { type: 'array', items: { type: 'number' } },
            synthetic: { type: 'boolean' },
            type: { type: 'string' }, households: { type: 'integer' }, unit: { type: 'string' },
            workers: {
              type: 'array',
              items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, phone: { type: 'string' } } },
            },
            team: {
              type: 'object',
              description: "The grid's team (4+X, 3+X or 2+X; synthetic): its named members and its volunteers' count",
              properties: {
                volunteers: { type: 'integer' },
                members: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, phone: { type: 'string' }, carriesPhone: { type: 'boolean' } } } },
              },
            },
          },
        },
      },
    },
  }, async (req, reply) => {
    const a = net.areas.get(req.params.code);
    if (!a) return sendError(reply, 404, `code: no area ${req.params.code}`);
    const children = a.children.map((c) => {
      const k = net.areas.get(c)!;
      return { code: k.code, name: k.name, level: k.level };
    });
    const base = { ...a, path: pathTo(net, a.code), children };
    if (a.level !== 'grid') return base;
    const g = a as Grid;
    // Workers' phones are personal data: masked for displays, leaders and other scopes.
    const full = seesPersonalData(req.principal, g.code);
    const masked = <W extends { phone: string }>(w: W) => (full ? w : { ...w, phone: maskPhone(w.phone) });
    const workers = g.workers.map((id) => net.workers.get(id)).filter((w) => w !== undefined).map(masked);
    const team = g.team && { volunteers: g.team.volunteers, members: g.team.members.map((id) => net.members.get(id)).filter((w) => w !== undefined).map(masked) };
    return { ...base, workers, team }; // after `base`: the grid in memory holds the team's ids
  });

  app.get<{ Querystring: { parent: string } }>('/api/grids', {
    config: { access: { roles: ANY_ROLE } },
    schema: {
      summary: 'Grid boundaries under an area, as a GeoJSON FeatureCollection (RFC 7946)',
      querystring: { type: 'object', required: ['parent'], additionalProperties: false, properties: { parent: areaCode } },
    },
  }, async (req, reply) => {
    const { parent } = req.query;
    if (!net.areas.has(parent)) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `parent: no area ${parent}` });
    // The net does not change while the process runs: built once per parent, then cached.
    return staticJson.send(req, reply, `grids:${parent}`, 'application/geo+json', () => {
      const prefix = areaPrefix(parent);
      const features = net.features.grid.features
        .filter((f) => f.properties.code.startsWith(prefix))
        .map((f) => ({ ...f, properties: { ...f.properties, type: (net.areas.get(f.properties.code) as Grid).type } }));
      return { type: 'FeatureCollection', features };
    });
  });

  // Label points per level, computed once: the wall draws names with deck.gl's TextLayer.
  const labels = Object.fromEntries(LEVELS.map((level) => [level, [...net.areas.values()]
    .filter((a) => a.level === level)
    .map((a) => ({ code: a.code, name: a.name, label: a.label }))]));
  app.get<{ Querystring: { level: Exclude<Level, 'city'> } }>('/api/labels', {
    config: { access: { roles: ANY_ROLE } },
    schema: {
      summary: 'Label points of every area of one level',
      querystring: { type: 'object', required: ['level'], additionalProperties: false, properties: { level: { type: 'string', enum: LEVELS } } },
    },
  }, async (req, reply) => staticJson.send(req, reply, `labels:${req.query.level}`, 'application/json; charset=utf-8', () => labels[req.query.level]));

  app.get('/api/meta', { config: { access: { roles: ANY_ROLE } }, schema: { summary: 'Vocabulary: ticket categories, sources, statuses; the city' } }, async () => ({
    categories: CATEGORIES,
    sources: SOURCES,
    statuses: STATUSES,
    city: { code: net.city.code, name: net.city.name, bbox: net.city.bbox, label: net.city.label },
  }));
};
