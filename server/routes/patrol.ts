// Patrol over HTTP: the native batch of fixes (gateways, the phone page), the roster of
// devices a wall names frames by, one device's track, and a worker's own day.
// The batch's schema checks only its shape: each fix is checked on its own
// (domain/fix-check.ts), so one bad fix is refused alone and the answer says which and why.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { READERS } from '../auth/roles.ts';
import { analyseTrack } from '../patrol/track-analysis.ts';
import { dayCST, dayStartMs } from '../domain/day.ts';
import { sendError } from '../http/errors.ts';
import { areaPrefix } from '../net/hierarchy.ts';
import { ticketOfRequest } from './ticket-of-request.ts';
import { loopService } from '../loop/service.ts';
import { allowedActions } from '../domain/loop.ts';
import { TASK_STATUSES } from '../patrol/tasks.ts';
import { CELL_M } from '../patrol/coverage.ts';
import { areaCode, errorSchema } from './schemas.ts';

export const MAX_FIXES = 10_000;
const fixOut = { type: 'object', properties: { t: { type: 'number' }, lon: { type: 'number' }, lat: { type: 'number' }, speed: { type: ['number', 'null'] }, bearing: { type: ['number', 'null'] }, accuracy: { type: ['number', 'null'] } } };

export const patrolRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { patrol, now } = deps;

  app.post<{ Body: { fixes: unknown[] } }>('/api/positions', {
    bodyLimit: 4 * 1024 * 1024,
    config: { access: { roles: ['admin', 'worker', 'integration'] }, audit: 'failures' },
    schema: {
      summary: `Positions in a batch (up to ${MAX_FIXES.toLocaleString('en')}): gateways name each fix's device; a worker's phone page sends its own (device omitted). Each fix is checked alone: the answer lists those refused and why, and the duplicates dropped`,
      body: {
        type: 'object', additionalProperties: false, required: ['fixes'],
        properties: { fixes: { type: 'array', minItems: 1, maxItems: MAX_FIXES, items: { type: 'object', description: 'device?, t (epoch ms or ISO 8601), lon, lat, crs? (wgs84|gcj02|bd09), speed? (m/s), bearing?, altitude?, accuracy? (m), battery? (%)' } } },
      },
      response: { 200: { type: 'object', properties: { accepted: { type: 'integer' }, duplicates: { type: 'array', items: { type: 'integer' } }, rejected: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, message: { type: 'string' } } } } } }, 400: errorSchema },
    },
  }, async (req) => {
    return patrol.ingestBatch(req.principal!, req.body.fixes);
  });

  app.get<{ Querystring: { area?: string } }>('/api/patrol/devices', {
    config: { access: { roles: READERS, area: (req) => (req.query as { area?: string }).area } },
    schema: {
      summary: 'The devices that send positions in an area (default: your scope), with the index frames name them by, and where each is now',
      querystring: { type: 'object', additionalProperties: false, properties: { area: areaCode } },
    },
  }, async (req) => {
    const area = areaPrefix(req.query.area ?? req.principal!.scope); // the city's grids start with 3204, not 320400
    const items = [];
    for (const d of patrol.roster.devices) {
      const at = patrol.live.get(d.index);
      if (!d.grid.startsWith(area) && !at?.grid.startsWith(area)) continue;
      items.push({ ...d, status: at?.status ?? 0, lastFixAt: at ? new Date(at.t).toISOString() : null, lon: at?.lon ?? null, lat: at?.lat ?? null, standsIn: at?.grid ?? null });
    }
    return { items, offlineAfterMs: patrol.live.offlineAfterMs };
  });

  const deviceArea = (id: string) => patrol.roster.get(id)?.grid;
  app.get<{ Params: { id: string }; Querystring: { from?: string; to?: string; tolerance?: number } }>('/api/devices/:id/track', {
    config: { access: { roles: READERS, area: (req) => deviceArea((req.params as { id: string }).id) } },
    schema: {
      summary: "A device's track between two instants (default: today, CST): its fixes (simplified at `tolerance` metres when asked), stops of 5 minutes or more, distance and patrol time",
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_.:@-]{1,128}$', description: 'a phone (W<grid>-<n>), a tracker, or account:<username>' } } },
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' }, tolerance: { type: 'number', minimum: 0, maximum: 1000 } },
      },
      response: { 200: { type: 'object', properties: { device: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, grid: { type: 'string' }, reported: { type: 'integer' }, from: { type: 'string' }, to: { type: 'string' }, fixes: { type: 'integer' }, distanceM: { type: 'number' }, patrolMs: { type: 'number' }, points: { type: 'array', items: fixOut }, stops: { type: 'array', items: { type: 'object', properties: { from: { type: 'number' }, to: { type: 'number' }, lon: { type: 'number' }, lat: { type: 'number' }, durationMs: { type: 'number' } } } } } }, 400: errorSchema, 404: errorSchema },
    },
  }, async (req, reply) => {
    const info = patrol.roster.get(req.params.id);
    if (!info) return sendError(reply, 404, `id: no device ${req.params.id.slice(0, 64)}`);
    const from = req.query.from ? Date.parse(req.query.from) : dayStartMs(dayCST(now()));
    const to = req.query.to ? Date.parse(req.query.to) : now();
    if (from > to) return sendError(reply, 400, 'from: must not be after to');
    if (to - from > 31 * 86_400_000) return sendError(reply, 400, 'to: a track is read 31 days at most at a time');
    const fixes = await patrol.tracks.track(info.id, from, to);
    const a = analyseTrack(fixes, { toleranceM: req.query.tolerance });
    // Who the device reports as: a phone page's account, or the device itself.
    const reportedBy = info.id.startsWith('account:') ? info.id : `device:${info.id}`;
    const reported = await deps.store.countWhere({ reportedBy, from, to });
    return { device: info.id, name: info.name, role: info.role, grid: info.grid, from: new Date(from).toISOString(), to: new Date(to).toISOString(), fixes: fixes.length, distanceM: a.distanceM, patrolMs: a.patrolMs, reported, points: a.points, stops: a.stops };
  });

  const ticketOf = ticketOfRequest(deps.store);
  const view = loopService(deps).view;

  app.get<{ Params: { id: string }; Querystring: { k: number; maxKm?: number } }>('/api/tickets/:id/nearest-workers', {
    config: { access: { roles: ['admin', 'leader', 'dispatcher'], area: async (req) => (await ticketOf(req))?.gridCode } },
    schema: {
      summary: "The k nearest online grid phones to a ticket's place (a kdbush index, not a scan), nearest first: whom to push the task to (assign)",
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^T\\d{10}$' } } },
      querystring: { type: 'object', additionalProperties: false, properties: { k: { type: 'integer', minimum: 1, maximum: 50, default: 5 }, maxKm: { type: 'number', exclusiveMinimum: 0, maximum: 100 } } },
      response: { 404: errorSchema },
    },
  }, async (req, reply) => {
    const r = await ticketOf(req);
    if (!r) return sendError(reply, 404, `id: no ticket ${req.params.id}`);
    const items = patrol.nearest.nearest(r.lon, r.lat, req.query.k, req.query.maxKm).map(({ index, distanceM }) => {
      const d = patrol.roster.devices[index];
      const at = patrol.live.get(index)!;
      return { device: d.id, name: d.name, role: d.role, grid: d.grid, standsIn: at.grid, distanceM, status: at.status, lastFixAt: new Date(at.t).toISOString(), lon: at.lon, lat: at.lat };
    });
    return { ticket: req.params.id, items };
  });

  app.get('/api/patrol/tasks', {
    config: { access: { roles: ['worker'] } },
    schema: { summary: "A worker's tasks: tickets pushed to their phone, and results in their grids waiting for an on-site check (核查), with the actions they may take now" },
  }, async (req) => {
    const p = req.principal!;
    const mine = await deps.store.list({ assignee: patrol.deviceOf(p).id, statuses: TASK_STATUSES, limit: 200 });
    const waiting = [];
    for (const g of p.grids ?? []) waiting.push(...(await deps.store.list({ area: g, statuses: ['feedback'], limit: 100 })));
    const seen = new Set<number>();
    const items = [];
    for (const r of [...mine, ...waiting]) {
      if (seen.has(r.seq)) continue;
      seen.add(r.seq);
      items.push({ ticket: view(r, p), actions: allowedActions(r, p), assigned: r.assignee === patrol.deviceOf(p).id });
    }
    return { items };
  });

  app.get<{ Querystring: { area?: string } }>('/api/patrol/coverage', {
    config: { access: { roles: ['admin', 'leader', 'dispatcher', 'display'], area: (req) => (req.query as { area?: string }).area } },
    schema: {
      summary: "Patrol coverage today (巡查覆盖): per grid of the area, the share of its 50 m cells its own phones walked; streets ranked by it; phones off their grid for over 30 minutes",
      querystring: { type: 'object', additionalProperties: false, properties: { area: areaCode } },
    },
  }, async (req) => {
    const area = req.query.area ?? req.principal!.scope;
    const prefix = areaPrefix(area);
    const grids = [];
    const streets = new Map<string, { cells: number; walked: number; grids: number }>();
    for (const f of deps.net.features.grid.features) {
      const code = f.properties.code;
      if (!code.startsWith(prefix)) continue;
      const c = patrol.coverage.of(code);
      grids.push({ ...c, name: f.properties.name });
      const s = streets.get(code.slice(0, 9)) ?? { cells: 0, walked: 0, grids: 0 };
      s.cells += c.cells;
      s.walked += c.walked;
      s.grids++;
      streets.set(code.slice(0, 9), s);
    }
    const ranking = [...streets].map(([code, s]) => ({ code, name: deps.net.areas.get(code)?.name ?? code, grids: s.grids, coverage: Math.round((s.walked / Math.max(s.cells, 1)) * 1000) / 1000 }))
      .sort((a, b) => b.coverage - a.coverage || (a.code < b.code ? -1 : 1));
    const offGrid = patrol.coverage.offGrid().filter(({ index }) => {
      const d = patrol.roster.devices[index];
      const at = patrol.live.get(index);
      return d.grid.startsWith(prefix) && at && at.status !== 0;
    }).map(({ index, since, standsIn }) => ({ device: patrol.roster.devices[index].id, name: patrol.roster.devices[index].name, grid: patrol.roster.devices[index].grid, standsIn, since: new Date(since).toISOString() }));
    return { area, day: new Date(dayStartMs(dayCST(now()))).toISOString(), cellM: CELL_M, grids, streets: ranking, offGrid };
  });

  app.get('/api/patrol/today', {
    config: { access: { roles: ['worker'] } },
    schema: { summary: "A worker's own day (CST): distance walked, patrol time, fixes sent from their phone page and events reported" },
  }, async (req) => {
    const p = req.principal!;
    const info = patrol.deviceOf(p);
    const from = dayStartMs(dayCST(now()));
    const fixes = await patrol.tracks.track(info.id, from, now());
    const a = analyseTrack(fixes, {});
    const reported = await deps.store.countWhere({ reportedBy: `${p.kind}:${p.id}`, from });
    return { device: info.id, distanceM: Math.round(a.distanceM), patrolMs: a.patrolMs, fixes: fixes.length, reported };
  });
};
