// Once per deployment (server/cluster/lease.ts, singleton.ts) against the real Redis: of
// two contenders one runs the work; cut the holder off from Redis and its work stops within
// the lease, the other takes over with a larger fencing token, and the old holder's fence
// refuses to act. And the deadline clock, run twice over the same tickets (a takeover
// mid-way), gives one 督办, not two.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectRedis, type RedisLink } from '../server/cluster/redis.ts';
import { FencedOut, Lease } from '../server/cluster/lease.ts';
import { redisSingletons, type Fence, type Singletons } from '../server/cluster/singleton.ts';
import { dropKeys, REDIS_URL, startNodes, testPrefix, waitFor } from './cluster-harness.ts';
import { gridOf, report, theNet } from './helpers.ts';
import { AUTO_SUPERVISE_NOTE } from '../server/loop/deadline-clock.ts';
import { defaultWorkClock } from '../server/domain/workclock.ts';

const prefix = testPrefix('lease');
const open: { links: RedisLink[]; singletons: Singletons[] } = { links: [], singletons: [] };
async function link() {
  const l = await connectRedis(REDIS_URL, { prefix, pingMs: 200 });
  open.links.push(l);
  return l;
}
afterEach(async () => {
  for (const s of open.singletons.splice(0)) await s.close();
  for (const l of open.links.splice(0)) await l.close().catch(() => {});
});
afterAll(async () => {
  const l = await connectRedis(REDIS_URL);
  await dropKeys(l, prefix);
  await l.close();
});

describe('a lease', () => {
  it('has one holder; compare-and-extend and compare-and-delete touch only its own holding', async () => {
    const [a, b] = [await link(), await link()];
    const la = new Lease(a.commands, 'l1', a.nodeId, 1000, prefix);
    const lb = new Lease(b.commands, 'l1', b.nodeId, 1000, prefix);
    const ta = await la.acquire();
    expect(ta).toBeGreaterThan(0);
    expect(await lb.acquire()).toBe(0);
    expect(await lb.renew()).toBe(false);
    await lb.release(); // not its own: nothing happens
    expect(await la.renew()).toBe(true);
    await la.check();
    await la.release();
    const tb = await lb.acquire();
    expect(tb).toBeGreaterThan(ta);
    await expect(la.check()).rejects.toBeInstanceOf(FencedOut);
  });
});

describe('runOnce on two nodes', () => {
  it('runs the work on one node; a holder cut off from Redis stops within the lease, the other takes over, the old fence refuses', async () => {
    const ttlMs = 1500;
    const links = [await link(), await link()];
    const running: { node: number; token: number; stopped?: number; fence: Fence }[] = [];
    for (const [node, l] of links.entries()) {
      const s = redisSingletons(l, { ttlMs });
      open.singletons.push(s);
      s.runOnce('work', (fence) => {
        const entry: (typeof running)[number] = { node, token: fence.token, fence };
        running.push(entry);
        return () => void (entry.stopped = performance.now());
      });
    }
    await waitFor(() => (running.length ? true : undefined), 3000, 'a holder');
    await new Promise((r) => setTimeout(r, ttlMs)); // several renewals: still one holder
    expect(running).toHaveLength(1);
    const first = running[0];
    await first.fence.check();

    // Partition: the holder's connection to Redis is gone (and stays gone).
    const cutAt = performance.now();
    links[first.node].commands.disconnect();
    const second = await waitFor(() => running.find((r) => r !== first), ttlMs * 3, 'the takeover');
    expect(second.node).not.toBe(first.node);
    expect(second.token).toBeGreaterThan(first.token);
    // The old holder had stopped within the lease, before the other could start.
    expect(first.stopped).toBeDefined();
    expect(first.stopped! - cutAt).toBeLessThanOrEqual(ttlMs);
    expect(first.fence.valid()).toBe(false);
    await expect(first.fence.check()).rejects.toBeInstanceOf(FencedOut);
    await second.fence.check();
  });

  it('a node that stops its work lets the other take it at once (release), not after the lease', async () => {
    const links = [await link(), await link()];
    const started: number[] = [];
    const runs = links.map((l, node) => {
      const s = redisSingletons(l, { ttlMs: 30_000 }); // far longer than the wait below
      open.singletons.push(s);
      return s.runOnce('released', () => (started.push(node), () => {}));
    });
    await waitFor(() => (started.length ? true : undefined), 3000, 'a holder');
    const holder = started[0];
    await runs[holder].stop();
    await waitFor(() => (started.length === 2 ? true : undefined), 2000, 'the other node');
    expect(started[1]).toBe(1 - holder);
  });
});

describe('the deadline clock on two nodes', () => {
  it('gives one 督办 for a red light even when a second node runs over the same events', async () => {
    const T0 = Date.UTC(2026, 10, 23, 1); // Monday 09:00 CST
    let clock = T0;
    const c = await startNodes('deadline', 2, { now: () => clock });
    try {
      const dispatcher = await c.as('dispatcher');
      const [A, B] = c.nodes.map((n) => n.app);
      const g = gridOf(theNet().net, '320402');
      const items = (await A.inject({ url: '/api/catalogue', headers: dispatcher.headers })).json().items as { code: string; selfHandle: boolean; limits: { general: Record<string, number> } }[];
      const item = items.find((i) => !i.selfHandle)!;
      const id = (await A.inject({ method: 'POST', url: '/api/tickets', payload: report(g.label[0], g.label[1]), headers: dispatcher.headers })).json().id;
      const v = await A.inject({ method: 'POST', url: `/api/tickets/${id}/actions`, payload: { action: 'verify', item: item.code, level: 'general' }, headers: dispatcher.headers });
      expect(v.statusCode, v.body).toBe(200);
      const deadline = Date.parse(v.json().ticket.deadline);
      expect(deadline).toBe(defaultWorkClock.addWorkingMs(T0, (item.limits.general.dispatch + item.limits.general.accept + item.limits.general.handle + item.limits.general.check) * 3_600_000));
      clock = deadline + 1;
      expect((await A.deadlineClock.tick()).supervised).toBe(1);
      // Node A gave the 督办 and was cut off before it stored its mark: node B takes over
      // from the mark it finds, the one before the red light.
      await c.stores.tickets.setJobMark('deadline-clock', { at: T0, seq: 0 });
      expect(await B.deadlineClock.tick()).toEqual({ changed: expect.any(Number), supervised: 0 });
      // And two nodes ticking at once.
      await c.stores.tickets.setJobMark('deadline-clock', { at: T0, seq: 0 });
      const both = await Promise.all([A.deadlineClock.tick(), B.deadlineClock.tick()]);
      expect(both.map((r) => r.supervised)).toEqual([0, 0]);
      const tl = (await B.inject({ url: `/api/tickets/${id}/timeline`, headers: dispatcher.headers })).json();
      const events = (Array.isArray(tl) ? tl : tl.timeline ?? tl.events ?? tl.items) as { action: string; note?: string }[];
      expect(events.filter((e) => e.action === 'supervise')).toHaveLength(1);
      expect(events.find((e) => e.action === 'supervise')?.note).toBe(AUTO_SUPERVISE_NOTE);
    } finally {
      await c.close();
    }
  });
});
