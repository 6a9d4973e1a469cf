// Today's counts for the wall's header (server/live/stats-push.ts computes them, for the
// push too), with the watermark of the last change they include and the server's time.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { READERS } from '../auth/roles.ts';
import { sendError } from '../http/errors.ts';
import { todayStats } from '../live/stats-push.ts';
import { areaCode } from './schemas.ts';

export const statsRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { net } = deps;
  app.get<{ Querystring: { area?: string } }>('/api/stats/today', {
    config: { access: { roles: READERS, area: (req) => (req.query as { area?: string }).area } },
    schema: {
      summary: "Today's ticket counts (China Standard Time day) for an area and each of its children; `watermark`: the last change they include; `serverTime`: the server's clock (epoch ms) when they were read",
      querystring: { type: 'object', additionalProperties: false, properties: { area: { ...areaCode, description: "default: the caller's scope" } } },
    },
  }, async (req, reply) => {
    const code = req.query.area ?? req.principal!.scope;
    const area = net.areas.get(code);
    if (!area) return sendError(reply, 404, `area: no area ${code}`);
    const p = req.principal!;
    return todayStats(deps, area.code, p.role === 'handler' ? p.department ?? '-' : undefined);
  });
};
