// Access by the net, as a matrix generated from the route table: every role × every
// route × a request inside and outside the caller's scope (a district, 天宁区 320402;
// outside: 溧阳市 320481) → allowed or denied as the route's rule says. A route with no
// example here fails the test, so the matrix grows with the routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type InjectOptions } from 'fastify';
import { installAccess } from '../server/auth/access.ts';
import type { Sessions } from '../server/auth/sessions.ts';
import { ROLE_CODES, type Role } from '../server/auth/roles.ts';
import { gridOf, report, testApp, theNet, type TestApp } from './helpers.ts';

let t: TestApp;
const IN = '320402';
const OUT = '320481';
let n = 0;
const ids: Record<string, Record<'in' | 'out', string>> = {};

beforeAll(async () => {
  t = await testApp();
  const { net } = theNet();
  const admin = await t.as('admin');
  const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload, headers: admin.headers }).then((r) => r.json());
  const inG = gridOf(net, IN), outG = gridOf(net, OUT);
  ids.ticket = { in: (await post('/api/tickets', report(inG.label[0], inG.label[1]))).id, out: (await post('/api/tickets', report(outG.label[0], outG.label[1]))).id };
  ids.account = { in: (await post('/api/accounts', { username: 'in-acc', password: 'password-1', role: 'leader', scope: IN + '001' })).username, out: (await post('/api/accounts', { username: 'out-acc', password: 'password-1', role: 'leader', scope: OUT + '001' })).username };
  for (const kind of ['displays', 'keys']) ids[kind] = { in: (await post(`/api/${kind}`, { name: 'x', scope: IN })).id, out: (await post(`/api/${kind}`, { name: 'x', scope: OUT })).id };
  const worker = (d: string) => net.workers.get((net.areas.get(gridOf(net, d).code) as { workers: string[] }).workers[0])!.id;
  ids.devices = { in: (await post('/api/devices', { id: 'dev-in', workerId: worker(IN) })).id, out: (await post('/api/devices', { id: 'dev-out', workerId: worker(OUT) })).id };
  ids.worker = { in: worker(IN), out: worker(OUT) };
});
afterAll(() => t?.close());

type Side = 'in' | 'out';
const point = (side: Side) => gridOf(theNet().net, side === 'in' ? IN : OUT).label;
const area = (side: Side) => (side === 'in' ? IN : OUT);

/** One request per route, about an area inside or outside the caller's scope. */
const EXAMPLES: Record<string, (s: Side) => InjectOptions> = {
  'GET /api/health': () => ({ url: '/api/health' }),
  'GET /api/docs/json': () => ({ url: '/api/docs/json' }),
  'POST /api/auth/login': () => ({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'wrong-password' } }),
  'POST /api/auth/display': () => ({ method: 'POST', url: '/api/auth/display', payload: { token: 'x'.repeat(43) } }),
  'POST /api/auth/refresh': () => ({ method: 'POST', url: '/api/auth/refresh', payload: {} }),
  'POST /api/auth/logout': () => ({ method: 'POST', url: '/api/auth/logout' }),
  'GET /api/auth/me': () => ({ url: '/api/auth/me' }),
  'POST /api/accounts': (s) => ({ method: 'POST', url: '/api/accounts', payload: { username: `m-${++n}`, password: 'password-1', role: 'leader', scope: area(s) } }),
  'GET /api/accounts': () => ({ url: '/api/accounts' }),
  'GET /api/accounts/:username': (s) => ({ url: `/api/accounts/${ids.account[s]}` }),
  'PATCH /api/accounts/:username': (s) => ({ method: 'PATCH', url: `/api/accounts/${ids.account[s]}`, payload: { name: `n${++n}` } }),
  'POST /api/displays': (s) => ({ method: 'POST', url: '/api/displays', payload: { name: 'wall', scope: area(s) } }),
  'GET /api/displays': () => ({ url: '/api/displays' }),
  'DELETE /api/displays/:id': (s) => ({ method: 'DELETE', url: `/api/displays/${ids.displays[s]}` }),
  'POST /api/devices': (s) => ({ method: 'POST', url: '/api/devices', payload: { id: `d-${++n}`, workerId: ids.worker[s] } }),
  'GET /api/devices': () => ({ url: '/api/devices' }),
  'DELETE /api/devices/:id': (s) => ({ method: 'DELETE', url: `/api/devices/${ids.devices[s]}` }),
  'POST /api/keys': (s) => ({ method: 'POST', url: '/api/keys', payload: { name: 'gateway', scope: area(s) } }),
  'GET /api/keys': () => ({ url: '/api/keys' }),
  'DELETE /api/keys/:id': (s) => ({ method: 'DELETE', url: `/api/keys/${ids.keys[s]}` }),
  'GET /api/audit': () => ({ url: '/api/audit?limit=5' }),
  'GET /api/departments': () => ({ url: '/api/departments' }),
  'GET /api/areas/:code': (s) => ({ url: `/api/areas/${area(s)}` }),
  'GET /api/grids': (s) => ({ url: `/api/grids?parent=${area(s)}001` }),
  'GET /api/labels': () => ({ url: '/api/labels?level=district' }),
  'GET /api/meta': () => ({ url: '/api/meta' }),
  'GET /api/tiles/:z/:x/:y.pbf': () => ({ url: '/api/tiles/8/213/104.pbf' }),
  'GET /api/locate': (s) => ({ url: `/api/locate?lon=${point(s)[0]}&lat=${point(s)[1]}` }),
  'POST /api/tickets': (s) => ({ method: 'POST', url: '/api/tickets', payload: report(point(s)[0], point(s)[1]) }),
  'GET /api/tickets': (s) => ({ url: `/api/tickets?area=${area(s)}&limit=5` }),
  'GET /api/tickets/:id': (s) => ({ url: `/api/tickets/${ids.ticket[s]}` }),
  'GET /api/stats/today': (s) => ({ url: `/api/stats/today?area=${area(s)}` }),
};

const routes = () => t.app.accessTable.filter((r) => r.method !== 'HEAD' && r.url !== '/*' && r.url !== '/');

describe('the access matrix', () => {
  it('every route has a rule and an example here', () => {
    const missing = routes().map((r) => `${r.method} ${r.url}`).filter((k) => !EXAMPLES[k]);
    expect(missing).toEqual([]);
    expect(routes().length).toBe(Object.keys(EXAMPLES).length);
  });

  it('anonymous: 401 on every route that is not public, and never on a public one', async () => {
    for (const r of routes()) {
      const res = await t.app.inject(EXAMPLES[`${r.method} ${r.url}`]('in'));
      const key = `${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 100)}`;
      if (r.access.roles === 'public') expect(res.statusCode, key).not.toBe(403);
      else expect(res.statusCode, key).toBe(401);
    }
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
          const dataDenied = role === 'handler' && r.url === '/api/tickets/:id';
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
