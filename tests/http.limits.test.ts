// Idle connections cannot use up the server: a flood of them is culled, each one times
// out on its own, and health checks and connected walls go on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect as tcp, type Socket as TcpSocket } from 'node:net';
import { get } from 'node:http';
import { io as connect, type Socket } from 'socket.io-client';
import { testApp, type TestApp } from './helpers.ts';

let t: TestApp;
let port: number;
const open: TcpSocket[] = [];
beforeAll(async () => {
  t = await testApp({ listen: true, limits: { maxConnections: 400, cullAt: 300, headersTimeoutMs: 1500, checkIntervalMs: 250, keepAliveTimeoutMs: 1000 } });
  port = Number(new URL(t.url).port);
});
afterAll(async () => {
  for (const s of open) s.destroy();
  await t.close();
});

/** `n` TCP connections that never send a byte; resolves once all are connected. */
async function idle(n: number): Promise<TcpSocket[]> {
  const socks = await Promise.all(Array.from({ length: n }, () => new Promise<TcpSocket>((resolve) => {
    const s = tcp({ host: '127.0.0.1', port });
    s.on('error', () => {});
    // Reading (it never writes): a socket left paused may not notice the server closing it,
    // and would count as alive when it is not.
    s.resume();
    s.once('connect', () => resolve(s));
    s.once('close', () => resolve(s));
  })));
  open.push(...socks);
  return socks;
}

const alive = (socks: TcpSocket[]) => socks.filter((s) => !s.destroyed && s.readyState === 'open').length;
/** A health check as probes make it: a fresh connection each time. */
const health = () => new Promise<number>((resolve, reject) => {
  get({ host: '127.0.0.1', port, path: '/api/health', agent: false }, (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject);
});

describe('idle connections', () => {
  it('a flood beyond the limit is culled: health checks answer and a wall stays connected', async () => {
    const { token } = await t.as('display');
    const wall: Socket = connect(t.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
    await new Promise<void>((r) => wall.once('connect', () => r()));
    let disconnected = false;
    wall.on('disconnect', () => (disconnected = true));

    const flood: TcpSocket[] = [];
    for (let i = 0; i < 4; i++) {
      flood.push(...(await idle(300)));
      expect(await health()).toBe(200);
    }
    // The cull runs 50 ms after the crossing and the sweep closes what is left after the
    // headers timeout (1.5 s); a machine busy with the rest of the suite is slower.
    const deadline = Date.now() + 15_000;
    while (alive(flood) > 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(flood)).toBeLessThanOrEqual(300);
    expect(await health()).toBe(200);
    expect(disconnected).toBe(false);
    expect(wall.connected).toBe(true);
    wall.close();
    for (const s of flood) s.destroy();
  });

  it('each idle connection is closed after the headers timeout', async () => {
    const serverSide = () => new Promise<number>((r) => t.app.server.getConnections((_e, n) => r(n)));
    const settle = Date.now() + 8000; // the last test's sockets closing
    while ((await serverSide()) > 0 && Date.now() < settle) await new Promise((r) => setTimeout(r, 100));
    const before = await serverSide();
    const socks = await idle(50);
    await new Promise((r) => setTimeout(r, 1000));
    expect(alive(socks)).toBe(50); // within the 1.5 s allowed
    expect(await serverSide()).toBe(before + 50);
    const deadline = Date.now() + 8000; // 1.5 s + sweeps, with room for a busy machine
    while ((await serverSide()) > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await serverSide()).toBe(before);
    expect(await health()).toBe(200);
  });
});
