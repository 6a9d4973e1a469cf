// The simulated grid phones in the city simulation: a patrol finding is reported by a phone
// walking in its grid, where it stands, with the phone's own device token (the worker's panel
// counts it); an on-site check is pushed to the nearest online phone (assign, 智能推送), which
// heads for the place. Everything through the HTTP API, like real phones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hash } from '@node-rs/argon2';
import { testApp, theNet, type TestApp } from './helpers.ts';
import { ensureSimAccounts } from '../server/sim/accounts.ts';
import { startCitySimulation, type CitySimulation } from '../server/sim/city.ts';
import { phoneSecret, simPhones, startPhoneSim, type PhoneSim, type SimPhone } from '../server/sim/phones.ts';
import { defaultWorkClock } from '../server/domain/workclock.ts';

const SPEED = 20_000;
const T0 = Date.UTC(2026, 10, 23, 2); // Monday 2026-11-23 10:00 CST: the phones are out
const clock = defaultWorkClock;
let real0 = 0;
const fakeNow = () => (real0 ? clock.addWorkingMs(T0, (performance.now() - real0) * SPEED) : T0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('simulated grid phones report where they stand and take pushed checks', () => {
  let app: TestApp;
  let devices: SimPhone[];
  let phones: PhoneSim;
  let sim: CitySimulation;
  const goneTo: { id: string; lon: number; lat: number }[] = [];

  beforeAll(async () => {
    app = await testApp({ listen: true, now: fakeNow, sessions: { refreshTtlMs: 365 * 86_400_000 }, rates: { signInsPerMinute: 100_000 },
      // Hours of the server's day pass in a real second here: a phone stays online between its fixes.
      patrol: { offlineAfterMs: 30 * 86_400_000 } });
    const credentials = { password: 'sim-test-password', passwordHash: await hash('sim-test-password', { memoryCost: 1024, timeCost: 1 }) };
    const accounts = await ensureSimAccounts(app.stores.access, app.net, fakeNow(), { credentials });
    // Every phone of 天宁区 (320402): enough phones per grid that most patrol findings there have one.
    const all = await simPhones(app.stores.access, app.net, phoneSecret({ dataDir: app.dir }), fakeNow());
    devices = all.filter((p) => p.grid.code.startsWith('320402'));
    const { locator } = theNet();
    phones = startPhoneSim({ baseUrl: app.url, phones: devices, gridAt: (lon, lat) => locator.gridAt(lon, lat), clock, now: fakeNow, seed: 5, droppedShare: 0 });
    const goTo = phones.goTo.bind(phones);
    const spy: Pick<PhoneSim, 'standingIn' | 'goTo'> = {
      standingIn: (g) => phones.standingIn(g),
      goTo: (id, lon, lat) => (goneTo.push({ id, lon, lat }), goTo(id, lon, lat)),
    };
    await sleep(5500); // every phone has sent a fix: they are online on the server
    real0 = performance.now();
    sim = await startCitySimulation({
      baseUrl: app.url, net: app.net, accounts, apiKey: await app.apiKey(), ratePerMinute: 1200, seed: 23,
      speed: SPEED, now: fakeNow, realMsUntil: (at) => clock.workingMsBetween(fakeNow(), at) / SPEED, signInsPerMinute: 100_000,
      phones: { sim: spy, devices },
    });
    // Until a check was pushed and phones reported a few (天宁区 gets about a tenth of the city's reports).
    const byPhones = () => sim.stats().requests.bySteps['phone report 201'] ?? 0;
    while (performance.now() - real0 < 25_000 && (goneTo.length < 1 || byPhones() < 3)) await sleep(200);
    if (process.env.DEBUG_SIM) console.log(JSON.stringify(sim.stats().requests.bySteps), sim.stats().requests.problems.slice(0, 10), phones.stats(), goneTo.length, sim.stats().actor);
    sim.stop();
    phones.stop();
  }, 40_000);
  afterAll(async () => {
    sim?.stop();
    phones?.stop();
    await app?.close();
  });

  it('reports a patrol finding in 天宁区 as the phone walking in that grid, at its place, counted on its worker', async () => {
    const ours = new Map(devices.map((d) => [d.id, d]));
    const total = await app.store.total();
    let byPhone = 0;
    for (let seq = 1; seq <= total; seq++) {
      const r = (await app.store.get(seq))!;
      const id = r.reportedBy?.startsWith('device:') ? r.reportedBy.slice(7) : null;
      if (!id) continue;
      byPhone++;
      expect(r.source).toBe('patrol');
      expect(ours.get(id)?.grid.code, `${r.reportedBy} reported in ${r.gridCode}`).toBe(r.gridCode);
      const [report] = await app.store.timeline(seq);
      expect(report).toMatchObject({ action: 'report', role: 'worker' });
    }
    expect(byPhone).toBeGreaterThanOrEqual(3);
    // The worker's panel (the device's day) counts what the phone reported.
    const admin = await app.as('admin');
    const some = (await app.store.list({ limit: 500 })).find((r) => r.reportedBy?.startsWith('device:'))!;
    const around = (d: number) => new Date(some.createdAt + d).toISOString();
    const track = (await app.app.inject({ url: `/api/devices/${some.reportedBy!.slice(7)}/track?from=${around(-3600_000)}&to=${around(3600_000)}`, headers: admin.headers })).json() as { reported: number };
    expect(track.reported).toBeGreaterThan(0);
  });

  it('pushes on-site checks to the nearest online phone (assign) and sends that phone to the place', async () => {
    expect(goneTo.length).toBeGreaterThan(0);
    const steps = sim.stats().actor.steps;
    expect(steps.assign ?? 0).toBe(goneTo.length);
    for (const g of goneTo) {
      const assigned = (await app.store.list({ assignee: g.id, limit: 10 }));
      expect(assigned.length, g.id).toBeGreaterThan(0);
      // The phone is sent to the ticket's own place.
      expect(assigned.some((r) => Math.abs(r.lon - g.lon) < 1e-9 && Math.abs(r.lat - g.lat) < 1e-9)).toBe(true);
    }
  });

  it('refuses a device token sent as another device, and a phone acting outside its grid', async () => {
    const [a, b] = devices;
    const wrong = await app.app.inject({ method: 'POST', url: '/api/tickets', headers: { 'x-device-id': b.id, authorization: `Bearer ${a.token}` }, payload: { lon: a.grid.label[0], lat: a.grid.label[1], category: 'street_order', source: 'patrol', description: '测试' } });
    expect(wrong.statusCode).toBe(401);
    const other = devices.find((d) => d.grid.code !== a.grid.code)!;
    const outside = await app.app.inject({ method: 'POST', url: '/api/tickets', headers: { 'x-device-id': a.id, authorization: `Bearer ${a.token}` }, payload: { lon: other.grid.label[0], lat: other.grid.label[1], category: 'street_order', source: 'patrol', description: '测试' } });
    expect(outside.statusCode).toBe(403);
    // A phone reports in its own grid; it is its grid's worker, not a dispatcher: it cannot register it.
    const own = await app.app.inject({ method: 'POST', url: '/api/tickets', headers: { 'x-device-id': a.id, authorization: `Bearer ${a.token}` }, payload: { lon: a.grid.label[0], lat: a.grid.label[1], category: 'street_order', source: 'patrol', description: '店外经营占用人行道' } });
    expect(own.statusCode).toBe(201);
    const mine = own.json() as { id: string; version: number };
    expect((await app.store.get(Number(mine.id.slice(1))))!.reportedBy).toBe(`device:${a.id}`);
    const verify = await app.app.inject({ method: 'POST', url: `/api/tickets/${mine.id}/actions`, headers: { 'x-device-id': a.id, authorization: `Bearer ${a.token}` }, payload: { action: 'verify', version: mine.version, item: 'JM-99-001', level: 'general' } });
    expect(verify.statusCode).toBe(403);
  });
});
