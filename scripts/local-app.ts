// The whole app on a loopback port with a fresh store in a temp dir: for benchmarks
// and tests that need a real server. `close()` removes the store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNet } from '../server/net/load.ts';
import { openSqliteStore, type SqliteOptions } from '../server/store/sqlite.ts';
import { buildApp, type App, type AppOptions } from '../server/app.ts';
import type { Locator } from '../server/geo/locator.ts';
import type { Net } from '../server/net/types.ts';
import type { TicketStore } from '../server/store/types.ts';

export interface LocalApp {
  app: App;
  net: Net;
  store: TicketStore;
  dir: string;
  /** http://127.0.0.1:PORT once listening, '' with listen: false. */
  url: string;
  close(): Promise<void>;
}

export interface LocalAppOptions extends Pick<AppOptions, 'limits' | 'live' | 'now'> {
  net?: Net;
  locator?: Locator;
  clientDir?: string | null;
  listen?: boolean;
  store?: SqliteOptions;
  /** The data directory (kept on close); a fresh temp dir (removed on close) by default. */
  dir?: string;
}

export async function startLocalApp(o: LocalAppOptions = {}): Promise<LocalApp> {
  const net = o.net ?? loadNet();
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'one-net-'));
  const store = openSqliteStore(dir, o.store);
  const app = await buildApp({ net, store, locator: o.locator, clientDir: o.clientDir ?? null, now: o.now, limits: o.limits, live: o.live });
  let url = '';
  if (o.listen !== false) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  }
  return {
    app, net, store, dir, url,
    async close() {
      await app.close();
      store.close();
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
