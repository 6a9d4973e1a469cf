import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { ANY_ROLE } from '../auth/roles.ts';
import { areaRef } from './schemas.ts';

export const locateRoutes: FastifyPluginAsync<AppDeps> = async (app, { locator }) => {
  app.get<{ Querystring: { lon: number; lat: number } }>('/api/locate', {
    config: { access: { roles: ANY_ROLE } },
    schema: {
      summary: 'The grid, community, street and district containing a WGS-84 point',
      querystring: {
        type: 'object',
        required: ['lon', 'lat'], additionalProperties: false,
        properties: { lon: { type: 'number', minimum: -180, maximum: 180 }, lat: { type: 'number', minimum: -90, maximum: 90 } },
      },
      response: {
        200: { type: 'object', properties: { grid: areaRef, community: areaRef, street: areaRef, district: areaRef } },
      },
    },
  }, async (req, reply) => {
    const { lon, lat } = req.query;
    const loc = locator.locate(lon, lat);
    if (!loc) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `lon/lat: (${lon}, ${lat}) is outside the city's grids` });
    return loc;
  });
};
