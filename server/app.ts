// buildApp: the whole HTTP + Socket.IO surface, without listening. Tests use
// app.inject() or app.listen({ port: 0 }); server/index.ts is the only caller that
// listens on PORT.
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import compress from '@fastify/compress';
import { existsSync } from 'node:fs';
import cookie from '@fastify/cookie';
import jwt from '@fastify/jwt';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import { randomBytes } from 'node:crypto';
import type { Net } from './net/types.ts';
import type { Stores } from './store/types.ts';
import { createLocator, type Locator } from './geo/locator.ts';
import { createNetTiles, type NetTiles } from './geo/tiles.ts';
import { attachLive, type Live, type LiveOptions } from './live/socket.ts';
import { queryEncodingProblem, validatorCompiler } from './http/validation.ts';
import { installJsonBodies } from './http/json-body.ts';
import { defaultWorkClock } from './domain/workclock.ts';
import { createStatsPush, type StatsPush } from './live/stats-push.ts';
import { createDeadlineClock, type DeadlineClock } from './loop/deadline-clock.ts';
import { loopService } from './loop/service.ts';
import { fieldError, isApiPath, onError, onFrameworkError, sendError } from './http/errors.ts';
import { defaultLimits, httpServerOptions, limitConnections, type ConnectionLimits } from './http/limits.ts';
import { createStaticJsonCache } from './http/cache.ts';
import { installSecurityHeaders } from './http/security.ts';
import { installAccess, type AccessEntry } from './auth/access.ts';
import { installAudit } from './auth/audit.ts';
import { createSessions, DEFAULT_SESSIONS, type SessionOptions, type Sessions } from './auth/sessions.ts';
import { createLockout, DEFAULT_LOCKOUT, type LockoutOptions } from './auth/lockout.ts';
import { loadDepartments } from './domain/departments.ts';
import { loadCatalogue } from './domain/catalogue.ts';
import type { AppDeps, RateLimits } from './routes/deps.ts';
import { healthRoutes } from './routes/health.ts';
import { areaRoutes } from './routes/areas.ts';
import { tileRoutes } from './routes/tiles.ts';
import { locateRoutes } from './routes/locate.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { ticketActionRoutes } from './routes/ticket-actions.ts';
import { kpiRoutes } from './routes/kpi.ts';
import { kpiMapRoutes } from './routes/kpi-map.ts';
import { queueRoutes } from './routes/queues.ts';
import { statsRoutes } from './routes/stats.ts';
import { dayDotsRoutes } from './routes/day-dots.ts';
import { authRoutes } from './routes/auth.ts';
import { accountRoutes } from './routes/accounts.ts';
import { issuedRoutes } from './routes/issued.ts';
import { auditRoutes } from './routes/audit.ts';
import { departmentRoutes } from './routes/departments.ts';
import { catalogueRoutes } from './routes/catalogue.ts';
import { isOpen311Path, open311Routes, open311Unrouted } from './routes/open311.ts';
import { photoRoutes } from './routes/photos.ts';
import { osmandRoutes } from './routes/osmand.ts';
import { patrolRoutes } from './routes/patrol.ts';
import { heatmapRoutes } from './routes/heatmap.ts';
import { createPatrol, startPatrol } from './patrol/service.ts';
import { componentRegistry } from './city/components.ts';
import { cityRoutes } from './routes/city.ts';
import { createCameras } from './cameras/service.ts';
import { cameraRoutes } from './routes/cameras.ts';
import { videoRoutes } from './routes/video.ts';
import type { Cluster } from './cluster/cluster.ts';
import { localSingletons, type Fence } from './cluster/singleton.ts';
import { clusterLiveOptions, joinCluster } from './cluster/live.ts';
import { redisRateLimitStore } from './cluster/rate-limit-store.ts';
import { redisLockout } from './cluster/lockout-redis.ts';

export type { AppDeps } from './routes/deps.ts';

export interface AppOptions {
  net: Net;
  stores: Stores;
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
  /** Signs access tokens; a random one (tokens die with the process) when not given. */
  secret?: string;
  sessions?: Partial<SessionOptions>;
  lockout?: Partial<LockoutOptions>;
  /** Rate limits (defaults: RATE_WRITES_PER_MIN or 1200, RATE_SIGNINS_PER_MIN or 30). */
  rates?: Partial<RateLimits>;
  /** How often the deadline clock turns lights and gives 督办 (default 10 s). */
  deadlineClockMs?: number;
  /** How often coalesced `stats` go out (default 1000 ms). */
  statsIntervalMs?: number;
  /** Answer 503 while the event loop lags more than this (ms); 0 turns it off. Default 2000. */
  maxEventLoopDelayMs?: number;
  /** Origins other than the server's own that browsers may call from (CORS and Socket.IO). */
  allowedOrigins?: string[];
  /** Where uploaded photos are kept (`<DATA_DIR>/photos`); without it uploads are a 503. */
  photosDir?: string;
  /** This node's name among those sharing `photosDir` (photo-files.ts). */
  photosNode?: string;
  /** Patrol: days of tracks kept, silence before a device shows offline, ms between frames. */
  patrol?: { retentionDays?: number; offlineAfterMs?: number; frameIntervalMs?: number };
  /** Cameras: the HLS address template (`{id}`; default CAMERA_HLS_URL, else the shipped test signal) and how many (default 20,000). */
  cameras?: { hlsTemplate?: string; count?: number };
  /** Several nodes (REDIS_URL, server/cluster/): the Socket.IO adapter, rate limits, the
   * sign-in lockout and once-per-deployment work go through Redis. One node without it. */
  cluster?: Cluster | null;
  /** Addresses (or CIDR ranges) of the balancers in front (TRUST_PROXY): their
   * X-Forwarded-For names the client, so sign-in limits and lockout count each client,
   * not the balancer. Nobody else is believed: a header from anywhere else is ignored. */
  trustProxy?: string[];
}

export type App = FastifyInstance & { live: Live; sessions: Sessions; accessTable: AccessEntry[]; deadlineClock: DeadlineClock; statsPush: StatsPush };

export async function buildApp(opts: AppOptions): Promise<App> {
  const limits = { ...defaultLimits(), ...opts.limits };
  const app = Fastify({
    logger: opts.logger ?? false,
    schemaErrorFormatter: fieldError,
    frameworkErrors: onFrameworkError,
    // A parameter may be longer than Fastify's 100 characters, so an over-long area code
    // is judged by its route's schema (a 400 naming it), not by the static files.
    routerOptions: { maxParamLength: 500 },
    trustProxy: opts.trustProxy?.length ? opts.trustProxy : false,
    http: httpServerOptions(limits),
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
  });
  app.setValidatorCompiler(validatorCompiler);
  // Only JSON bodies: a text/plain body is a 415, not a string that fails as an object.
  app.removeContentTypeParser('text/plain');
  installJsonBodies(app);
  limitConnections(app.server, limits);
  const now = opts.now ?? Date.now;

  await app.register(cookie);
  // Expiry is checked by server/auth/sessions.ts on the app's clock, not fast-jwt's. (fast-jwt's
  // verification cache saved ~2 % of a write but broke the idle-connection cull in
  // tests/http.limits.test.ts, cause not found: left off.)
  await app.register(jwt, { secret: opts.secret ?? randomBytes(32).toString('base64url'), verify: { ignoreExpiration: true } as object });
  const sessions = createSessions(app, opts.stores.access, now, { ...DEFAULT_SESSIONS, ...opts.sessions });
  const cluster = opts.cluster ?? null;
  const singletons = cluster?.singletons ?? localSingletons();
  const live = attachLive(app.server, opts.net, {
    ...opts.live,
    ...(cluster ? clusterLiveOptions(cluster.link, opts.live) : {}),
    authenticate: (token) => sessions.principalOfToken(token),
    allowedOrigins: opts.allowedOrigins,
  });
  installSecurityHeaders(app);
  await app.register(rateLimit, { global: false, ...(cluster ? { store: redisRateLimitStore(cluster.link) } : {}), errorResponseBuilder: (_req, ctx) => ({ statusCode: ctx.statusCode, error: 'Too Many Requests', message: `rate limit: at most ${ctx.max} in ${ctx.after}; try again later` }) });
  // An overloaded server answers 503 at once instead of queueing requests it will answer late.
  const maxDelay = opts.maxEventLoopDelayMs ?? 2000;
  if (maxDelay > 0) await app.register(underPressure, {
    maxEventLoopDelay: maxDelay,
    retryAfter: 10,
    pressureHandler: (_req, reply, type, value) => { reply.header('retry-after', 10); sendError(reply, 503, `overloaded (${type}: ${Math.round(Number(value))}); try again in 10 s`); },
  });
  const accessTable = installAccess(app, sessions);
  installAudit(app, opts.stores.audit, now);

  let tiles = opts.tiles;
  // The catalogue names departments: a broken one stops the start here, not a dispatch later.
  const departments = loadDepartments();
  const locator = opts.locator ?? createLocator(opts.net);
  const deps: AppDeps = {
    net: opts.net,
    store: opts.stores.tickets,
    kpi: opts.stores.kpi,
    access: opts.stores.access,
    audit: opts.stores.audit,
    sessions,
    lockout: cluster ? redisLockout(cluster.link, { ...DEFAULT_LOCKOUT, ...opts.lockout }) : createLockout({ ...DEFAULT_LOCKOUT, ...opts.lockout }),
    departments,
    catalogue: loadCatalogue(departments),
    rates: {
      writesPerMinute: Number(process.env.RATE_WRITES_PER_MIN ?? 1200),
      signInsPerMinute: Number(process.env.RATE_SIGNINS_PER_MIN ?? 30),
      ...opts.rates,
    },
    locator,
    // The tile indexes (~0.15 s to build) only when the first tile is asked for.
    tiles: {
      tile: (z, x, y) => (tiles ??= createNetTiles(opts.net)).tile(z, x, y),
      heldTiles: () => tiles?.heldTiles() ?? 0,
    },
    live,
    now,
    staticJson: createStaticJsonCache(),
    clock: defaultWorkClock,
    photosDir: opts.photosDir ?? null,
    photosNode: opts.photosNode ?? 'local',
    registers: opts.stores.registers ?? null,
    patrol: createPatrol({ net: opts.net, tracks: opts.stores.tracks, locator, access: opts.stores.access, now, ...opts.patrol }),
    components: componentRegistry(opts.net, locator),
    cameras: createCameras({ net: opts.net, gridAt: locator.gridAt, store: opts.stores.cameras, registers: opts.stores.registers, live, now, hlsTemplate: opts.cameras?.hlsTemplate ?? process.env.CAMERA_HLS_URL, count: opts.cameras?.count }),
    statsPush: createStatsPush({ net: opts.net, store: opts.stores.tickets, kpi: opts.stores.kpi, now }, () => live.io, opts.statsIntervalMs),
    redisUp: cluster ? () => cluster.link.up() : null,
  };
  app.addHook('onClose', async () => deps.statsPush.stop());
  if (cluster) {
    const joined = joinCluster(cluster.link, live, deps.statsPush, deps.patrol, (msg, obj) => app.log.warn(obj ?? {}, msg));
    app.addHook('onClose', async () => joined.stop());
  }
  await startPatrol(app, deps.patrol, live, deps.store, singletons);
  deps.components.load(await deps.store.openWithComponent()); // states follow the open tickets, after a restart too
  // On PostgreSQL the grids and components are in PostGIS too, answering spatial queries
  // (the cameras are loaded with their catalogue, server/cameras/service.ts).
  await opts.stores.registers?.sync({ net: opts.net, components: deps.components.data() });
  // On one node of several at a time; the fence of the lease it runs under is asked before
  // each ticket it acts on (tests tick it by hand, unfenced).
  let fence: Fence | null = null;
  const deadlineClock = createDeadlineClock({ store: deps.store, loop: loopService(deps), live, statsPush: deps.statsPush, now, intervalMs: opts.deadlineClockMs, log: app.log, guard: async () => fence?.check() });
  const clockRun = singletons.runOnce('deadline-clock', (f) => {
    fence = f;
    deadlineClock.start();
    return () => deadlineClock.stop();
  });
  app.addHook('onClose', async () => clockRun.stop());
  app.decorate('deadlineClock', deadlineClock);
  app.decorate('statsPush', deps.statsPush);

  const noRoute = (req: { method: string; url: string }) => `no route ${req.method} ${req.url.split('?')[0].slice(0, 200)}`;
  app.setErrorHandler(onError);
  app.setNotFoundHandler((req, reply) => {
    if (isApiPath(req.url) || req.method !== 'GET' || !clientServed) return sendError(reply, 404, noRoute(req));
    return reply.sendFile('index.html'); // the wall is one page: its own routes land here
  });
  // The static files' wildcard must not answer for the API (`//api/tickets`, `/API/x`).
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.url === '/*' && isApiPath(req.url)) return sendError(reply, 404, noRoute(req));
    if (req.routeOptions.url === '/*' && isOpen311Path(req.url)) return open311Unrouted(req, reply); // GeoReport's errors, not the wall
    const badQuery = queryEncodingProblem(req.url);
    if (badQuery) return sendError(reply, 400, badQuery);
  });
  await app.register(compress, { threshold: 2048 });

  await app.register(swagger, {
    openapi: {
      info: { title: '一张网 One Net API', version: '0.1.0', description: 'Grid-based social governance: the net, tickets, live feed.' },
    },
  });
  for (const routes of [healthRoutes, authRoutes, accountRoutes, issuedRoutes, auditRoutes, departmentRoutes, catalogueRoutes, areaRoutes, tileRoutes, locateRoutes, ticketRoutes, ticketActionRoutes, photoRoutes, queueRoutes, statsRoutes, dayDotsRoutes, kpiRoutes, kpiMapRoutes, open311Routes, osmandRoutes, patrolRoutes, cityRoutes, cameraRoutes, videoRoutes, heatmapRoutes]) {
    await app.register(routes, deps);
  }
  app.get('/api/docs/json', { config: { access: { roles: 'public' } }, schema: { hide: true } }, async () => app.swagger());

  const clientServed = !!opts.clientDir && existsSync(opts.clientDir);
  // wildcard: files are looked up per request, so a rebuilt wall is served without a restart.
  if (clientServed) await app.register(fastifyStatic, { root: opts.clientDir!, wildcard: true });

  app.addHook('preClose', async () => live.close());
  app.decorate('live', live);
  app.decorate('sessions', sessions);
  app.decorate('accessTable', accessTable);
  return app as unknown as App;
}
