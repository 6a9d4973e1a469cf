// The simulator reports through the public HTTP API, where people live, reproducibly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../server/sim/simulator.ts';
import { CATEGORY_CODES, SOURCE_CODES } from '../server/domain/ticket.ts';
import { testApp, theNet, type TestApp } from './helpers.ts';

let t: TestApp;
let url: string;
let apiKey: string;
beforeAll(async () => {
  t = await testApp({ listen: true });
  url = t.url;
  apiKey = await t.apiKey();
});
afterAll(async () => t.close());

describe('the city simulator', () => {
  it('sends valid reports through POST /api/tickets, every one inside a grid', async () => {
    const sim = createSimulator({ baseUrl: url, apiKey, net: theNet().net, ratePerMinute: 0, seed: 1 });
    const statuses = [];
    for (let i = 0; i < 30; i++) statuses.push(await sim.send());
    expect(statuses.every((s) => s === 201)).toBe(true);
    expect(sim.sent()).toBe(30);
    expect((await t.store.total())).toBe(30);
  });

  it('is reproducible from its seed and draws the whole mix', () => {
    const { net } = theNet();
    const a = createSimulator({ baseUrl: url, apiKey, net, ratePerMinute: 0, seed: 42 });
    const b = createSimulator({ baseUrl: url, apiKey, net, ratePerMinute: 0, seed: 42 });
    const xs = Array.from({ length: 3000 }, () => a.next());
    expect(Array.from({ length: 3000 }, () => b.next())).toEqual(xs);
    expect(new Set(xs.map((x) => x.category))).toEqual(new Set(CATEGORY_CODES));
    expect(new Set(xs.map((x) => x.source))).toEqual(new Set(SOURCE_CODES));
  });

  it('reports where people live: the urban core gets far more per km² than rural 溧阳市', () => {
    const { net, locator } = theNet();
    const sim = createSimulator({ baseUrl: url, apiKey, net, ratePerMinute: 0, seed: 3 });
    const perDistrict = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const r = sim.next();
      const code = locator.gridAt(r.lon, r.lat);
      expect(code, `${r.lon},${r.lat}`).not.toBeNull();
      perDistrict.set(code!.slice(0, 6), (perDistrict.get(code!.slice(0, 6)) ?? 0) + 1);
    }
    const density = (d: string) => (perDistrict.get(d) ?? 0) / net.areas.get(d)!.areaKm2;
    expect(density('320402')).toBeGreaterThan(4 * density('320481'));
    expect(density('320404')).toBeGreaterThan(4 * density('320413'));
  });

  it('runs on its own at the configured rate and stops', async () => {
    const before = (await t.store.total());
    const sim = createSimulator({ baseUrl: url, apiKey, net: theNet().net, ratePerMinute: 600, seed: 9 });
    await new Promise((r) => setTimeout(r, 1500));
    sim.stop();
    await new Promise((r) => setTimeout(r, 200));
    const sent = (await t.store.total()) - before;
    expect(sent).toBeGreaterThan(3); // ~15 expected at 10/s over 1.5 s
    expect(sent).toBeLessThan(60);
    await new Promise((r) => setTimeout(r, 500));
    expect((await t.store.total()) - before).toBe(sent);
  });
});
