// What every Chromium test file starts the same way: the wall built, the app on a loopback
// port serving it on the file's clock, an admin, Debian's chromium; and all of it closed
// after the file (with every browser context a test opened, listed in `contexts`).
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../scripts/chromium.ts';
import { clientDist, ensureClientBuilt } from '../scripts/client-build.ts';
import type { Credentials } from '../scripts/local-app.ts';
import { testApp, type TestApp } from './helpers.ts';

export interface E2e {
  t: TestApp;
  browser: Browser;
  admin: Credentials;
  contexts: BrowserContext[];
}

/** Registers the file's beforeAll/afterAll; the fields are set once beforeAll has run. */
export function e2eHarness(now: () => number): E2e {
  const e = { contexts: [] } as unknown as E2e;
  beforeAll(async () => {
    ensureClientBuilt();
    e.t = await testApp({ listen: true, clientDir: clientDist, now });
    e.admin = await e.t.as('admin');
    e.browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    for (const c of e.contexts) await c.close().catch(() => {});
    await e.browser?.close();
    await e.t?.close();
  });
  return e;
}
