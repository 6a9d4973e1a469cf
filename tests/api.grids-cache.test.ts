// The net's grid boundaries (2.3 MB for the whole city) are built once, compressed
// once, and revalidated by ETag; every encoding carries the same collection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { createStaticJsonCache } from '../server/http/cache.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import { gridOf, report, testApp, theNet, type TestApp, injectAs } from './helpers.ts';

let t: TestApp;
let inject: Awaited<ReturnType<typeof injectAs>>;
beforeAll(async () => { t = await testApp(); inject = await injectAs(t); });
afterAll(() => t.close());

const grids = (headers: Record<string, string> = {}) => inject({ url: `/api/grids?parent=${CITY_CODE}`, headers });

describe('GET /api/grids', () => {
  it('is compressed as asked, the same collection in every encoding, with an ETag', async () => {
    const plain = await grids({ 'accept-encoding': 'identity' });
    const gz = await grids({ 'accept-encoding': 'gzip' });
    const br = await grids({ 'accept-encoding': 'gzip, deflate, br' });
    const noBr = await grids({ 'accept-encoding': 'br;q=0, gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(noBr.headers['content-encoding']).toBe('gzip');
    for (const r of [plain, gz, br]) {
      expect(r.headers['content-type']).toMatch(/^application\/geo\+json/);
      expect(r.headers['cache-control']).toBe('public, no-cache');
      expect(r.headers.etag).toBe(plain.headers.etag);
    }
    const fc = plain.json();
    expect(fc.features).toHaveLength(theNet().net.features.grid.features.length);
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
  });

  it('answers 304 to a wall that has it already', async () => {
    const first = await grids();
    const again = await grids({ 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    const other = await inject({ url: '/api/grids?parent=320402', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(other.statusCode).toBe(200);
    expect(other.headers.etag).not.toBe(first.headers.etag);
  });

  it('keeps what it caches bounded in bytes, least recently used out first', async () => {
    const cache = createStaticJsonCache(1_000_000);
    const app = Fastify();
    app.get<{ Params: { k: string } }>('/:k', (req, reply) => cache.send(req, reply, req.params.k, 'application/json', () => ({ k: req.params.k, pad: randomBytes(150_000).toString('base64') })));
    const first = await app.inject('/a');
    for (let i = 0; i < 20; i++) {
      await app.inject(`/k${i}`);
      expect(cache.bytes()).toBeLessThanOrEqual(1_000_000 + 600_000); // the bound + the newest entry
    }
    const again = await app.inject('/a'); // evicted long ago: built anew (new random pad)
    expect(again.headers.etag).not.toBe(first.headers.etag);
    const hot = await app.inject('/k19');
    expect((await app.inject('/k19')).headers.etag).toBe(hot.headers.etag);
    await app.close();
  });

  it('dynamic answers are compressed too', async () => {
    const [lon, lat] = gridOf(theNet().net, '320402').label;
    for (let i = 0; i < 10; i++) await inject({ method: 'POST', url: '/api/tickets', payload: report(lon, lat) });
    const r = await inject({ url: '/api/tickets?limit=10', headers: { 'accept-encoding': 'gzip' } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(r.rawPayload).toString()).items).toHaveLength(10);
  });
});
