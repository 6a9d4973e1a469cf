// Ticket density over any CST date range, for the wall's heatmap and its time slider, two ways:
//   GET /api/heatmap/points?from=&to=&area=      → application/octet-stream (server/domain/heat-points.ts):
//       every ticket's lon/lat (Float32) and report day (Uint16), oldest first, for deck.gl's
//       HeatmapLayer on the wall; 10 bytes a ticket.
//   GET /api/heatmap/hex?from=&to=&res=&area=    → { total, cells: [h3 index…], counts: [n…] }
//       tickets per H3 hexagon (server/heat/hex-days.ts), drawn as polygons.
// Both scoped to an area (default: the caller's scope; outside it a 403 by the access rule)
// and to at most MAX_DAYS days (a year and a month), so an answer stays bounded: points at
// the city's ~1.5 M tickets a year are ~16 MB (gzip takes off about a third), hex cells at
// most the ~45,000 of the city at resolution 9.
import { days } from './kpi.ts';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { sendError } from '../http/errors.ts';
import { dateCST, dayCST, dayStartMs } from '../domain/day.ts';
import { areaPrefix } from '../net/hierarchy.ts';
import { encodeHeatPoints } from '../domain/heat-points.ts';
import { createHexDays } from '../heat/hex-days.ts';
import { areaCode } from './schemas.ts';

export const HEAT_READERS = ['admin', 'leader', 'dispatcher', 'display', 'integration'] as const;
export const MAX_DAYS = 400;
export const HEX_RESOLUTIONS = [5, 6, 7, 8, 9] as const;
const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a CST date, YYYY-MM-DD (inclusive)' } as const;

interface Query { from?: string; to?: string; area?: string; res?: number }

/** Days [fromDay, toDay) of an inclusive CST date range (default: the last 30 days), at most
 * MAX_DAYS and inside the Uint16 day numbers the points carry, or the error naming the field. */
function dayRange(q: Query, now: number): { fromDay: number; toDay: number } | string {
  const r = days(q, now, MAX_DAYS);
  if (typeof r === 'string') return r;
  if (r.fromDay < 0 || r.toDay - 1 > 0xffff) return 'from: out of the range of days served';
  return r;
}

const querystring = (extra: Record<string, object> = {}) => ({
  type: 'object', additionalProperties: false,
  properties: { area: areaCode, from: DATE, to: DATE, ...extra },
});

export const heatmapRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { net, store, now } = deps;
  const hex = createHexDays(deps);
  const access = { roles: HEAT_READERS, area: (req: { query: unknown }) => (req.query as Query).area };

  app.get<{ Querystring: Query }>('/api/heatmap/points', {
    config: { access },
    compress: { customTypes: /^application\/octet-stream$/, encodings: ['gzip', 'deflate'], zlibOptions: { level: 1 }, threshold: 2048 },
    schema: {
      summary: 'Every ticket of an area (default: the caller\'s scope) reported in a CST date range (default: the last 30 days; at most 400 days), oldest first, '
        + 'as a binary: uint32 LE header length, a JSON header (format, area, from, to, count), Float32 lon/lat pairs, Uint16 CST day numbers. No personal data.',
      querystring: querystring(),
    },
  }, async (req, reply) => {
    const code = req.query.area ?? req.principal!.scope;
    if (!net.areas.has(code)) return sendError(reply, 404, `area: no area ${code}`);
    const r = dayRange(req.query, now());
    if (typeof r === 'string') return sendError(reply, 400, r);
    const p = await store.positions({ area: areaPrefix(code), from: dayStartMs(r.fromDay), to: dayStartMs(r.toDay) });
    const days = new Uint16Array(p.count);
    // Reports come in time order: a day's end is crossed once, not computed per ticket.
    for (let i = 0, day = r.fromDay, end = dayStartMs(day + 1); i < p.count; i++) {
      while (p.at[i] >= end) end = dayStartMs(++day + 1);
      days[i] = day;
    }
    const body = encodeHeatPoints({ area: code, from: dateCST(dayStartMs(r.fromDay)), to: dateCST(dayStartMs(r.toDay - 1)) }, p.count, p.lon, p.lat, days);
    return reply.header('content-type', 'application/octet-stream').header('cache-control', 'no-store').send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });

  app.get<{ Querystring: Query }>('/api/heatmap/hex', {
    config: { access },
    schema: {
      summary: 'Tickets per H3 hexagon of an area (default: the caller\'s scope) reported in a CST date range (default: the last 30 days; at most 400 days): '
        + 'cells (H3 indexes, resolution res 5–9, default 7) and their counts in two parallel columns',
      querystring: querystring({ res: { type: 'integer', enum: HEX_RESOLUTIONS, default: 7, description: 'H3 resolution: 5 (~250 km²) to 9 (~0.1 km²)' } }),
    },
  }, async (req, reply) => {
    const code = req.query.area ?? req.principal!.scope;
    if (!net.areas.has(code)) return sendError(reply, 404, `area: no area ${code}`);
    const r = dayRange(req.query, now());
    if (typeof r === 'string') return sendError(reply, 400, r);
    const res = req.query.res ?? 7;
    const c = await hex.count(code, res, r.fromDay, r.toDay);
    return { area: code, from: dateCST(dayStartMs(r.fromDay)), to: dateCST(dayStartMs(r.toDay - 1)), res, total: c.total, cells: c.cells, counts: c.counts };
  });
};
