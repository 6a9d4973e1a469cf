import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';

export const healthRoutes: FastifyPluginAsync<AppDeps> = async (app, { net, store, now }) => {
  const started = now(); // this app's start, on its clock
  app.get('/api/health', {
    config: { access: { roles: 'public' } },
    schema: {
      summary: 'Liveness and the size of what is served',
      response: {
        200: {
          type: 'object',
          properties: {
            status: { type: 'string' },
            uptimeS: { type: 'number' },
            grids: { type: 'integer' },
            tickets: { type: 'integer' },
          },
        },
      },
    },
  }, async () => ({
    status: 'ok',
    uptimeS: Math.round((now() - started) / 1000),
    grids: net.features.grid.features.length,
    tickets: await store.total(),
  }));
};
