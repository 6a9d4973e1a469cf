// Shared by the server tests: the real net (loaded once per test file) and an app on it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { loadNet } from '../server/net/load.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import { createLocator, type Locator } from '../server/geo/locator.ts';
import type { Grid, Net } from '../server/net/types.ts';
import type { TicketRecord } from '../server/domain/ticket.ts';
import { reportedState } from '../server/domain/loop.ts';
import type { Role } from '../server/auth/roles.ts';
import type { InjectOptions } from 'fastify';
import { startLocalApp, type LocalApp, type LocalAppOptions } from '../scripts/local-app.ts';

let shared: { net: Net; locator: Locator } | undefined;
export function theNet() {
  if (!shared) {
    const net = loadNet();
    shared = { net, locator: createLocator(net) };
  }
  return shared;
}

export type TestApp = LocalApp;

/** The app on the shared net with a fresh store; `listen: true` puts it on a loopback port. */
export function testApp(o: Omit<LocalAppOptions, 'net' | 'locator'> = {}): Promise<TestApp> {
  const { net, locator } = theNet();
  return startLocalApp({ ...o, net, locator, listen: o.listen ?? false });
}

/** A grid by name or, by default, the first base grid of a district; its label point is inside it. */
export function gridOf(net: Net, districtCode: string, type: 'base' | 'dedicated' = 'base'): Grid {
  for (const a of net.areas.values()) {
    if (a.level === 'grid' && a.code.startsWith(districtCode) && (a as Grid).type === type) return a as Grid;
  }
  throw new Error(`no ${type} grid in ${districtCode}`);
}

export const report = (lon: number, lat: number, extra: Record<string, unknown> = {}) => ({
  lon, lat, category: 'fire_safety', source: 'patrol', description: '楼道内电动车充电', ...extra,
});

/** The real entry point (server/index.ts) in a child process on DATA_DIR `dir`; resolves
 * when it prints its URL, rejects with its stderr if it exits first. */
export function startServerProcess(dir: string, env: Record<string, string> = {}): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, SIMULATE: '0', ADMIN_PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/localhost:(\d+)/);
      if (m) resolve({ proc, url: `http://127.0.0.1:${m[1]}` });
    });
    proc.once('exit', (code) => reject(Object.assign(new Error(`server exited ${code}: ${err.trim()}`), { code, stderr: err })));
  });
}

/** SIGTERM and wait for the exit. */
export async function stopServerProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

type InjectArg = string | { method?: string; url: string; payload?: unknown; headers?: Record<string, string> };

/** `t.app.inject` as a signed-in principal (an admin of the city by default). */
export async function injectAs(t: TestApp, role: Role = 'admin', scope?: string) {
  const { headers } = await t.as(role, scope);
  return (arg: InjectArg) => {
    const o = typeof arg === 'string' ? { url: arg } : arg;
    return t.app.inject({ ...o, headers: { ...headers, ...o.headers } } as InjectOptions);
  };
}

export const ADMIN_PASSWORD = 'admin-password-for-tests';

/** A bearer token for `admin` of a server process started with ADMIN_PASSWORD. */
export async function adminToken(url: string): Promise<string> {
  const r = await postJson(`${url}/api/auth/login`, { username: 'admin', password: ADMIN_PASSWORD });
  if (r.status !== 200) throw new Error(`sign-in: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}

/** For tests that attach the live feed to a bare HTTP server: TEST_TOKEN is a city
 * dispatcher, anything else is refused. */
export const TEST_TOKEN = 'test-token';
export const testAuthenticate = async (token: string) => token === TEST_TOKEN
  ? { principal: { kind: 'account' as const, id: 'test-dispatcher', name: 'test', role: 'dispatcher' as const, scope: CITY_CODE } }
  : { principal: null, problem: 'token: not valid' };

/** A digest of everything stored except the audit log (which records refused writes too):
 * equal before and after means nothing stored was changed. */
export function storeHash(t: TestApp, skip: string[] = ['audit']): string {
  const db = t.stores.db;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  const h = createHash('sha256');
  for (const name of tables) {
    if (skip.includes(name)) continue;
    h.update(`\u0000${name}\u0000`);
    // AUTOINCREMENT counters live in sqlite_sequence, one row per table: skip the skipped ones'.
    const rows = name === 'sqlite_sequence'
      ? db.prepare(`SELECT * FROM sqlite_sequence WHERE name NOT IN (${skip.map(() => '?').join(',')}) ORDER BY name`).raw().iterate(...skip)
      : db.prepare(`SELECT * FROM "${name}"`).raw().iterate();
    // Rows in a stable order whatever the table's key (some are WITHOUT ROWID).
    for (const row of [...rows].map((r) => JSON.stringify(r)).sort()) h.update(row);
  }
  return h.digest('hex');
}

/** A stored ticket just reported at a grid's label point (for tests of the live feed). */
export function reportedRecord(seq: number, g: Grid, description = '楼道内电动车充电', createdAt = Date.UTC(2026, 10, 23, 2)): TicketRecord {
  return {
    ...reportedState(g.code, createdAt), seq, createdAt, lon: g.label[0], lat: g.label[1], category: 'fire_safety', description, source: 'patrol',
    reportedBy: 'test', clientId: null, crs: 'wgs84',
  };
}
