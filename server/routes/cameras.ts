// Cameras over HTTP: the register by bbox as columns (one array per field, not 20,000
// objects), one camera's details and video address, a camera's status set by a video
// gateway or an admin (audited, pushed live as `camera`), and a ticket's nearest cameras
// (视频联动). Who may read a camera: whoever's scope holds its grid.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppDeps } from './deps.ts';
import { READERS } from '../auth/roles.ts';
import { inScope } from '../auth/principal.ts';
import { sendError } from '../http/errors.ts';
import { areaPrefix, locationOf } from '../net/hierarchy.ts';
import { CAMERA_ID_PATTERN, CAMERA_OWNERS, CAMERA_STATUSES, CAMERA_TYPES, OWNER_CODING, parseCameraId, type CameraOwner, type CameraStatus } from '../domain/camera-id.ts';
import { ticketOfRequest } from './ticket-of-request.ts';
import { areaCode, errorSchema } from './schemas.ts';
import type { CameraState } from '../cameras/service.ts';

const NUM = '-?\\d{1,3}(\\.\\d{1,10})?';
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: CAMERA_ID_PATTERN, description: 'GB/T 28181 device id (20 digits)' } } } as const;
const TYPE_NAMES = { bullet: '枪机', dome: '球机', ptz: '云台' } as const;
const STATUS_NAMES = { online: '在线', offline: '离线', fault: '故障' } as const;
const camera = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, type: { type: 'string' }, typeName: { type: 'string' }, owner: { type: 'string' }, ownerName: { type: 'string' },
    status: { type: 'string' }, statusName: { type: 'string' }, statusAt: { type: ['string', 'null'] }, grid: { type: 'string' }, place: { type: 'string' },
    lon: { type: 'number' }, lat: { type: 'number' }, hlsUrl: { type: 'string' }, testSignal: { type: 'boolean' }, synthetic: { type: 'boolean' },
    distanceM: { type: 'number' },
    gb28181: { type: 'object', properties: { district: { type: 'string' }, baseUnit: { type: 'string' }, industry: { type: 'string' }, type: { type: 'string' }, network: { type: 'string' }, serial: { type: 'integer' } } },
  },
} as const;
const ints = { type: 'array', items: { type: 'integer' } } as const;
const nums = { type: 'array', items: { type: 'number' } } as const;
const strs = { type: 'array', items: { type: 'string' } } as const;

export const cameraRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { cameras, net } = deps;
  const gridOf = async (req: FastifyRequest) => {
    const s = await cameras.ready();
    const i = s.catalogue.byId.get((req.params as { id: string }).id);
    return i === undefined ? undefined : s.catalogue.grid[i];
  };
  const describe = (s: CameraState, i: number) => {
    const c = s.catalogue;
    const id = c.ids[i];
    const owner = CAMERA_OWNERS[c.owner[i]];
    const type = CAMERA_TYPES[c.type[i]];
    const status = CAMERA_STATUSES[s.status[i]];
    const at = locationOf(net, c.grid[i]);
    return {
      id, name: c.names[i], type, typeName: TYPE_NAMES[type], owner, ownerName: OWNER_CODING[owner].name, status, statusName: STATUS_NAMES[status],
      statusAt: s.statusAt[i] ? new Date(s.statusAt[i]).toISOString() : null, grid: c.grid[i],
      place: [at.district, at.street, at.community, at.grid].map((a) => a.name).join(' · '),
      lon: c.lon[i], lat: c.lat[i], hlsUrl: cameras.hlsUrl(id), testSignal: cameras.testSignal, synthetic: true, gb28181: parseCameraId(id)!,
    };
  };

  app.get<{ Querystring: { bbox?: string; status?: CameraStatus; owner?: CameraOwner; area?: string } }>('/api/cameras', {
    config: { access: { roles: READERS, area: (req) => (req.query as { area?: string }).area } },
    schema: {
      summary: 'Cameras (synthetic in the demo) as columns: ids, lon, lat and status/owner/type as indices into `statuses`/`owners`/`types`; within a bbox (a point index, not a scan), your scope or `area`',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          bbox: { type: 'string', pattern: `^${NUM},${NUM},${NUM},${NUM}$`, description: 'west,south,east,north (WGS-84 degrees)' },
          status: { type: 'string', enum: CAMERA_STATUSES }, owner: { type: 'string', enum: CAMERA_OWNERS }, area: areaCode,
        },
      },
      response: {
        200: { type: 'object', properties: { count: { type: 'integer' }, ids: strs, lon: nums, lat: nums, status: ints, owner: ints, type: ints, statuses: strs, owners: strs, types: strs, testSignal: { type: 'boolean' }, synthetic: { type: 'boolean' } } },
        400: errorSchema,
      },
    },
  }, async (req, reply) => {
    const s = await cameras.ready();
    const c = s.catalogue;
    const prefix = areaPrefix(req.query.area ?? req.principal!.scope);
    let hits: Iterable<number>;
    if (req.query.bbox) {
      const [w, so, e, n] = req.query.bbox.split(',').map(Number);
      if (w > e || so > n || Math.abs(w) > 180 || Math.abs(e) > 180 || Math.abs(so) > 90 || Math.abs(n) > 90) return sendError(reply, 400, 'bbox: west,south,east,north with west ≤ east, south ≤ north, inside ±180/±90');
      hits = await s.index.bbox(w, so, e, n);
    } else hits = c.ids.keys();
    const status = req.query.status ? CAMERA_STATUSES.indexOf(req.query.status) : -1;
    const owner = req.query.owner ? CAMERA_OWNERS.indexOf(req.query.owner) : -1;
    const out = { ids: [] as string[], lon: [] as number[], lat: [] as number[], status: [] as number[], owner: [] as number[], type: [] as number[] };
    for (const i of hits) {
      if ((status >= 0 && s.status[i] !== status) || (owner >= 0 && c.owner[i] !== owner) || !c.grid[i].startsWith(prefix)) continue;
      out.ids.push(c.ids[i]);
      out.lon.push(c.lon[i]);
      out.lat.push(c.lat[i]);
      out.status.push(s.status[i]);
      out.owner.push(c.owner[i]);
      out.type.push(c.type[i]);
    }
    return { count: out.ids.length, ...out, statuses: CAMERA_STATUSES, owners: CAMERA_OWNERS, types: CAMERA_TYPES, testSignal: cameras.testSignal, synthetic: true };
  });

  app.get<{ Params: { id: string } }>('/api/cameras/:id', {
    config: { access: { roles: READERS, area: gridOf } },
    schema: { summary: 'A camera: its GB/T 28181 id and parts, type, owner, place, status and HLS address', params: idParam, response: { 200: camera, 400: errorSchema, 404: errorSchema } },
  }, async (req, reply) => {
    const s = await cameras.ready();
    const i = s.catalogue.byId.get(req.params.id);
    if (i === undefined) return sendError(reply, 404, `id: no camera ${req.params.id}`);
    return describe(s, i);
  });

  app.put<{ Params: { id: string }; Body: { status: CameraStatus; at?: string } }>('/api/cameras/:id/status', {
    config: { access: { roles: ['admin', 'integration'], area: gridOf } },
    schema: {
      summary: "Sets a camera's status (a video gateway's report, or an admin): stored, audited and pushed as `camera` to the walls showing its area; a report observed before the stored one changes nothing",
      params: idParam,
      body: { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { type: 'string', enum: CAMERA_STATUSES }, at: { type: 'string', format: 'date-time', description: 'when observed (default now)' } } },
      response: { 200: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' }, changed: { type: 'boolean' }, at: { type: ['string', 'null'] } } }, 400: errorSchema, 404: errorSchema },
    },
  }, async (req, reply) => {
    const at = req.body.at ? Date.parse(req.body.at) : deps.now();
    if (at > deps.now() + 60_000) return sendError(reply, 400, 'at: in the future');
    const r = await cameras.setStatus(req.params.id, req.body.status, `${req.principal!.kind}:${req.principal!.id}`, at);
    if (!r) return sendError(reply, 404, `id: no camera ${req.params.id}`);
    req.audit = { kind: 'camera.status', target: req.params.id, before: { status: r.before }, after: { status: r.status } };
    return { id: req.params.id, status: r.status, changed: r.changed, at: r.at ? new Date(r.at).toISOString() : null };
  });

  const ticketOf = ticketOfRequest(deps.store);
  app.get<{ Params: { id: string }; Querystring: { radius: number; limit: number } }>('/api/tickets/:id/nearest-cameras', {
    config: { access: { roles: READERS, area: async (req) => (await ticketOf(req))?.gridCode } },
    schema: {
      summary: "The cameras within `radius` metres of a ticket's place, nearest first (视频联动; a kdbush point index, not a scan), those in your scope",
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^T\\d{10}$' } } },
      querystring: { type: 'object', additionalProperties: false, properties: { radius: { type: 'number', exclusiveMinimum: 0, maximum: 2000, default: 200 }, limit: { type: 'integer', minimum: 1, maximum: 50, default: 12 } } },
      response: { 200: { type: 'object', properties: { ticket: { type: 'string' }, radiusM: { type: 'number' }, items: { type: 'array', items: camera } } }, 400: errorSchema, 404: errorSchema },
    },
  }, async (req, reply) => {
    const r = await ticketOf(req);
    if (!r) return sendError(reply, 404, `id: no ticket ${req.params.id}`);
    const s = await cameras.ready();
    const p = req.principal!;
    const near = await s.index.nearest(r.lon, r.lat, req.query.limit, req.query.radius, (i) => inScope(p, s.catalogue.grid[i]));
    return { ticket: req.params.id, radiusM: req.query.radius, items: near.map(({ index, distanceM }) => ({ ...describe(s, index), distanceM })) };
  });
};
