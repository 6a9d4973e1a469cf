// buildApp: the whole HTTP + Socket.IO surface, without listening. Tests use
// app.inject() or app.listen({ port: 0 }); server/index.ts is the only caller that
// listens on PORT.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import type { Net } from './net/types.ts';
import type { TicketStore } from './store/types.ts';
import { createLocator, type Locator } from './geo/locator.ts';
import { createNetTiles, type NetTiles } from './geo/tiles.ts';
import { attachLive, type Live } from './live/socket.ts';
import { healthRoutes } from './routes/health.ts';
import { areaRoutes } from './routes/areas.ts';
import { tileRoutes } from './routes/tiles.ts';
import { locateRoutes } from './routes/locate.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { statsRoutes } from './routes/stats.ts';

export interface AppOptions {
  net: Net;
  store: TicketStore;
  /** Built from the net when not given (tests share one to save the build). */
  locator?: Locator;
  tiles?: NetTiles;
  /** The built wall (client/dist); not served when null or missing. */
  clientDir?: string | null;
  logger?: boolean | object;
  /** The clock (epoch ms); tests may fix it. */
  now?: () => number;
}

/** What every route plugin receives. */
export interface AppDeps {
  net: Net;
  store: TicketStore;
  locator: Locator;
  tiles: NetTiles;
  live: Live;
  now: () => number;
}

export type App = FastifyInstance & { live: Live };

export async function buildApp(opts: AppOptions): Promise<App> {
  const app = Fastify({
    logger: opts.logger ?? false,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
    schemaErrorFormatter: fieldError,
  });
  const live = attachLive(app.server, opts.net);
  let tiles = opts.tiles;
  const deps: AppDeps = {
    net: opts.net,
    store: opts.store,
    locator: opts.locator ?? createLocator(opts.net),
    // The tile indexes (~0.15 s to build) only when the first tile is asked for.
    tiles: { tile: (z, x, y) => (tiles ??= createNetTiles(opts.net)).tile(z, x, y) },
    live,
    now: opts.now ?? Date.now,
  };

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error(err);
    const message = status >= 500 ? 'internal error' : err.message;
    reply.code(status).send({ statusCode: status, error: status >= 500 ? 'Internal Server Error' : errorName(status), message });
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.method !== 'GET' || !clientServed) {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
    }
    return reply.sendFile('index.html'); // the wall is one page: its own routes land here
  });

  await app.register(swagger, {
    openapi: {
      info: { title: '一张网 One Net API', version: '0.1.0', description: 'Grid-based social governance: the net, tickets, live feed.' },
    },
  });
  for (const routes of [healthRoutes, areaRoutes, tileRoutes, locateRoutes, ticketRoutes, statsRoutes]) {
    await app.register(routes, deps);
  }
  app.get('/api/docs/json', { schema: { hide: true } }, async () => app.swagger());

  const clientServed = !!opts.clientDir && existsSync(opts.clientDir);
  // wildcard: files are looked up per request, so a rebuilt wall is served without a restart.
  if (clientServed) await app.register(fastifyStatic, { root: opts.clientDir!, wildcard: true });

  app.addHook('preClose', async () => live.close());
  app.decorate('live', live);
  return app as unknown as App;
}

/** Validation errors name the field: "body/lat must be <= 90", "body/colour is not allowed". */
function fieldError(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const e = errors[0];
  const path = `${dataVar}${e.instancePath}`;
  const p = e.params as { additionalProperty?: string; missingProperty?: string };
  if (e.keyword === 'additionalProperties' && p.additionalProperty) return new Error(`${path}/${p.additionalProperty} is not allowed`);
  if (e.keyword === 'required' && p.missingProperty) return new Error(`${path}/${p.missingProperty} is required`);
  return new Error(`${path} ${e.message}`);
}

function errorName(status: number): string {
  return ({ 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests' } as Record<number, string>)[status] ?? 'Error';
}
