// The simulator reports through the public HTTP API, where people live, reproducibly; and
// works every report through the loop as dispatchers, handlers and grid workers would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../server/sim/simulator.ts';
import { CATEGORY_CODES, SOURCE_CODES } from '../server/domain/ticket.ts';
import { testApp, theNet, type TestApp } from './helpers.ts';
import { ensureSimAccounts, type SimAccounts } from '../server/sim/accounts.ts';
import { startCitySimulation, type CitySimulation } from '../server/sim/city.ts';
import { candidateItems, drawFate, SHARES, simCatalogue, type Fate } from '../server/sim/plan.ts';
import { mulberry32, subSeed } from '../server/sim/random.ts';
import { createScheduler } from '../server/sim/schedule.ts';
import { loadCatalogue } from '../server/domain/catalogue.ts';
import { loadDepartments } from '../server/domain/departments.ts';
import { defaultWorkClock } from '../server/domain/workclock.ts';
import { hash } from '@node-rs/argon2';

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

// ── The whole loop ─────────────────────────────────────────────────────────────────────
// The city simulation on a server whose clock counts only office hours, SPEED times faster
// than real time, from Monday 09:00 CST (nights, lunch breaks and the weekend are skipped;
// the simulator is told the same clock), so a week of working days passes in a few seconds
// and people's steps (SPEED too) fall in office hours. Every step goes through the HTTP API
// as the account whose job it is.
describe('the city simulation works the whole loop through the API', () => {
  const SPEED = 20_000;
  const T0 = Date.UTC(2026, 10, 23, 1); // Monday 2026-11-23 09:00 CST
  const N = 150;
  const clock = defaultWorkClock;
  let real0 = 0;
  const fakeNow = () => (real0 ? clock.addWorkingMs(T0, (performance.now() - real0) * SPEED) : T0);
  const realMsUntil = (at: number) => clock.workingMsBetween(fakeNow(), at) / SPEED;
  let app: TestApp;
  let accounts: SimAccounts;
  let sim: CitySimulation;
  let consoleUser = '';
  const byConsole = new Set<string>();
  type Entry = Awaited<ReturnType<TestApp['store']['timeline']>>[number];
  const timelines = new Map<number, Entry[]>();
  const records = new Map<number, Awaited<ReturnType<TestApp['store']['get']>>>();
  let afterStop = { rows: 0, requests: 0 };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    app = await testApp({ listen: true, now: fakeNow, sessions: { refreshTtlMs: 365 * 86_400_000 }, rates: { signInsPerMinute: 100_000 }, deadlineClockMs: 200 });
    // A cheap argon2 hash: forty-odd sign-ins at OWASP's cost take seconds of a test's CPU.
    const credentials = { password: 'sim-test-password', passwordHash: await hash('sim-test-password', { memoryCost: 1024, timeCost: 1 }) };
    accounts = await ensureSimAccounts(app.stores.access, app.net, fakeNow(), { credentials });
    real0 = performance.now();
    sim = await startCitySimulation({
      // 20 reports a second: about what this app serves (each takes ~8 requests in its life)
      // without a backlog on a shared two-core machine.
      baseUrl: app.url, net: app.net, accounts, apiKey: await app.apiKey(), ratePerMinute: 1200, seed: 17,
      speed: SPEED, now: fakeNow, realMsUntil, signInsPerMinute: 100_000,
    });
    // A real dispatcher at the console meanwhile: verifies a few reports from the queue
    // before the simulator gets to them (its own verify then meets a 409 and re-plans).
    const desk = await app.as('dispatcher');
    consoleUser = desk.username;
    const cat = loadCatalogue(loadDepartments());
    while (sim.stats().reported < N && performance.now() - real0 < 9000) {
      await sleep(100);
      if (byConsole.size >= 6) continue;
      const q = (await app.app.inject({ url: '/api/queues/to_verify?limit=20', headers: desk.headers })).json() as { items: { ticket: { id: string; version: number; category: string } }[] };
      const t = q.items.find((x) => !byConsole.has(x.ticket.id))?.ticket;
      if (!t) continue;
      const r = await app.app.inject({ method: 'POST', url: `/api/tickets/${t.id}/actions`, headers: desk.headers, payload: { action: 'verify', version: t.version, item: cat.itemForSpineCategory(t.category)!.code, level: 'general' } });
      if (r.statusCode === 200) byConsole.add(t.id);
    }
    sim.reporter.stop();
    // Until nine in ten are done with (the rest wait for late deadlines or a return visit).
    while (performance.now() - real0 < 14_000 && sim.stats().actor.finished < 0.9 * sim.stats().actor.adopted) await sleep(200);
    sim.stop();
    // (The deadline clock's own 督办 go on: they are the server's, not the simulator's.)
    const rows = () => app.stores.db.prepare("SELECT count(*) FROM timeline WHERE role <> 'system'").pluck().get() as number;
    await sleep(300); // requests under way when it stopped
    const before = { rows: rows(), requests: sim.stats().requests.requests };
    await sleep(500);
    afterStop = { rows: rows() - before.rows, requests: sim.stats().requests.requests - before.requests };
    const total = await app.store.total();
    for (let seq = 1; seq <= total; seq++) {
      timelines.set(seq, await app.store.timeline(seq));
      records.set(seq, await app.store.get(seq));
    }
  }, 30_000);
  afterAll(async () => app?.close());

  it('reports ~150 tickets and takes them through every state', () => {
    const s = sim.stats();
    expect(timelines.size).toBeGreaterThan(100);
    expect(s.actor.adopted).toBe(timelines.size);
    const reached = new Set([...timelines.values()].flatMap((es) => es.map((e) => e.to)));
    for (const status of ['reported', 'registered', 'rejected', 'dispatched', 'returned', 'handling', 'feedback', 'closed']) expect(reached, status).toContain(status);
    const closed = [...records.values()].filter((r) => r!.status === 'closed');
    expect(closed.length).toBeGreaterThan(timelines.size / 3);
    expect(closed.some((r) => r!.selfHandled)).toBe(true);
    expect(closed.some((r) => r!.onTime === true) && closed.some((r) => r!.onTime === false)).toBe(true);
  });

  it('takes every kind of step, each by the account whose job it is', () => {
    const actions = new Map<string, number>();
    const wrong: string[] = [];
    const dispatcher = accounts.dispatcher;
    for (const [seq, es] of timelines) {
      const r = records.get(seq)!;
      const worker = accounts.workers[r.gridCode.slice(0, 6)];
      let dept: string | null = null;
      for (const e of es) {
        const d = (e.data ?? {}) as Record<string, unknown>;
        if (e.action === 'verify') dept = (d.suggested as { department: string }).department;
        if (e.action === 'dispatch') dept = d.department as string;
        const handler = dept ? accounts.handlers[dept] : undefined;
        const key = e.action === 'check' ? `check-${d.pass}` : e.action === 'attach' ? `attach-${d.kind}` : e.action;
        actions.set(key, (actions.get(key) ?? 0) + 1);
        if (e.actor === consoleUser) continue;
        const ok = (role: string, actor: string | undefined) => e.role === role && e.actor === actor;
        const right = (() => {
          switch (e.action) {
            case 'report': return r.source === 'patrol' ? ok('worker', `account:${worker}`) : r.source === 'hotline' ? ok('dispatcher', `account:${dispatcher}`) : e.role === 'integration';
            case 'verify': case 'reject': case 'dispatch': case 'approve_extension': case 'deny_extension': case 'remind': case 'escalate': case 'reopen':
              return ok('dispatcher', dispatcher);
            case 'supervise': return ok('dispatcher', dispatcher) || ok('system', 'system');
            case 'accept': case 'return': case 'request_extension': case 'feedback': return ok('handler', handler);
            case 'attach': return ok('worker', worker) || (d.kind === 'after' && ok('handler', handler));
            case 'check': return ok('worker', worker) || ok('dispatcher', dispatcher);
            case 'self_handle': return ok('worker', worker);
            case 'rate': return ok('dispatcher', dispatcher) || e.role === 'integration';
            default: return false;
          }
        })();
        if (!right) wrong.push(`${seq} ${e.action} by ${e.role} ${e.actor}`);
      }
    }
    expect(wrong).toEqual([]);
    const kinds = ['report', 'verify', 'reject', 'dispatch', 'accept', 'return', 'request_extension', 'remind', 'supervise', 'escalate', 'feedback',
      'check-true', 'check-false', 'self_handle', 'attach-before', 'attach-after', 'rate', 'reopen'];
    for (const k of kinds) expect(actions.get(k) ?? 0, k).toBeGreaterThan(0);
    expect((actions.get('approve_extension') ?? 0) + (actions.get('deny_extension') ?? 0)).toBeGreaterThan(0);
    // The deadline clock's automatic 督办 on overdue cases, and the simulator's own.
    const supervisors = new Set([...timelines.values()].flatMap((es) => es.filter((e) => e.action === 'supervise').map((e) => e.role)));
    expect(supervisors).toEqual(new Set(['system', 'dispatcher']));
  });

  it('shows all three lights, and tickets verified both within their limit and late', () => {
    const { lights } = sim.stats().actor;
    expect(lights.green).toBeGreaterThan(0);
    expect(lights.yellow).toBeGreaterThan(0);
    expect(lights.red).toBeGreaterThan(0);
    // The verification limit of the item the report's category maps onto (as the server's light).
    const cat = loadCatalogue(loadDepartments());
    let inTime = 0, verified = 0;
    for (const [seq, es] of timelines) {
      const v = es.find((e) => e.action === 'verify' || e.action === 'reject');
      if (!v || v.actor === consoleUser) continue;
      verified++;
      if (clock.workingMsBetween(es[0].at, v.at) <= cat.itemForSpineCategory(records.get(seq)!.category)!.limits.general.verify * 3_600_000) inTime++;
    }
    // How many make it in time depends on how fast this machine answers at the test's
    // compressed speed (most do on a quiet machine, ~40 % on a loaded one): both kinds occur.
    expect(inTime).toBeGreaterThan(0);
    expect(inTime).toBeLessThan(verified);
  });

  it('sends only authorized, well-formed requests, at most 8 at a time', () => {
    const { requests } = sim.stats();
    expect(requests.problems).toEqual([]);
    for (const status of Object.keys(requests.byStatus)) expect(['200', '201', '409'], `status ${status}`).toContain(status);
    expect(requests.peakInFlight).toBeLessThanOrEqual(8);
    expect(sim.scheduler.peakRunning()).toBeLessThanOrEqual(8);
    expect(requests.requests).toBeGreaterThan(timelines.size * 4);
  });

  it('re-reads and re-plans a ticket someone else moved (409), and carries on with it', () => {
    expect(sim.stats().actor.conflicts).toBeGreaterThan(0);
    expect(byConsole.size).toBeGreaterThan(0);
    const carriedOn = [...byConsole].filter((id) => {
      const es = timelines.get(Number(id.slice(1)))!;
      const i = es.findIndex((e) => e.actor === consoleUser);
      return es.slice(i + 1).some((e) => e.action === 'dispatch' && e.actor === accounts.dispatcher);
    });
    expect(carriedOn.length).toBeGreaterThan(0);
  });

  it('stops everything on stop()', () => {
    expect(afterStop).toEqual({ rows: 0, requests: 0 });
    expect(sim.scheduler.pending()).toBe(0);
  });

  it('follows at most maxTickets at once, letting the oldest go', async () => {
    const small = await startCitySimulation({
      baseUrl: app.url, net: app.net, accounts, apiKey: await app.apiKey(), ratePerMinute: 6000, seed: 8,
      speed: SPEED, now: fakeNow, realMsUntil, signInsPerMinute: 100_000, maxTickets: 20,
    });
    await new Promise((r) => setTimeout(r, 1000));
    small.stop();
    const s = small.stats().actor;
    expect(s.following).toBeLessThanOrEqual(20);
    expect(s.dropped.capacity).toBeGreaterThan(0);
    expect(small.stats().requests.problems).toEqual([]);
  });
});

describe('the simulated people decide by the seed', () => {
  const cat = simCatalogue(loadCatalogue(loadDepartments()).items);
  const fates = (seed: number) => Array.from({ length: 4000 }, (_, n) => drawFate(mulberry32(subSeed(seed, n)), { category: CATEGORY_CODES[n % 12], source: n % 3 ? 'patrol' : 'hotline' }, cat, 'T0000000001'));

  it('draws the same fates from the same seed, others from another, in the shares planned', () => {
    const a = fates(11);
    expect(fates(11)).toEqual(a);
    expect(fates(12)).not.toEqual(a);
    const share = (f: (x: Fate) => boolean) => a.filter(f).length / a.length;
    expect(share((x) => x.reject !== null)).toBeCloseTo(SHARES.reject, 1);
    expect(share((x) => x.selfHandle)).toBeGreaterThan(0.05);
    expect(share((x) => x.level === 'general')).toBeGreaterThan(0.8);
    expect(share((x) => x.returns)).toBeCloseTo(SHARES.returns, 1);
  });

  it("registers each category as an item of the catalogue category its catch-all names", () => {
    const full = loadCatalogue(loadDepartments());
    for (const c of CATEGORY_CODES) {
      const catchAll = full.itemForSpineCategory(c)!;
      const items = candidateItems(cat, c);
      expect(items.map((i) => i.code), c).toContain(catchAll.code);
      expect(items.every((i) => i.category === catchAll.category), c).toBe(true);
      expect(items.length, c).toBeGreaterThan(1);
    }
  });
});

describe('the scheduler', () => {
  it('runs jobs in time order, never more than maxInFlight at once, skipping those no longer live', async () => {
    const s = createScheduler({ maxInFlight: 3 });
    const order: number[] = [];
    let running = 0, peak = 0;
    for (let i = 0; i < 12; i++) {
      s.after(60 - i * 5, async () => {
        peak = Math.max(peak, ++running);
        order.push(i);
        await new Promise((r) => setTimeout(r, 15));
        running--;
      }, () => i !== 5);
    }
    for (const end = Date.now() + 5000; order.length < 11 && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
    expect(peak).toBe(3);
    expect(order).toEqual([11, 10, 9, 8, 7, 6, 4, 3, 2, 1, 0]);
    expect(s.peakRunning()).toBe(3);
    s.stop();
  });
});
