// Shared by the server tests: the real net (loaded once per test file) and an app on it.
import { loadNet } from '../server/net/load.ts';
import { createLocator, type Locator } from '../server/geo/locator.ts';
import type { Grid, Net } from '../server/net/types.ts';
import { startLocalApp, type LocalApp } from '../scripts/local-app.ts';

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
export function testApp(o: { listen?: boolean; clientDir?: string } = {}): Promise<TestApp> {
  const { net, locator } = theNet();
  return startLocalApp({ net, locator, listen: o.listen ?? false, clientDir: o.clientDir });
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
