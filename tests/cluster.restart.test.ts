// PostgreSQL and then Redis restarted under load, behind the balancer: requests fail cleanly
// (503 or a refused connection the client retries; never a hang past a few seconds, never a
// node that crashes), the nodes recover by themselves, and nothing acknowledged is lost.
//
// This restarts the machine's shared PostgreSQL and Redis: every other test using them at
// the same time sees the restart (and Redis comes back empty). Run it on its own:
//   npx vitest run tests/cluster.restart.test.ts
// afterAll starts both again if they are not running, whatever happened.
import { readdirSync } from 'node:fs';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './cluster-harness.ts';
import { report } from './helpers.ts';
import { expectAcknowledgedStoredOnce, openWall, pickItem, startLoad, startTestDeployment, timedFetch, type LoadResult, type TestDeployment, type Wall } from './cluster-procs.ts';

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe', timeout: 60_000 }).toString();
// Asynchronous where the load must keep flowing while the command runs (a synchronous call
// would stop this process's event loop, and with it the load generator and the walls).
const runAsync = async (cmd: string, args: string[]) => (await promisify(execFile)(cmd, args, { timeout: 60_000 })).stdout;
const pgUp = () => { try { run('pg_isready', ['-h', '127.0.0.1', '-p', '5432']); return true; } catch { return false; } };
const redisUp = () => { try { return run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'ping']).trim() === 'PONG'; } catch { return false; } };
const startRedis = () => run('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let d: TestDeployment;
let wall: Wall;

/** Every node answers its health 200 (and the balancer has them UP). */
async function allRecovered(ms: number): Promise<number> {
  const t0 = Date.now();
  await waitFor(async () => {
    const answers = await Promise.all(d.nodes.map((n) => timedFetch(`${n.url}/api/health`, {}, 3000)));
    return answers.every((a) => a.status === 200) ? true : undefined;
  }, ms, 'every node healthy again');
  await waitFor(async () => (Object.values(await d.haproxy.serverStates()).every((s) => s === 'UP') ? true : undefined), ms, 'HAProxy: every node UP');
  return Date.now() - t0;
}

function expectCleanFailures(res: LoadResult, what: string) {
  const statuses = Object.fromEntries(res.statuses);
  console.log(`${what}: answers by status`, statuses, 'slowest', Math.round(res.maxMs), 'ms;', res.tickets.size, 'tickets,', res.verified.size, 'verified');
  // -2: no answer within 8 s. 500: a failure the server did not account for.
  expect(res.statuses.get(-2) ?? 0).toBe(0);
  expect(res.statuses.get(500) ?? 0).toBe(0);
  for (const s of res.statuses.keys()) expect([-1, 200, 201, 502, 503, 504], `status ${s}`).toContain(s);
  expect(res.maxMs).toBeLessThan(8000);
}

const nodesAlive = () => d.nodes.every((n) => n.proc && n.proc.exitCode === null && n.proc.signalCode === null);

/** The machine's PostgreSQL cluster version (as .ci/run starts it: `ls /etc/postgresql`). */
const PG_VERSION = (() => {
  try {
    return readdirSync('/etc/postgresql').sort((a, b) => Number(b) - Number(a))[0] ?? '15';
  } catch {
    return '15';
  }
})();

describe.runIf(process.env.CLUSTER_RESTART_TESTS === '1')('PostgreSQL, then Redis, restarted under load', () => {
  beforeAll(async () => {
    d = await startTestDeployment('restart', { nodes: 2 });
    await pickItem(d.url, d.auth);
    wall = await openWall(d.url, d.auth.authorization.slice('Bearer '.length));
  }, 120_000);

  afterAll(async () => {
    // Both services running again, even if the test failed half-way.
    if (!pgUp()) run('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION, 'main', 'start']);
    if (!redisUp()) startRedis();
    await waitFor(() => (pgUp() && redisUp() ? true : undefined), 30_000, 'PostgreSQL and Redis up again');
    wall?.s.close();
    await d?.close();
  }, 90_000);

  it('fails cleanly, recovers by itself and loses nothing acknowledged', async () => {
    const load = startLoad(d.url, d.auth, { ticketClients: 3, phoneClients: 2 });
    await sleep(3000);

    // PostgreSQL: a fast shutdown (connections terminated) and a start.
    const pgAt = Date.now();
    await runAsync('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION, 'main', 'restart']);
    console.log(`PostgreSQL restarted in ${Date.now() - pgAt} ms`);
    console.log(`PostgreSQL: nodes healthy again ${await allRecovered(30_000)} ms after the restart returned`);
    expect(nodesAlive()).toBe(true);
    await sleep(2000);

    // Redis: gone without saving (it comes back empty), a few seconds, then back.
    await runAsync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'SHUTDOWN', 'NOSAVE']).catch(() => ''); // it answers by closing
    const redisAt = Date.now();
    await waitFor(async () => (Object.values(await d.haproxy.serverStates()).every((s) => s === 'DOWN') ? true : undefined), 10_000, 'HAProxy: every node drained without Redis');
    const down = await timedFetch(`${d.url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', ...d.auth }, body: JSON.stringify(report(119.97, 31.78)) }, 5000);
    expect(down.status).toBe(503); // the balancer, at once: no node may take it
    await runAsync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no']);
    console.log(`Redis was down ${Date.now() - redisAt} ms`);
    console.log(`Redis: nodes healthy again ${await allRecovered(30_000)} ms after it came back`);
    expect(nodesAlive()).toBe(true);
    await sleep(3000); // the load goes on through the recovered nodes
    const res = await load.stop();
    expectCleanFailures(res, 'restarts');
    expect(nodesAlive()).toBe(true);

    const stored = await expectAcknowledgedStoredOnce(d, res);
    console.log('restarts: acknowledged and stored once:', stored);
    expect(stored.tickets).toBeGreaterThan(10);

    // The live feed is back: the wall (reconnected by itself) gets a new report.
    await waitFor(() => (wall.s.connected ? true : undefined), 20_000, 'the wall connected again');
    const t = await timedFetch(`${d.url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', ...d.auth }, body: JSON.stringify(report(119.97, 31.78)) });
    expect(t.status).toBe(201);
    await waitFor(() => (wall.tickets.includes((t.body as { id: string }).id) ? true : undefined), 10_000, 'the new report on the wall');
  }, 150_000);
});
