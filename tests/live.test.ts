// The live feed with real Socket.IO clients on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gridOf, report, testApp, theNet, type TestApp } from './helpers.ts';

let t: TestApp;
let url: string;
const clients: Socket[] = [];

let auth: { token: string; headers: { authorization: string } };
beforeAll(async () => {
  t = await testApp({ listen: true });
  url = t.url;
  auth = await t.as('dispatcher');
});
afterAll(async () => {
  for (const c of clients) c.close();
  await t.close();
});

function client(area?: string): Promise<Socket> {
  const s = connect(url, { auth: { token: auth.token }, query: area ? { area } : {}, transports: ['websocket'], forceNew: true });
  clients.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

const post = (body: unknown) =>
  fetch(`${url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth.headers }, body: JSON.stringify(body) }).then((r) => r.json());

type Got = { id: string; grid: { code: string } };

/** Collects `ticket` events until `expected` have arrived (or `timeoutMs` passed), then
 * `quietMs` more, so a duplicate or a stray event would still be seen. */
function collect(s: Socket, expected = 1, timeoutMs = 5000, quietMs = 200): Promise<Got[]> {
  const got: Got[] = [];
  return new Promise((resolve) => {
    const done = () => setTimeout(() => (s.off('ticket', on), clearTimeout(limit), resolve(got)), quietMs);
    const on = (tk: Got) => {
      got.push(tk);
      if (got.length === expected) done();
    };
    const limit = setTimeout(() => (s.off('ticket', on), resolve(got)), timeoutMs);
    s.on('ticket', on);
  });
}

describe('a wall across a server restart', () => {
  it('reconnects by itself and receives the new server\'s tickets', async () => {
    const { net } = theNet();
    const dir = mkdtempSync(join(tmpdir(), 'one-net-restart-'));
    const secret = 'a secret both servers share';
    const first = await testApp({ listen: true, dir, secret });
    const port = Number(new URL(first.url).port);
    const who = await first.as('dispatcher');
    const s = connect(first.url, { auth: { token: who.token }, query: { area: '320402' }, transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500 });
    clients.push(s);
    await new Promise<void>((r) => s.once('connect', () => r()));
    const disconnected = new Promise<string>((r) => s.once('disconnect', r));
    await first.close();
    expect(await disconnected).toBe('transport close');

    const second = await testApp({ listen: false, dir, secret });
    await second.app.listen({ port, host: '127.0.0.1' });
    try {
      await new Promise<void>((r) => s.io.once('reconnect', () => r()));
      const g = gridOf(net, '320402');
      const wait = collect(s);
      const res = await fetch(`http://127.0.0.1:${port}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', ...who.headers }, body: JSON.stringify(report(g.label[0], g.label[1])) });
      const tk = await res.json();
      expect((await wait).map((x) => x.id)).toEqual([tk.id]);
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('live tickets by area', () => {
  it('each client gets the tickets of its area only, once', async () => {
    const { net } = theNet();
    const g = gridOf(net, '320404');
    const [city, district, street, community, grid, other] = await Promise.all([
      client(), client('320404'), client(g.code.slice(0, 9)), client(g.code.slice(0, 12)), client(g.code), client('320481'),
    ]);
    const waits = [city, district, street, community, grid].map((s) => collect(s));
    const strays: Got[] = [];
    other.on('ticket', (x: Got) => strays.push(x));
    const tk = await post(report(g.label[0], g.label[1]));
    for (const got of await Promise.all(waits)) expect(got.map((x) => x.id)).toEqual([tk.id]);
    // Every in-area client has its copy (and 200 ms more); the 溧阳市 client has had as long.
    expect(strays).toEqual([]);
  });

  it('a client moves to another area with join', async () => {
    const { net } = theNet();
    const s = await client('320481');
    const ack = await s.emitWithAck('join', { area: '320413' });
    expect(ack).toEqual({ ok: true, area: '320413' });
    for (const bad of [{ area: '999999' }, {}, { area: 320402 }, { area: ['320402'] }, null]) {
      expect(await s.emitWithAck('join', bad), JSON.stringify(bad)).toMatchObject({ ok: false, message: expect.stringContaining('area') });
    }
    const g = gridOf(net, '320413');
    const wait = collect(s);
    const tk = await post(report(g.label[0], g.label[1]));
    expect((await wait).map((x) => x.id)).toEqual([tk.id]);
  });

  it('an unknown area is refused at connection', async () => {
    await expect(client('123')).rejects.toThrow(/area/);
  });

  it('tickets reported one after another arrive in order, each once (latency: npm run bench)', async () => {
    const { net } = theNet();
    const s = await client();
    const g = gridOf(net, '320411');
    const wait = collect(s, 20);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await post(report(g.label[0], g.label[1]))).id);
    expect((await wait).map((x) => x.id)).toEqual(ids);
  });
});
