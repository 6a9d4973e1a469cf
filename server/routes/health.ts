import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';

const started = Date.now();

export const healthRoutes: FastifyPluginAsync<AppDeps> = async (app, { net, store }) => {
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
    uptimeS: Math.round((Date.now() - started) / 1000),
    grids: net.features.grid.features.length,
    tickets: await store.total(),
  }));
};
