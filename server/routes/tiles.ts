import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { ANY_ROLE } from '../auth/roles.ts';
import { TILE_MAX_ZOOM } from '../geo/tiles.ts';

export const tileRoutes: FastifyPluginAsync<AppDeps> = async (app, { tiles }) => {
  app.get<{ Params: { z: number; x: number; y: number } }>('/api/tiles/:z/:x/:y.pbf', {
    config: { access: { roles: ANY_ROLE } },
    schema: {
      summary: 'Vector tile (MVT) of the net: layers district, street, community, grid',
      params: {
        type: 'object',
        required: ['z', 'x', 'y'],
        properties: { z: { type: 'integer', minimum: 0, maximum: TILE_MAX_ZOOM + 6 }, x: { type: 'integer', minimum: 0 }, y: { type: 'integer', minimum: 0 } },
      },
    },
  }, async (req, reply) => {
    const { z, x, y } = req.params;
    if (x >= 2 ** z || y >= 2 ** z) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: 'x/y: outside the zoom level' });
    const buf = tiles.tile(z, x, y);
    reply.header('cache-control', 'public, max-age=3600');
    if (!buf) return reply.code(204).send();
    return reply.type('application/vnd.mapbox-vector-tile').send(buf);
  });
};
