// Every answer under /api is JSON { statusCode, error, message } — whatever the path's
// case or slashes, however bad the URL, whoever answers (router, parser, static files).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { testApp, type TestApp } from './helpers.ts';

let t: TestApp;
let auth: Record<string, string>;
const clientDir = mkdtempSync(join(tmpdir(), 'one-net-client-'));
beforeAll(async () => {
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>wall</title>');
  t = await testApp({ listen: true, clientDir });
  auth = (await t.as('admin')).headers;
});
afterAll(async () => {
  await t.close();
  rmSync(clientDir, { recursive: true, force: true });
});

/** A raw request (no client-side URL normalisation): status, content type and body. */
function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  const { port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { ...auth, ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (b += d));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type'] ?? ''), body: b }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('errors in one shape', () => {
  it.each([
    ['GET', '/api', 404],
    ['GET', '/api/', 404],
    ['GET', '/API/tickets', 404],
    ['GET', '/Api/health', 404],
    ['GET', '//api/tickets', 404],
    ['GET', '///api/health', 404],
    ['GET', '/api/nothing/here', 404],
    ['GET', `/api/areas/${'1'.repeat(101)}`, 400],
    ['GET', `/api/areas/${'1'.repeat(5000)}`, 404], // longer than any parameter: no route
    ['GET', '/api/areas/%ff', 400],
    ['GET', '/%ff', 400],
    ['GET', '/api/tickets/%ff', 400],
    ['DELETE', '/api/tickets', 404],
    ['GET', '/api/tickets/T0000000001', 404],
  ])('%s %s → %i, JSON', async (method, path, status) => {
    const r = await raw(method, path);
    expect(r.status).toBe(status);
    expect(r.type).toMatch(/^application\/json/);
    const body = JSON.parse(r.body);
    expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
    expect(body.statusCode).toBe(status);
    expect(body.error).not.toBe('Error');
    expect(body.message.length).toBeGreaterThan(0);
  });

  it.each([
    ['text/plain', '{"lon":119.9,"lat":31.7,"category":"dispute","source":"patrol"}', 415],
    ['application/x-www-form-urlencoded', 'lon=119.9', 415],
    ['application/json', '{"lon":', 400],
    ['application/json', '', 400],
    ['application/json', '{"__proto__":{"x":1}}', 400],
  ])('POST /api/tickets as %s → %i, JSON, nothing stored', async (type, body, status) => {
    const before = (await t.store.total());
    const r = await raw('POST', '/api/tickets', body, { 'content-type': type });
    expect(r.status).toBe(status);
    const parsed = JSON.parse(r.body);
    expect(Object.keys(parsed).sort()).toEqual(['error', 'message', 'statusCode']);
    expect(parsed.statusCode).toBe(status);
    expect((await t.store.total())).toBe(before);
  });

  it('without credentials, an /api route is a 401 in the same shape', async () => {
    auth = {};
    try {
      for (const path of ['/api/tickets', '/API/tickets', '/api/areas/320402', `/api/areas/${'1'.repeat(101)}`]) {
        const r = await raw('GET', path);
        expect(r.status, path).toBe(path.startsWith('/API') ? 404 : 401);
        expect(Object.keys(JSON.parse(r.body)).sort()).toEqual(['error', 'message', 'statusCode']);
      }
    } finally {
      auth = (await t.as('admin')).headers;
    }
  });

  it('the wall still gets its page for its own routes', async () => {
    const r = await raw('GET', '/grid/320402001001001');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/html/);
  });
});
