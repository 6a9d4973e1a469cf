import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';
import { gridOf, testApp, theNet, type TestApp, injectAs } from './helpers.ts';

let t: TestApp;
let inject: Awaited<ReturnType<typeof injectAs>>;
beforeAll(async () => { t = await testApp(); inject = await injectAs(t); });
afterAll(async () => t.close());

describe('the net over HTTP', () => {
  it('health answers ok with the size of the net', async () => {
    const r = await inject('/api/health');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', grids: theNet().net.features.grid.features.length, tickets: 0 });
  });

  it('the city 320400 常州市 has its six districts as children', async () => {
    const r = await inject('/api/areas/320400');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ code: '320400', name: '常州市', level: 'city', path: [] });
    expect(body.children.map((c: { name: string }) => c.name)).toEqual(['天宁区', '钟楼区', '新北区', '武进区', '金坛区', '溧阳市']);
  });

  it('a grid shows its breadcrumb up to the city, its type and its workers', async () => {
    const g = gridOf(theNet().net, '320402');
    const body = (await inject(`/api/areas/${g.code}`)).json();
    expect(body.path.map((p: { code: string }) => p.code)).toEqual(['320400', g.code.slice(0, 6), g.code.slice(0, 9), g.code.slice(0, 12)]);
    expect(body.type).toBe('base');
    expect(body.workers.length).toBe(g.workers.length);
    expect(body.workers[0]).toMatchObject({ id: g.workers[0], name: expect.any(String), role: expect.any(String) });
    expect(body.children).toEqual([]);
  });

  it('an unknown code is 404 and a malformed one 400 naming the field', async () => {
    expect((await inject('/api/areas/320499')).statusCode).toBe(404);
    const bad = await inject('/api/areas/12ab');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(bad.json().message).toMatch(/code/);
  });

  it('grids of a community come as an RFC 7946 FeatureCollection', async () => {
    const { net } = theNet();
    const community = gridOf(net, '320404').code.slice(0, 12);
    const r = await inject(`/api/grids?parent=${community}`);
    expect(r.statusCode).toBe(200);
    const fc = r.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.length).toBe(net.areas.get(community)!.children.length);
    for (const f of fc.features) {
      expect(f.properties.code.startsWith(community)).toBe(true);
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
    }
    expect((await inject('/api/grids')).json().message).toMatch(/parent/);
  });

  it('label points per level', async () => {
    const d = (await inject('/api/labels?level=district')).json();
    expect(d).toHaveLength(6);
    expect((await inject('/api/labels?level=grid')).json()).toHaveLength(theNet().net.features.grid.features.length);
    expect((await inject('/api/labels?level=town')).statusCode).toBe(400);
  });

  it('serves vector tiles of the net with the levels legible at that zoom', async () => {
    const { net } = theNet();
    const [lon, lat] = net.city.label;
    const tileAt = (z: number) => {
      const n = 2 ** z;
      const x = Math.floor(((lon + 180) / 360) * n);
      const y = Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * n);
      return { x, y };
    };
    const z9 = tileAt(9);
    const r9 = await inject(`/api/tiles/9/${z9.x}/${z9.y}.pbf`);
    expect(r9.statusCode).toBe(200);
    expect(r9.headers['content-type']).toContain('vector-tile');
    const vt9 = new VectorTile(new Pbf(r9.rawPayload));
    expect(Object.keys(vt9.layers).sort()).toEqual(['district', 'street']);
    const z10 = tileAt(10);
    const vt10 = new VectorTile(new Pbf((await inject(`/api/tiles/10/${z10.x}/${z10.y}.pbf`)).rawPayload));
    expect(Object.keys(vt10.layers).sort()).toEqual(['community', 'district', 'street']);
    const z12 = tileAt(12);
    const vt12 = new VectorTile(new Pbf((await inject(`/api/tiles/12/${z12.x}/${z12.y}.pbf`)).rawPayload));
    expect(vt12.layers.grid.length).toBeGreaterThan(0);
    expect(vt12.layers.grid.feature(0).properties.code).toMatch(/^3204\d{11}$/);
    expect((await inject('/api/tiles/3/0/0.pbf')).statusCode).toBe(204);
    expect((await inject('/api/tiles/3/9/0.pbf')).statusCode).toBe(400);
  });

  it('documents itself in OpenAPI', async () => {
    const doc = (await inject('/api/docs/json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/health', '/api/areas/{code}', '/api/grids', '/api/locate', '/api/tickets', '/api/stats/today']) {
      expect(doc.paths).toHaveProperty([p]);
    }
  });

  it('an unknown API route is a JSON 404', async () => {
    const r = await inject('/api/nothing');
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});

describe('locate over HTTP', () => {
  it('a point in a grid gives the grid and its community, street and district', async () => {
    const g = gridOf(theNet().net, '320481');
    const r = await inject(`/api/locate?lon=${g.label[0]}&lat=${g.label[1]}`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      grid: { code: g.code, name: g.name, level: 'grid' },
      community: expect.objectContaining({ code: g.code.slice(0, 12) }),
      street: expect.objectContaining({ code: g.code.slice(0, 9) }),
      district: { code: '320481', name: '溧阳市', level: 'district' },
    });
  });

  it('outside the city is 404 with a clear message; bad input is 400 naming the field', async () => {
    const out = await inject('/api/locate?lon=116.39&lat=39.9');
    expect(out.statusCode).toBe(404);
    expect(out.json().message).toMatch(/outside/);
    const bad = await inject('/api/locate?lon=abc&lat=31.8');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/lon/);
    expect((await inject('/api/locate?lon=119.9')).json().message).toMatch(/lat/);
    expect((await inject('/api/locate?lon=119.9&lat=95')).json().message).toMatch(/lat/);
  });
});
