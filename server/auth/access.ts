// Access by the net, enforced in one place. Every route declares its rule in its config:
//
//   app.get('/api/tickets/:id', { config: { access: { roles: READERS, area: (req) => … } } }, …)
//
// - `roles`: who may call it ('public': anyone, signed in or not);
// - `area`: the area code the request is about (from the path, query, body or the stored
//   record); it must be inside the caller's scope (a prefix test), and for `write` rules
//   inside a grid worker's own grids.
// A route without a rule cannot be registered (onRoute throws), so none is added
// unguarded. Who is asking is settled on every request (onRequest); the role is checked
// before the input is validated (an anonymous caller learns nothing of the schema), the
// area after (it may come from the validated body).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendError } from '../http/errors.ts';
import { inScope, mayWriteIn, type Principal } from './principal.ts';
import type { Role } from './roles.ts';
import type { Sessions } from './sessions.ts';

export interface Access {
  roles: readonly Role[] | 'public';
  area?: (req: FastifyRequest) => string | null | undefined | Promise<string | null | undefined>;
  /** The area is where the caller writes (report, check on site): workers only in their grids. */
  write?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
    authProblem: string | undefined;
  }
}

/** Routes other plugins register, with the rule they get: the wall's static files. */
const PLUGIN_ROUTES: Record<string, Access> = { '/*': { roles: 'public' }, '/': { roles: 'public' } };

/** A request's rule; one that matched no route gets to the not-found handler (a 404). */
export const accessOf = (req: FastifyRequest): Access => req.routeOptions.config.access ?? { roles: req.is404 ? 'public' : [] };

export interface AccessEntry {
  method: string;
  url: string;
  access: Access;
  /** The route's input schemas (body, querystring, params) and body limit, as declared:
   * the fuzz tests generate hostile input from them. */
  schema?: { body?: unknown; querystring?: unknown; params?: unknown };
  bodyLimit?: number;
}

/** Every route with its rule, as registered: the access matrix test is generated from it. */
export function installAccess(app: FastifyInstance, sessions: Sessions): AccessEntry[] {
  app.decorateRequest('principal', null);
  app.decorateRequest('authProblem', undefined);
  const table: AccessEntry[] = [];

  app.addHook('onRoute', (route) => {
    const config = (route.config ??= {}) as { access?: Access };
    if (!config.access) {
      const given = PLUGIN_ROUTES[route.url];
      if (!given) throw new Error(`route ${route.method} ${route.url} has no access rule (config.access)`);
      config.access = given;
    }
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access: config.access, schema: route.schema as AccessEntry['schema'], bodyLimit: route.bodyLimit });
  });

  app.addHook('onRequest', async (req) => {
    const a = await sessions.authenticate(req);
    req.principal = a.principal;
    req.authProblem = a.problem;
  });

  app.addHook('preValidation', async (req, reply) => {
    const { roles } = accessOf(req);
    if (roles === 'public') return;
    const p = req.principal;
    if (!p) return sendError(reply, 401, req.authProblem ?? 'authentication required: sign in (POST /api/auth/login) or send a token');
    if (!roles.includes(p.role)) return sendError(reply, 403, `role ${p.role} may not ${req.method} ${req.routeOptions.url}`);
  });

  app.addHook('preHandler', async (req, reply) => {
    const access = accessOf(req);
    const p = req.principal;
    if (access.roles === 'public' || !p || !access.area) return;
    const area = await access.area(req);
    if (!area) return; // nothing to check (the handler answers 404 or uses the caller's scope)
    const allowed = access.write ? mayWriteIn(p, area) : inScope(p, area);
    if (!allowed) {
      const whose = access.write && p.grids?.length ? `the grids ${p.grids.join(', ')}` : `the scope ${p.scope}`;
      return sendError(reply, 403, `area: ${area} is outside ${whose} of ${p.id}`);
    }
  });
  return table;
}
