// Faults of a real deployment: three nodes of server/index.ts behind the shipped HAProxy
// config, on the real PostgreSQL (a schema of this file's own) and Redis (a prefix of its
// own), under a load of reports, `verify` steps and phones' fixes through the balancer.
//  1. kill -9 of the node running the deadline clock: every acknowledged write is stored
//     exactly once, the walls it had reconnect elsewhere within seconds and show what the
//     database holds, and a ticket turning red after the kill still gets its one 督办.
//  2. a node cut off from Redis (its Redis traffic blackholed by a relay: no iptables here):
//     /api/health 503, HAProxy drains it, its walls leave, and no 督办 is given twice.
// Restarts of PostgreSQL and Redis themselves are in cluster.restart.test.ts (they disturb
// every other test on this machine, so they run on their own).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seqOfTicketId } from '../server/domain/ticket.ts';
import { startOfDayCST } from '../server/domain/day.ts';
import { AUTO_SUPERVISE_NOTE } from '../server/loop/deadline-clock.ts';
import { waitFor } from './cluster-harness.ts';
import { report } from './helpers.ts';
import { expectAcknowledgedStoredOnce, openWall, pickItem, ITEM, redisRelay, startLoad, startTestDeployment, timedFetch, type TestDeployment, type Wall } from './cluster-procs.ts';

let d: TestDeployment;
let relays: Awaited<ReturnType<typeof redisRelay>>[] = [];
const walls: Wall[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let killed = -1;

beforeAll(async () => {
  relays = await Promise.all([0, 1, 2].map(() => redisRelay()));
  d = await startTestDeployment('faults', { nodes: 3, redisUrlOf: (i) => relays[i].url });
  await pickItem(d.url, d.auth);
}, 120_000);

afterAll(async () => {
  for (const w of walls) w.s.close();
  await d?.close();
  await Promise.all(relays.map((r) => r.close()));
}, 60_000);

const token = () => d.auth.authorization.slice('Bearer '.length);

/** A registered ticket whose light turns red at `at`: reported and verified through the
 * balancer, then its deadline moved to `at` in the database. The working-day clock would
 * put a real deadline hours away (or after the weekend); the deadline clock only reads the
 * stored instants, so this is the state "a ticket turning red at `at`" exactly. */
async function turningRedAt(at: number): Promise<number> {
  const g = { lon: 119.97, lat: 31.78 };
  const r = await timedFetch(`${d.url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', ...d.auth }, body: JSON.stringify(report(g.lon, g.lat)) });
  expect(r.status).toBe(201);
  const id = (r.body as { id: string }).id;
  const v = await timedFetch(`${d.url}/api/tickets/${id}/actions`, { method: 'POST', headers: { 'content-type': 'application/json', ...d.auth }, body: JSON.stringify({ action: 'verify', item: ITEM, level: 'general' }) });
  expect(v.status).toBe(200);
  const seq = seqOfTicketId(id)!;
  await d.db.query('UPDATE tickets SET yellow_at = $2, deadline_at = $3 WHERE seq = $1', [seq, at - 1000, at]);
  return seq;
}

/** The system's 督办 in each ticket's timeline. */
async function autoSupervisions(seqs: number[]): Promise<number[]> {
  const { rows } = await d.db.query<{ ticket: number; n: number }>(
    "SELECT ticket, count(*)::int AS n FROM timeline WHERE ticket = ANY($1::bigint[]) AND action = 'supervise' AND role = 'system' AND note = $2 GROUP BY ticket", [seqs, AUTO_SUPERVISE_NOTE]);
  return seqs.map((s) => Number(rows.find((r) => Number(r.ticket) === s)?.n ?? 0));
}

describe('kill -9 of one node under load', () => {
  it('loses no acknowledged write, moves its walls and its deadline clock to the others', async () => {
    for (let i = 0; i < 6; i++) walls.push(await openWall(d.url, token()));
    const load = startLoad(d.url, d.auth, { ticketClients: 4, phoneClients: 2 });
    await sleep(4000);
    killed = await d.leaseHolder('deadline-clock');
    expect(killed).toBeGreaterThanOrEqual(0);
    const red = [await turningRedAt(Date.now() + 5000), await turningRedAt(Date.now() + 8000)];
    const killAt = Date.now();
    await d.kill(killed, 'SIGKILL');
    await sleep(8000);
    const res = await load.stop();

    // Nothing hung, nothing crashed: the requests in flight on the killed node failed
    // (502 from the balancer) and their clients retried elsewhere.
    const statuses = Object.fromEntries(res.statuses);
    console.log('kill -9: answers by status', statuses, 'slowest', Math.round(res.maxMs), 'ms;', res.tickets.size, 'tickets,', res.verified.size, 'verified');
    expect(res.statuses.get(-2) ?? 0).toBe(0);
    expect(res.statuses.get(500) ?? 0).toBe(0);
    expect(res.tickets.size).toBeGreaterThan(20);

    const { fixes } = await expectAcknowledgedStoredOnce(d, res);
    expect(fixes).toBeGreaterThan(100);

    // The walls the killed node had were dropped and came back through the balancer.
    const moved = walls.filter((w) => w.disconnects.some((t) => t >= killAt));
    expect(moved.length).toBeGreaterThan(0);
    for (const w of moved) {
      await waitFor(() => (w.s.connected ? true : undefined), 10_000, 'a moved wall to reconnect');
      const gone = w.disconnects.find((t) => t >= killAt)!;
      const back = w.connects.find((t) => t > gone)!;
      console.log(`kill -9: a wall reconnected ${back - gone} ms after losing its node`);
      expect(back - gone).toBeLessThan(10_000);
    }
    // Every wall (moved or not) shows what the database holds: one more report, and each
    // wall's next `stats` covering it counts today's tickets as a SELECT does.
    const last = await timedFetch(`${d.url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', ...d.auth }, body: JSON.stringify(report(119.97, 31.78)) });
    expect(last.status).toBe(201);
    const { rows: [wm] } = await d.db.query<{ w: number }>('SELECT max(seq)::int AS w FROM timeline');
    const { rows: [today] } = await d.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets WHERE created_at >= $1', [startOfDayCST(Date.now())]);
    for (const w of walls) {
      const s = await waitFor(() => w.stats.find((x) => x.watermark >= wm.w), 10_000, 'a stats push covering the last report');
      expect(s.reported).toBe(today.n);
      expect(w.tickets).toContain((last.body as { id: string }).id);
    }

    // The deadline clock went on elsewhere: each ticket turning red after the kill got one 督办.
    await waitFor(async () => ((await autoSupervisions(red)).every((n) => n >= 1) ? true : undefined), 40_000, 'the 督办 of the tickets turning red after the kill');
    expect(await autoSupervisions(red)).toEqual([1, 1]);
    const holder = await d.leaseHolder('deadline-clock');
    expect(holder).toBeGreaterThanOrEqual(0);
    expect(holder).not.toBe(killed);
  }, 120_000);
});

describe('a node cut off from Redis', () => {
  it('answers /api/health 503, is drained by HAProxy, lets its walls go, and never doubles a 督办', async () => {
    expect(killed).toBeGreaterThanOrEqual(0);
    const target = await d.leaseHolder('deadline-clock'); // the clock's holder: the double 督办 risk
    expect(target).toBeGreaterThanOrEqual(0);
    const node = d.nodes[target];
    const cutAt = Date.now() + 1500;
    // Red while the cut-off node may still think it holds the lease, and after it lapsed.
    const red = [await turningRedAt(cutAt + 500), await turningRedAt(cutAt + 2500), await turningRedAt(cutAt + 6000)];
    await sleep(Math.max(0, cutAt - Date.now()));
    const onTarget = walls.filter((w) => w.s.connected);
    relays[target].cut();

    // Its health says so within a few seconds (3 missed PINGs), and the balancer drains it.
    await waitFor(async () => ((await timedFetch(`${node.url}/api/health`, {}, 3000)).status === 503 ? true : undefined), 10_000, 'health 503 on the cut-off node');
    await waitFor(async () => ((await d.haproxy.serverStates())[node.name] === 'DOWN' ? true : undefined), 10_000, 'HAProxy to mark it DOWN');
    // It refuses new walls; the balancer's answers all come from the others.
    await expect(openWall(node.url, token())).rejects.toThrow(/unavailable/);
    for (let i = 0; i < 10; i++) expect((await timedFetch(`${d.url}/api/health`, {}, 3000)).status).toBe(200);
    // Walls it had were closed by it and reconnected through the balancer to the other node.
    for (const w of onTarget) await waitFor(() => (w.s.connected ? true : undefined), 15_000, 'every wall connected again');

    // Each ticket turning red got exactly one 督办, from whichever node held the clock.
    await waitFor(async () => ((await autoSupervisions(red)).every((n) => n >= 1) ? true : undefined), 40_000, 'the 督办 of every red ticket');
    await sleep(3000); // had the cut-off node acted too, its 督办 would be in by now
    expect(await autoSupervisions(red)).toEqual([1, 1, 1]);
    expect(await d.leaseHolder('deadline-clock')).not.toBe(target);

    // Healed: the node takes walls again and HAProxy puts it back by itself.
    relays[target].heal();
    await waitFor(async () => ((await timedFetch(`${node.url}/api/health`, {}, 3000)).status === 200 ? true : undefined), 15_000, 'health 200 again');
    await waitFor(async () => ((await d.haproxy.serverStates())[node.name] === 'UP' ? true : undefined), 10_000, 'HAProxy to mark it UP');
  }, 120_000);
});
