// Access by the net, as a matrix generated from the route table: every role × every
// route × a request inside and outside the caller's scope (a district, 天宁区 320402;
// outside: 溧阳市 320481) → allowed or denied as the route's rule says. A route with no
// example here fails the test, so the matrix grows with the routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { installAccess } from '../server/auth/access.ts';
import type { Sessions } from '../server/auth/sessions.ts';
import { ROLE_CODES, type Role } from '../server/auth/roles.ts';
import { RULES } from '../server/domain/loop.ts';
import { testApp, type TestApp } from './helpers.ts';
import { IN, routeExamples, type Examples, type Side } from './routes.examples.ts';

let t: TestApp;
let EXAMPLES: Examples;

beforeAll(async () => {
  t = await testApp();
  EXAMPLES = await routeExamples(t);
});
afterAll(() => t?.close());

const routes = () => t.app.accessTable.filter((r) => r.method !== 'HEAD' && r.url !== '/*' && r.url !== '/');

describe('the access matrix', () => {
  it('every route has a rule and an example here', () => {
    const missing = routes().map((r) => `${r.method} ${r.url}`).filter((k) => !EXAMPLES[k]);
    expect(missing).toEqual([]);
    expect(routes().length).toBe(Object.keys(EXAMPLES).length);
  });

  it('anonymous: 401 on every route that is not public, and never on a public one', async () => {
    const got: Record<string, string> = {};
    for (const r of routes()) {
      const res = await t.app.inject(EXAMPLES[`${r.method} ${r.url}`]('in'));
      const key = `${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 100)}`;
      got[`${r.method} ${r.url}`] = `${res.statusCode}${res.statusCode >= 400 ? ' ' + (res.json() as { message: string }).message : ''}`;
      if (r.access.roles === 'public') expect(res.statusCode, key).not.toBe(403);
      else expect(res.statusCode, key).toBe(401);
    }
    console.log(JSON.stringify({ test: 'anonymous', answers: got }));
  });

  it('each role × each route × inside/outside its scope is allowed or denied by the rule', async () => {
    let cells = 0;
    for (const role of ROLE_CODES) {
      for (const r of routes()) {
        if (r.access.roles === 'public') continue;
        for (const side of ['in', 'out'] as Side[]) {
          const who = await t.as(role as Role, IN);
          const req = EXAMPLES[`${r.method} ${r.url}`](side);
          const res = await t.app.inject({ ...req, headers: { ...who.headers, ...(req.headers as object) } });
          const roleOk = r.access.roles.includes(role as Role);
          // A handler sees only tickets dispatched to their department (none are yet).
          // On the actions route the loop decides which roles take which action (every
          // action × role is tested in tests/domain.loop.test.ts); the example is a 催办.
          const dataDenied = (role === 'handler' && (r.url === '/api/tickets/:id' || r.url === '/api/tickets/:id/timeline'))
            || (r.url === '/api/tickets/:id/actions' && !RULES.remind.roles.includes(role))
            // The loop takes a worker's photos only in their own grids; the matrix's workers have none.
            || (r.url === '/api/tickets/:id/photos' && role === 'worker');
          const allowed = roleOk && (!r.access.area || side === 'in') && !dataDenied;
          const key = `${role} ${r.method} ${r.url} ${side} → ${res.statusCode} ${res.body.slice(0, 120)}`;
          if (allowed) expect([401, 403], key).not.toContain(res.statusCode);
          else expect(res.statusCode, key).toBe(403);
          cells++;
        }
      }
    }
    console.log(JSON.stringify({ test: 'access-matrix', roles: ROLE_CODES.length, routes: routes().length, cells }));
    expect(cells).toBeGreaterThan(300);
  }, 120_000);

  it('a route without a rule cannot be registered', async () => {
    const app = Fastify();
    installAccess(app, {} as Sessions);
    await expect((async () => {
      app.get('/api/unguarded', async () => 'open');
      await app.ready();
    })()).rejects.toThrow(/GET \/api\/unguarded has no access rule/);
    await app.close();
  });
});
