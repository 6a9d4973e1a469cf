// A PostgreSQL that goes away, restarts or stalls: the stores answer StoreUnavailableError,
// the HTTP edge answers 503 (with Retry-After) and a clear message, the process lives on, and
// once the database is back the same stores serve again (the pool reconnects by itself).
// The database is reached through a TCP proxy this test can cut, as a restart or a lost link
// would: open connections reset, new ones refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp, type App } from '../server/app.ts';
import { openSqliteStores, type SqliteStores } from '../server/store/sqlite.ts';
import { openPgPool } from '../server/store/pg/pool.ts';
import { pgStores, type PgStores } from '../server/store/pg/stores.ts';
import { StoreUnavailableError } from '../server/store/errors.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import { TEST_PASSWORD_HASH } from '../scripts/local-app.ts';
import { freshSchema, TEST_DATABASE_URL } from './pg/fresh.ts';
import { theNet } from './helpers.ts';

/** A proxy to the real PostgreSQL on a port of its own; `cut()` resets every connection and
 * stops listening, `restore()` listens again on the same port. */
function proxy(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const listen = () => new Promise<void>((resolve) => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) (sockets.add(s), s.on('close', () => sockets.delete(s)), s.on('error', () => {}));
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1', () => ((port = (server.address() as { port: number }).port), resolve()));
  });
  return {
    listen,
    get port() { return port; },
    cut: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.resetAndDestroy();
      server.close(() => resolve());
    }),
    restore: listen,
  };
}

let schema: Awaited<ReturnType<typeof freshSchema>>;
let p: ReturnType<typeof proxy>;
let stores: PgStores;
let local: SqliteStores;
let dir: string;
let app: App;
let headers: { authorization: string };

beforeAll(async () => {
  schema = await freshSchema('unavail');
  const target = new URL(TEST_DATABASE_URL);
  p = proxy(target);
  await p.listen();
  const url = new URL(TEST_DATABASE_URL);
  url.port = String(p.port);
  stores = pgStores(openPgPool({ url: url.toString(), schema: schema.schema, statementTimeoutMs: 500 }));
  dir = mkdtempSync(join(tmpdir(), 'one-net-unavail-'));
  local = openSqliteStores(dir);
  const { net, locator } = theNet();
  app = await buildApp({ net, locator, clientDir: null, maxEventLoopDelayMs: 0, deadlineClockMs: 3_600_000,
    stores: { ...local, tickets: stores.tickets, kpi: stores.kpi, access: stores.access, audit: stores.audit } });
  await stores.access.createAccount({ username: 'd1', name: 'd1', role: 'dispatcher', scope: CITY_CODE, department: null, grids: [], passwordHash: TEST_PASSWORD_HASH }, Date.now());
  headers = { authorization: `Bearer ${(await app.sessions.open('account', 'd1')).token}` };
}, 60_000);

afterAll(async () => {
  await app?.close();
  local?.close();
  await stores?.close().catch(() => {});
  await schema?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('PostgreSQL unavailable', () => {
  it('answers 503 while the database is down, and serves again once it is back', async () => {
    const before = await app.inject({ url: '/api/tickets?limit=5', headers });
    expect(before.statusCode, before.body).toBe(200);
    await p.cut();
    for (const req of [{ url: '/api/tickets?limit=5' }, { url: '/api/tickets', method: 'POST' as const, payload: { lon: 119.97, lat: 31.78, category: 'city_appearance', source: 'patrol', description: '井盖缺失' } }]) {
      const res = await app.inject({ ...req, headers });
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().message).toMatch(/database is unavailable/);
      expect(res.headers['retry-after']).toBe('5');
    }
    await expect(stores.tickets.total()).rejects.toBeInstanceOf(StoreUnavailableError);
    await p.restore();
    const after = await app.inject({ url: '/api/tickets', method: 'POST', headers, payload: { lon: 119.97, lat: 31.78, category: 'city_appearance', source: 'patrol', description: '井盖缺失' } });
    expect(after.statusCode, after.body).toBe(201);
    expect(await stores.tickets.total()).toBe(1);
  }, 60_000);

  it('answers 503 for a statement past its timeout (a table locked by another session)', async () => {
    const other = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`LOCK TABLE ${schema.schema}.tickets IN ACCESS EXCLUSIVE MODE`);
      await expect(stores.tickets.get(1)).rejects.toBeInstanceOf(StoreUnavailableError);
      const res = await app.inject({ url: '/api/tickets?limit=5', headers });
      expect(res.statusCode, res.body).toBe(503);
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
    expect((await stores.tickets.get(1))?.seq).toBe(1);
  }, 30_000);

  it('answers 503 when the database cannot be reached at all', async () => {
    const nowhere = pgStores(openPgPool({ url: 'postgres://postgres@127.0.0.1:1/test' }));
    try {
      await expect(nowhere.tickets.list({ limit: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(nowhere.access.account('x')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(nowhere.audit.append({ at: 0, actor: 'a', role: null, address: '', kind: 'k', target: null, status: 200, before: null, after: null })).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await nowhere.close();
    }
  });
});
