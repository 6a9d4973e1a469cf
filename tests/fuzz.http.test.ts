// Property-based hostile input (fast-check) at every registered route, generated from the
// route table and each route's declared schema: wrong types, NaN/±Infinity and ranges,
// SQL and markup in codes and ids, control/bidi characters and lone surrogates in text,
// unknown and missing fields, malformed JSON, bodies past the limit, wrong content types,
// repeated parameters; and hostile credentials on every route. Each answer is a 4xx in the
// one error shape (GeoReport's under /open311), naming the broken field, with no stack or path in it; nothing stored
// changes (a digest of the store before and after each case); the server keeps serving.
// FUZZ_RUNS and FUZZ_SEED explore further than CI's fixed seed.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { storeHash, testApp } from './helpers.ts';
import { routeExamples } from './routes.examples.ts';
import { hostileCredentials, mutationsOf } from './fuzz/mutations.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const CREDENTIAL_RUNS = Math.ceil(RUNS / 4);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

// Sign-ins are rate limited per address; here every request comes from one.
const t = await testApp({ rates: { signInsPerMinute: 1_000_000 } });
const EXAMPLES = await routeExamples(t);
const admin = await t.as('admin');
afterAll(() => t.close());

const routes = t.app.accessTable.filter((r) => r.method !== 'HEAD' && r.url !== '/*' && r.url !== '/');
const cases: Record<string, number> = {};
const LEAK = /\bat \S+ \(|\/(?:work|home|root|tmp|usr)\/|node_modules|\.ts:\d|Error: /;

type Res = Awaited<ReturnType<typeof t.app.inject>>;
function expectClearRefusal(res: Res, what: string, status?: number) {
  const key = `${what} → ${res.statusCode} ${res.body.slice(0, 200)}`;
  if (status) expect(res.statusCode, key).toBe(status);
  expect(res.statusCode, key).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, key).toBeLessThan(500);
  let body = res.json() as { statusCode: number; error: string; message: string };
  if (Array.isArray(body)) { // GeoReport v2's error form under /open311
    expect(body.length, key).toBe(1);
    expect(Object.keys(body[0]).sort(), key).toEqual(['code', 'description']);
    body = { statusCode: body[0].code, error: '', message: body[0].description };
  } else expect(Object.keys(body).sort(), key).toEqual(['error', 'message', 'statusCode']);
  expect(body.statusCode, key).toBe(res.statusCode);
  expect(body.message.length, key).toBeGreaterThan(0);
  expect(body.message, key).not.toMatch(LEAK);
  return body;
}

describe('hostile input at every route', () => {
  it('covers every registered route', () => {
    expect(routes.filter((r) => !EXAMPLES[`${r.method} ${r.url}`]).map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  for (const route of routes) {
    const key = `${route.method} ${route.url}`;
    it(`${key}: broken input is a 4xx naming the field, and nothing stored changes`, async () => {
      const arb = mutationsOf(route, EXAMPLES[key]('in'));
      if (!arb) {
        cases[key] = 0; // takes no input: its credentials are fuzzed below
        return;
      }
      let n = 0;
      await fc.assert(fc.asyncProperty(arb, async (m) => {
        n++;
        const before = storeHash(t);
        const res = await t.app.inject({ ...m.req, headers: { ...admin.headers, ...(m.req.headers as object) } });
        const body = expectClearRefusal(res, `${key}: ${m.what}`);
        // A prototype key anywhere refuses the whole body, before any field is looked at.
        if (m.field && res.statusCode === 400 && !body.message.includes('"__proto__"')) {
          // A path that is not UTF-8 fails before routing: the URL is named, not the parameter.
          if (!body.message.startsWith('url:')) expect(body.message, `${key}: ${m.what}`).toContain(m.field);
        }
        expect(storeHash(t), `${key}: ${m.what} changed the store`).toBe(before);
      }), { numRuns: RUNS, seed: SEED });
      cases[key] = n;
      expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
    });

    it(`${key}: hostile credentials are refused, and nothing stored changes`, async () => {
      const sign = (claims: object) => t.app.jwt.sign(claims);
      await fc.assert(fc.asyncProperty(hostileCredentials(sign), async (c) => {
        const before = storeHash(t);
        const ex = EXAMPLES[key]('in');
        const res = await t.app.inject({ ...ex, headers: { ...(ex.headers as object), ...c.headers } });
        if (route.access.roles === 'public') expect(res.statusCode, `${key}: ${c.what}`).toBeLessThan(500);
        else expectClearRefusal(res, `${key}: ${c.what}`, 401);
        expect(storeHash(t), `${key}: ${c.what} changed the store`).toBe(before);
      }), { numRuns: CREDENTIAL_RUNS, seed: SEED });
      cases[key] = (cases[key] ?? 0) + CREDENTIAL_RUNS;
    });
  }

  it('reports the cases per route', () => {
    console.log(JSON.stringify({ test: 'fuzz-http', seed: SEED, routes: routes.length, total: Object.values(cases).reduce((a, b) => a + b, 0), cases }));
    expect(Object.keys(cases).length).toBe(routes.length);
  });
});
