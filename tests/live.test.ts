// The live feed with real Socket.IO clients on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { gridOf, report, testApp, theNet, type TestApp } from './helpers.ts';

let t: TestApp;
let url: string;
const clients: Socket[] = [];

beforeAll(async () => {
  t = await testApp({ listen: true });
  url = t.url;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await t.close();
});

function client(area?: string): Promise<Socket> {
  const s = connect(url, { query: area ? { area } : {}, transports: ['websocket'], forceNew: true });
  clients.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

const post = (body: unknown) =>
  fetch(`${url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());

/** Collects `ticket` events for a while. */
function collect(s: Socket, ms = 400): Promise<{ id: string; grid: { code: string } }[]> {
  const got: { id: string; grid: { code: string } }[] = [];
  const on = (tk: { id: string; grid: { code: string } }) => got.push(tk);
  s.on('ticket', on);
  return new Promise((resolve) => setTimeout(() => (s.off('ticket', on), resolve(got)), ms));
}

describe('a wall across a server restart', () => {
  it('reconnects by itself and receives the new server\'s tickets', async () => {
    const { net } = theNet();
    const first = await testApp({ listen: true });
    const port = Number(new URL(first.url).port);
    const s = connect(first.url, { query: { area: '320402' }, transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500 });
    clients.push(s);
    await new Promise<void>((r) => s.once('connect', () => r()));
    const disconnected = new Promise<string>((r) => s.once('disconnect', r));
    await first.close();
    expect(await disconnected).toBe('transport close');

    const second = await testApp({ listen: false });
    await second.app.listen({ port, host: '127.0.0.1' });
    try {
      await new Promise<void>((r) => s.io.once('reconnect', () => r()));
      const g = gridOf(net, '320402');
      const wait = collect(s);
      const res = await fetch(`http://127.0.0.1:${port}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report(g.label[0], g.label[1])) });
      const tk = await res.json();
      expect((await wait).map((x) => x.id)).toEqual([tk.id]);
    } finally {
      await second.close();
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
    const waits = [city, district, street, community, grid, other].map((s) => collect(s));
    const tk = await post(report(g.label[0], g.label[1]));
    const [a, b, c, d, e, f] = await Promise.all(waits);
    for (const got of [a, b, c, d, e]) expect(got.map((x) => x.id)).toEqual([tk.id]);
    expect(f).toEqual([]);
  });

  it('a client moves to another area with join', async () => {
    const { net } = theNet();
    const s = await client('320481');
    const ack = await s.emitWithAck('join', { area: '320413' });
    expect(ack).toEqual({ ok: true, area: '320413' });
    expect(await s.emitWithAck('join', { area: '999999' })).toMatchObject({ ok: false, message: expect.stringContaining('area') });
    const g = gridOf(net, '320413');
    const wait = collect(s);
    const tk = await post(report(g.label[0], g.label[1]));
    expect((await wait).map((x) => x.id)).toEqual([tk.id]);
  });

  it('an unknown area is refused at connection', async () => {
    await expect(client('123')).rejects.toThrow(/area/);
  });

  it('a ticket arrives well within 100 ms of its POST on loopback', async () => {
    const { net } = theNet();
    const s = await client();
    const g = gridOf(net, '320411');
    const lat: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const got = new Promise<void>((resolve) => s.once('ticket', () => resolve()));
      await Promise.all([post(report(g.label[0], g.label[1])), got]);
      lat.push(performance.now() - t0);
    }
    lat.sort((x, y) => x - y);
    // A functional bound (the figure itself is measured in `npm run bench`).
    expect(lat[Math.floor(lat.length / 2)]).toBeLessThan(100);
  });
});
