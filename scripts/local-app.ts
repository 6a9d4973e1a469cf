// The whole app on a loopback port with a fresh store in a temp dir: for benchmarks
// and tests that need a real server. `close()` removes the store.
// `as(role, scope)` makes a principal of that role and scope and returns its bearer
// headers, through the same store and sessions the routes use.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNet } from '../server/net/load.ts';
import { openSqliteStores, type SqliteOptions, type SqliteStores } from '../server/store/sqlite.ts';
import { buildApp, type App, type AppOptions } from '../server/app.ts';
import type { Locator } from '../server/geo/locator.ts';
import type { Net } from '../server/net/types.ts';
import type { TicketStore } from '../server/store/types.ts';
import type { Role } from '../server/auth/roles.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import { newId, newToken, tokenHash } from '../server/auth/tokens.ts';

export interface Credentials {
  username: string;
  token: string;
  headers: { authorization: string };
}

export interface LocalApp {
  app: App;
  net: Net;
  store: TicketStore;
  stores: SqliteStores;
  dir: string;
  /** http://127.0.0.1:PORT once listening, '' with listen: false. */
  url: string;
  /** A signed-in principal: an account of `role` (a display for 'display', an API key for
   * 'integration' when `key` is set) with `scope`. */
  as(role: Role, scope?: string, o?: { department?: string; grids?: string[]; username?: string }): Promise<Credentials>;
  /** An integration's API key at `scope`. */
  apiKey(scope?: string): Promise<string>;
  close(): Promise<void>;
}

export interface LocalAppOptions extends Pick<AppOptions, 'limits' | 'live' | 'now' | 'sessions' | 'lockout' | 'rates' | 'secret' | 'maxEventLoopDelayMs' | 'deadlineClockMs' | 'statsIntervalMs' | 'patrol' | 'cameras'> {
  net?: Net;
  locator?: Locator;
  clientDir?: string | null;
  listen?: boolean;
  store?: SqliteOptions;
  /** The data directory (kept on close); a fresh temp dir (removed on close) by default. */
  dir?: string;
}

// A fixed argon2 hash of "test-password" (hashing is slow on purpose; tests need many accounts).
export const TEST_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$ZHVtbXlzYWx0ZHVtbXk$Qogy6EDZVXhosh6FDfKnD2DxU6+NsckseNSaQSl6ZIA';
export const TEST_PASSWORD = 'test-password';

export async function startLocalApp(o: LocalAppOptions = {}): Promise<LocalApp> {
  const net = o.net ?? loadNet();
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'one-net-'));
  const stores = openSqliteStores(dir, o.store);
  const now = o.now ?? Date.now;
  const app = await buildApp({ net, stores, photosDir: join(dir, 'photos'), locator: o.locator, clientDir: o.clientDir ?? null, now, limits: o.limits, live: o.live,
    // A test on a fake clock moves it by hours and days: its tokens last unless it says otherwise.
    sessions: o.now ? { accessTtlMs: 365 * 86_400_000, refreshTtlMs: 730 * 86_400_000, ...o.sessions } : o.sessions, lockout: o.lockout, secret: o.secret,
    // Tests share two cores with Chromium: a lagging loop there is the machine, not overload.
    maxEventLoopDelayMs: o.maxEventLoopDelayMs ?? 0,
    // Tests tick the deadline clock themselves.
    deadlineClockMs: o.deadlineClockMs ?? 3_600_000,
    statsIntervalMs: o.statsIntervalMs,
    patrol: o.patrol,
    cameras: o.cameras,
    // Tests write fast; the limits themselves are tested with their own settings.
    rates: { writesPerMinute: 1_000_000, ...o.rates } });
  let url = '';
  if (o.listen !== false) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  }
  let n = 0;
  return {
    app, net, store: stores.tickets, stores, dir, url,
    async as(role, scope = CITY_CODE, x = {}) {
      let username = x.username ?? `${role}-${scope}-${++n}`;
      let tokens;
      if (role === 'display') {
        const d = await stores.access.issue('display', { id: newId(), name: `display ${scope}`, scope, workerId: null, tokenHash: tokenHash(newToken()), createdBy: 'test', createdAt: now() });
        username = d.id;
        tokens = await app.sessions.open('display', d.id);
      } else {
        if (!(await stores.access.account(username))) {
          await stores.access.createAccount({ username, name: username, role, scope, department: x.department ?? (role === 'handler' ? 'cgj' : null), grids: x.grids ?? [], passwordHash: TEST_PASSWORD_HASH }, now());
        }
        tokens = await app.sessions.open('account', username);
      }
      return { username, token: tokens.token, headers: { authorization: `Bearer ${tokens.token}` } };
    },
    async apiKey(scope = CITY_CODE) {
      const key = newToken();
      await stores.access.issue('key', { id: newId(), name: `key ${scope}`, scope, workerId: null, tokenHash: tokenHash(key), createdBy: 'test', createdAt: now() });
      return key;
    },
    async close() {
      await app.close();
      stores.close();
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
