// What two nodes share through the real Redis for signing in: the token secret (a sign-in
// on node A is good on node B), the sign-in rate limit and the failed-sign-in lockout
// (counted for the deployment, not per node); and what a node that lost Redis answers:
// 503 from /api/health and from sign-in, never a hang, and no new walls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { startNodes, type Nodes } from './cluster-harness.ts';
import { TEST_PASSWORD } from '../scripts/local-app.ts';
import { UNAVAILABLE } from '../server/cluster/live.ts';

// Three deployments of two nodes: the limits count every sign-in from this address (all
// tests come from 127.0.0.1), so each limit is tried on its own.
let c: Nodes, limited: Nodes, locking: Nodes;
let A: string, B: string;
beforeAll(async () => {
  c = await startNodes('auth', 2);
  limited = await startNodes('auth-rate', 2, { rates: { signInsPerMinute: 4 }, lockout: { free: 1000 } });
  locking = await startNodes('auth-lockout', 2, { rates: { signInsPerMinute: 1000 }, lockout: { free: 2, baseMs: 60_000 } });
  [A, B] = c.nodes.map((n) => n.url);
});
afterAll(async () => {
  for (const x of [c, limited, locking]) await x?.close();
});

const login = (url: string, username: string, password: string) =>
  fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

describe('two nodes sign in as one', () => {
  it('a token signed in on node A is accepted by node B (one secret, made once in Redis)', async () => {
    const who = await c.as('dispatcher');
    const r = await login(A, who.username, TEST_PASSWORD);
    expect(r.status).toBe(200);
    const { token } = await r.json();
    const me = await fetch(`${B}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    const tickets = await fetch(`${B}/api/tickets?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(tickets.status).toBe(200);
  });

  it('counts sign-ins per minute across both nodes', async () => {
    // 4 a minute for the deployment: 2 on A and 2 on B pass the limit, the 5th is refused on either.
    const [a, b] = limited.nodes.map((n) => n.url);
    const statuses: number[] = [];
    for (const url of [a, b, a, b, a, b]) statuses.push((await login(url, 'nobody-at-all', 'wrong')).status);
    expect(statuses.slice(0, 4).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(4)).toEqual([429, 429]);
  });

  it('locks a username out after failures on either node', async () => {
    const who = await locking.as('dispatcher');
    const [a, b] = locking.nodes.map((n) => n.url);
    // free: 2 failures, the third locks: spread over both nodes.
    expect((await login(a, who.username, 'wrong')).status).toBe(401);
    expect((await login(b, who.username, 'wrong')).status).toBe(401);
    expect((await login(a, who.username, 'wrong')).status).toBe(401);
    const r = await login(b, who.username, TEST_PASSWORD); // even the right password waits
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('a node that lost Redis', () => {
  it('says so on /api/health (503), answers 503 to sign-in at once, refuses new walls; the other node carries on', async () => {
    const who = await c.as('dispatcher');
    expect((await (await fetch(`${A}/api/health`)).json()).redis).toBe('ok');
    const before = connect(A, { auth: { token: who.token }, transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((r) => before.once('connect', () => r()));
    const sentAway = new Promise<string>((r) => before.once('disconnect', r));
    c.nodes[0].cluster.link.commands.disconnect(); // partition: node A's commands connection is gone
    // A wall it had is let go as by a network blip, so it reconnects (through the balancer) elsewhere.
    expect(await sentAway).toBe('transport close');
    before.close();
    const health = await fetch(`${A}/api/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unavailable', redis: 'down' });
    const t0 = performance.now();
    const r = await login(A, who.username, TEST_PASSWORD);
    expect(r.status).toBe(503);
    expect((await r.json()).message).toMatch(/Redis/);
    expect(performance.now() - t0).toBeLessThan(3000);
    const wall = connect(A, { auth: { token: who.token }, transports: ['websocket'], forceNew: true, reconnection: false });
    const err = await new Promise<Error>((resolve) => wall.once('connect_error', resolve));
    wall.close();
    expect(err.message).toBe(UNAVAILABLE);
    // Node B is unaffected.
    expect((await fetch(`${B}/api/health`)).status).toBe(200);
    expect((await login(B, who.username, TEST_PASSWORD)).status).toBe(200);
  });
});
