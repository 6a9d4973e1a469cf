// buildApp: the whole HTTP + Socket.IO surface, without listening. Tests use
// app.inject() or app.listen({ port: 0 }); server/index.ts is the only caller that
// listens on PORT.
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import compress from '@fastify/compress';
import { existsSync } from 'node:fs';
import type { Net } from './net/types.ts';
import type { TicketStore } from './store/types.ts';
import { createLocator, type Locator } from './geo/locator.ts';
import { createNetTiles, type NetTiles } from './geo/tiles.ts';
import { attachLive, type Live, type LiveOptions } from './live/socket.ts';
import { validatorCompiler } from './http/validation.ts';
import { fieldError, isApiPath, onError, onFrameworkError, sendError } from './http/errors.ts';
import { defaultLimits, httpServerOptions, limitConnections, type ConnectionLimits } from './http/limits.ts';
import { createStaticJsonCache, type StaticJsonCache } from './http/cache.ts';
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
  /** HTTP connection limits and timeouts (defaults: http/limits.ts). */
  limits?: Partial<ConnectionLimits>;
  /** Live feed bounds (defaults: live/socket.ts). */
  live?: LiveOptions;
}

/** What every route plugin receives. */
export interface AppDeps {
  net: Net;
  store: TicketStore;
  locator: Locator;
  tiles: NetTiles;
  live: Live;
  now: () => number;
  /** For answers that never change while the process runs (the net). */
  staticJson: StaticJsonCache;
}

export type App = FastifyInstance & { live: Live };

export async function buildApp(opts: AppOptions): Promise<App> {
  const limits = { ...defaultLimits(), ...opts.limits };
  const app = Fastify({
    logger: opts.logger ?? false,
    schemaErrorFormatter: fieldError,
    frameworkErrors: onFrameworkError,
    // A parameter may be longer than Fastify's 100 characters, so an over-long area code
    // is judged by its route's schema (a 400 naming it), not by the static files.
    routerOptions: { maxParamLength: 500 },
    http: httpServerOptions(limits),
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
  });
  app.setValidatorCompiler(validatorCompiler);
  // Only JSON bodies: a text/plain body is a 415, not a string that fails as an object.
  app.removeContentTypeParser('text/plain');
  limitConnections(app.server, limits);
  const live = attachLive(app.server, opts.net, opts.live);
  let tiles = opts.tiles;
  const deps: AppDeps = {
    net: opts.net,
    store: opts.store,
    locator: opts.locator ?? createLocator(opts.net),
    // The tile indexes (~0.15 s to build) only when the first tile is asked for.
    tiles: {
      tile: (z, x, y) => (tiles ??= createNetTiles(opts.net)).tile(z, x, y),
      heldTiles: () => tiles?.heldTiles() ?? 0,
    },
    live,
    now: opts.now ?? Date.now,
    staticJson: createStaticJsonCache(),
  };

  const noRoute = (req: { method: string; url: string }) => `no route ${req.method} ${req.url.split('?')[0].slice(0, 200)}`;
  app.setErrorHandler(onError);
  app.setNotFoundHandler((req, reply) => {
    if (isApiPath(req.url) || req.method !== 'GET' || !clientServed) return sendError(reply, 404, noRoute(req));
    return reply.sendFile('index.html'); // the wall is one page: its own routes land here
  });
  // The static files' wildcard must not answer for the API (`//api/tickets`, `/API/x`).
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.url === '/*' && isApiPath(req.url)) return sendError(reply, 404, noRoute(req));
  });
  await app.register(compress, { threshold: 2048 });

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
