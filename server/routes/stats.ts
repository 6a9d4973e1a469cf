// Today's counts for the wall's header: an indexed range count over today's tickets.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { READERS } from '../auth/roles.ts';
import { sendError } from '../http/errors.ts';
import { dateCST, startOfDayCST } from '../domain/day.ts';
import { areaPrefix, childCodeLength } from '../net/hierarchy.ts';
import { areaCode } from './schemas.ts';

export const statsRoutes: FastifyPluginAsync<AppDeps> = async (app, { net, store, now }) => {
  app.get<{ Querystring: { area?: string } }>('/api/stats/today', {
    config: { access: { roles: READERS, area: (req) => (req.query as { area?: string }).area } },
    schema: {
      summary: "Today's ticket counts (China Standard Time day) for an area and each of its children",
      querystring: { type: 'object', additionalProperties: false, properties: { area: { ...areaCode, description: "default: the caller's scope" } } },
    },
  }, async (req, reply) => {
    const code = req.query.area ?? req.principal!.scope;
    const area = net.areas.get(code);
    if (!area) return sendError(reply, 404, `area: no area ${code}`);
    const t = now();
    const p = req.principal!;
    const department = p.role === 'handler' ? p.department ?? '-' : undefined;
    const c = store.count({ area: areaPrefix(area.code), from: startOfDayCST(t), department }, childCodeLength(area.code));
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
