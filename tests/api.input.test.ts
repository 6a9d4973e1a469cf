// Hostile input: every number finite and in range, every field only in its declared
// type, dates that are real instants, text a dispatcher can read. Each is a 400 naming
// the field, and nothing already stored is lost or changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridOf, report, testApp, theNet, type TestApp, injectAs } from './helpers.ts';

let t: TestApp;
let lon: number;
let lat: number;
let inject: Awaited<ReturnType<typeof injectAs>>;
beforeAll(async () => {
  t = await testApp();
  inject = await injectAs(t);
  [lon, lat] = gridOf(theNet().net, '320402').label;
});
afterAll(() => t.close());

const get = (url: string) => inject(url);
const post = (payload: unknown) => inject({ method: 'POST', url: '/api/tickets', payload: payload as object });

/** A 400 whose message names `field`, and the store as it was. */
async function expect400(res: Promise<{ statusCode: number; json(): { message: string } }>, field: string) {
  const before = (await t.store.total());
  const r = await res;
  expect(r.statusCode, `${field}: ${JSON.stringify(r.json())}`).toBe(400);
  expect(r.json().message).toContain(field);
  expect((await t.store.total())).toBe(before);
}

describe('numbers in query strings and paths', () => {
  it.each([
    ['/api/tickets?limit=Infinity', 'querystring/limit'],
    ['/api/tickets?limit=0x10', 'querystring/limit'],
    ['/api/tickets?limit=%2016', 'querystring/limit'],
    ['/api/tickets?limit=1e1', 'querystring/limit'],
    ['/api/tickets?limit=', 'querystring/limit'],
    ['/api/tickets?limit=10&limit=20', 'querystring/limit'],
    ['/api/tickets?limit=0', 'querystring/limit'],
    ['/api/locate?lon=Infinity&lat=31', 'querystring/lon'],
    ['/api/locate?lon=-Infinity&lat=31', 'querystring/lon'],
    ['/api/locate?lon=1e400&lat=31', 'querystring/lon'],
    ['/api/locate?lon=NaN&lat=31', 'querystring/lon'],
    ['/api/locate?lon=119.9&lat=%2031.7', 'querystring/lat'],
    ['/api/locate?lon=119.9&lat=true', 'querystring/lat'],
    ['/api/locate?lon=181&lat=31', 'querystring/lon'],
    ['/api/tiles/Infinity/0/0.pbf', 'params/z'],
    ['/api/tiles/%20/0/0.pbf', 'params/z'],
    ['/api/tiles/0/0x0/0.pbf', 'params/x'],
    ['/api/tiles/0/0/1e0.pbf', 'params/y'],
    ['/api/tiles/99999999999999999999/0/0.pbf', 'params/z'],
  ])('%s is a 400 naming %s', (url, field) => expect400(get(url), field));

  it('plain decimals still work', async () => {
    expect((await get(`/api/locate?lon=${lon}&lat=${lat}`)).statusCode).toBe(200);
    expect((await get('/api/tickets?limit=16')).statusCode).toBe(200);
    expect((await get('/api/tiles/0/0/0.pbf')).statusCode).toBe(200);
  });
});

describe('body fields only in their declared type', () => {
  it.each([
    [{ lon: 'Infinity' }, 'body/lon'],
    [{ lon: '119.95' }, 'body/lon'],
    [{ lon: ' 119.95 ' }, 'body/lon'],
    [{ lon: [119.95] }, 'body/lon'],
    [{ lon: true }, 'body/lon'],
    [{ lon: null }, 'body/lon'],
    [{ lat: {} }, 'body/lat'],
    [{ category: ['city_appearance'] }, 'body/category'],
    [{ description: null }, 'body/description'],
    [{ description: 12345 }, 'body/description'],
    [{ description: true }, 'body/description'],
    [{ description: ['a'] }, 'body/description'],
  ])('%j is a 400 naming %s, nothing stored', (patch, field) => expect400(post(report(lon, lat, patch)), field));

  it('1e400 in JSON is Infinity: refused', () =>
    expect400(inject({ method: 'POST', url: '/api/tickets', headers: { 'content-type': 'application/json' }, payload: `{"lon":1e400,"lat":${lat},"category":"dispute","source":"patrol"}` }), 'body/lon'));
});

describe('dates', () => {
  it.each([
    ['/api/tickets?from=2016-12-31T23:59:60Z', 'querystring/from'],
    ['/api/tickets?from=2016-02-30T00:00:00Z', 'querystring/from'],
    ['/api/tickets?to=2026-13-01T00:00:00Z', 'querystring/to'],
    ['/api/tickets?to=2026-01-01', 'querystring/to'],
    ['/api/tickets?from=now', 'querystring/from'],
  ])('%s is a 400 naming %s', (url, field) => expect400(get(url), field));

  it('a real instant with an offset is taken', async () => {
    expect((await get('/api/tickets?from=2026-01-01T00:00:00%2B08:00')).statusCode).toBe(200);
  });

  it('cursor T0000000000 names no page', () => expect400(get('/api/tickets?cursor=T0000000000'), 'querystring/cursor'));
});

describe('text', () => {
  it.each([
    ['x\ud800y', 'lone surrogate'],
    ['x\udc00', 'lone surrogate'],
    ['a\u0000b', 'control character (U+0000)'],
    ['a\u0007b', 'control character'],
    ['a\u007fb', 'control character (U+007F)'],
    ['a\u0085b', 'control character (U+0085)'],
    ['abc\u202Efdp.exe', 'bidirectional control (U+202E)'],
    ['a\u2066b', 'bidirectional control'],
  ])('%j is refused: %s', async (description, why) => {
    const before = (await t.store.total());
    const r = await post(report(lon, lat, { description }));
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toContain('body/description');
    expect(r.json().message).toContain(why);
    expect((await t.store.total())).toBe(before);
  });

  it('Chinese, emoji, tabs and new lines are stored and read back exactly', async () => {
    const description = '小区东门\t消防通道被占用 🚒\r\n第二行：“电动车”';
    const r = await post(report(lon, lat, { description }));
    expect(r.statusCode).toBe(201);
    const back = await get(`/api/tickets/${r.json().id}`);
    expect(back.json().description).toBe(description);
  });
});

describe('every text-borne input is constrained', () => {
  it('each string a route takes has an enum, a pattern, a format or the free-text rule', async () => {
    const doc = (await get('/api/docs/json')).json() as { paths: Record<string, Record<string, { parameters?: { name: string; schema: object }[]; requestBody?: { content: Record<string, { schema: object }> } }>> };
    const loose: string[] = [];
    const walk = (s: Record<string, unknown> | undefined, where: string) => {
      if (!s || typeof s !== 'object') return;
      if (s.type === 'string' && !('enum' in s) && !('pattern' in s) && !('format' in s) && !('x-text' in s)) loose.push(where);
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>)) walk(v, `${where}/${k}`);
      if (s.items) walk(s.items as Record<string, unknown>, `${where}[]`);
    };
    let seen = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const p of op.parameters ?? []) (seen++, walk(p.schema as Record<string, unknown>, `${method} ${path} ${p.name}`));
        for (const c of Object.values(op.requestBody?.content ?? {})) (seen++, walk(c.schema as Record<string, unknown>, `${method} ${path} body`));
      }
    }
    expect(seen).toBeGreaterThan(10);
    expect(loose).toEqual([]);
  });
});
