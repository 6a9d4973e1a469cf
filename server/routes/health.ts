import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';

// With several nodes (REDIS_URL) the answer says whether this node reaches Redis. A node
// that does not answers 503 `{"status":"unavailable","redis":"down"}`: it refuses new walls
// and its rate-limited routes fail, so a balancer's health check should take it out of
// rotation until Redis is back (then 200 again, by itself). A single node has no `redis`.
//
// A balancer asks every second; the ticket count is read at most every TOTAL_TTL_MS (a
// count(*) of 1.5 M rows on PostgreSQL is tens of milliseconds of a core, per node per
// second otherwise). A count that fails (the store unreachable) answers 503 as any route.
const TOTAL_TTL_MS = 10_000;

export const healthRoutes: FastifyPluginAsync<AppDeps> = async (app, { net, store, now, redisUp }) => {
  const started = now(); // this app's start, on its clock
  let total: { n: number; at: number } | null = null;
  let counting: Promise<number> | null = null;
  const ticketTotal = async (): Promise<number> => {
    const t = Date.now();
    if (total && t - total.at < TOTAL_TTL_MS) return total.n;
    counting ??= store.total().then((n) => ((total = { n, at: t }), n)).finally(() => (counting = null));
    return counting;
  };
  const health = {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ok', 'unavailable'] },
      redis: { type: 'string', enum: ['ok', 'down'], description: 'Only with several nodes (REDIS_URL).' },
      uptimeS: { type: 'number' },
      grids: { type: 'integer' },
      tickets: { type: 'integer', description: 'Tickets stored, re-counted at most every 10 s.' },
    },
  } as const;
  app.get('/api/health', {
    config: { access: { roles: 'public' } },
    schema: {
      summary: 'Liveness and the size of what is served; 503 on a node that lost Redis',
      response: { 200: health, 503: health },
    },
  }, async (_req, reply) => {
    const redis = redisUp ? (redisUp() ? 'ok' : 'down') : undefined;
    const body = {
      status: redis === 'down' ? 'unavailable' : 'ok',
      ...(redis ? { redis } : {}),
      uptimeS: Math.round((now() - started) / 1000),
      grids: net.features.grid.features.length,
      tickets: await ticketTotal(),
    };
    if (redis === 'down') reply.code(503).header('retry-after', 5);
    return body;
  });
};
