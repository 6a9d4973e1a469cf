// The simulator's video gateway drives camera statuses through the public API: cameras go
// down (offline or fault) and come back online, stored and audited like any gateway's report.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCameraSim } from '../server/sim/cameras.ts';
import { injectAs, testApp, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ listen: true, cameras: { count: 400 } });
});
afterAll(() => t.close());

it('takes cameras down and brings them back, through PUT /api/cameras/:id/status', async () => {
  const sim = startCameraSim({ baseUrl: t.url, apiKey: await t.apiKey(), seed: 7, everyMs: 40, downMs: [60, 120], onError: (e) => { throw e; } });
  const end = Date.now() + 20_000;
  while (sim.changes() < 12 && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  sim.stop();
  expect(sim.changes()).toBeGreaterThanOrEqual(12);
  await new Promise((r) => setTimeout(r, 100)); // the last PUT's answer
  const stored = await t.stores.cameras.all();
  expect(stored.length).toBeGreaterThan(2);
  expect(stored.every((r) => r.by.startsWith('key:'))).toBe(true);
  expect(stored.some((r) => r.status === 'online')).toBe(true); // one came back
  const admin = await injectAs(t);
  const audit = (await admin('/api/audit?limit=50')).json() as { items: { kind: string }[] };
  expect(audit.items.filter((e) => e.kind === 'camera.status').length).toBeGreaterThanOrEqual(10);
});
