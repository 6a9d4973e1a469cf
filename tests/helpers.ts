// Shared by the server tests: the real net (loaded once per test file), a fresh
// store in a temp dir, an app built on them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNet } from '../server/net/load.ts';
import { createLocator, type Locator } from '../server/geo/locator.ts';
import { openSqliteStore } from '../server/store/sqlite.ts';
import { buildApp, type App } from '../server/app.ts';
import type { Grid, Net } from '../server/net/types.ts';
import type { TicketStore } from '../server/store/types.ts';

let shared: { net: Net; locator: Locator } | undefined;
export function theNet() {
  if (!shared) {
    const net = loadNet();
    shared = { net, locator: createLocator(net) };
  }
  return shared;
}

export interface TestApp {
  app: App;
  store: TicketStore;
  dir: string;
  close(): Promise<void>;
}

export async function testApp(opts: { now?: () => number } = {}): Promise<TestApp> {
  const { net, locator } = theNet();
  const dir = mkdtempSync(join(tmpdir(), 'one-net-'));
  const store = openSqliteStore(dir);
  const app = await buildApp({ net, store, locator, clientDir: null, now: opts.now });
  return {
    app, store, dir,
    async close() {
      await app.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
