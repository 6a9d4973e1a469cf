// Today's counts for the wall's header: an indexed range count over today's tickets.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app.ts';
import { dateCST, startOfDayCST } from '../domain/day.ts';
import { areaPrefix, childCodeLength, CITY_CODE } from '../net/hierarchy.ts';
import { areaCode } from './schemas.ts';

export const statsRoutes: FastifyPluginAsync<AppDeps> = async (app, { net, store, now }) => {
  app.get<{ Querystring: { area: string } }>('/api/stats/today', {
    schema: {
      summary: "Today's ticket counts (China Standard Time day) for an area and each of its children",
      querystring: { type: 'object', properties: { area: { ...areaCode, default: CITY_CODE } } },
    },
  }, async (req, reply) => {
    const area = net.areas.get(req.query.area);
    if (!area) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `area: no area ${req.query.area}` });
    const t = now();
    const c = store.count({ area: areaPrefix(area.code), from: startOfDayCST(t) }, childCodeLength(area.code));
    return {
      date: dateCST(t),
      area: { code: area.code, name: area.name, level: area.level },
      reported: c.total,
      byStatus: c.byStatus,
      byCategory: c.byCategory,
      byChild: area.children.map((code) => ({ code, name: net.areas.get(code)!.name, reported: c.byChild[code] ?? 0 })),
    };
  });
};
