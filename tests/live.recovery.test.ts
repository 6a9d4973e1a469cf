// A wall whose connection blips: Socket.IO's connection state recovery gives it what it
// missed, each once — within a bounded buffer. Past the bound it starts afresh
// (`recovered === false`) and the wall resyncs over HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { attachLive, type Live, type LiveOptions } from '../server/live/socket.ts';
import { presentTicket } from '../server/domain/present.ts';
import type { Ticket } from '../server/domain/ticket.ts';
import { gridOf, theNet, TEST_TOKEN, testAuthenticate } from './helpers.ts';
import { reportedRecord } from './helpers.ts';

const quiet = { warn() {}, error() {} };
let live: Live | undefined;
const clients: ClientSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  if (live) await new Promise<void>((r) => live!.io.close(() => r()));
  live = undefined;
});

async function start(opts: LiveOptions): Promise<{ live: Live; url: string }> {
  const server = createServer();
  live = attachLive(server, theNet().net, { authenticate: testAuthenticate, log: quiet, ...opts });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { live, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

/** A wall on `area` that does not reconnect by itself: the test says when. */
async function wall(url: string, area: string) {
  const s = connect(url, { auth: { token: TEST_TOKEN }, query: { area }, transports: ['websocket'], forceNew: true, reconnection: false });
  clients.push(s);
  const got: string[] = [];
  s.on('ticket', (t: Ticket) => got.push(t.id));
  await new Promise<void>((r) => s.once('connect', () => r()));
  return { s, got };
}

let seq = 0;
function publisher(live: Live) {
  const { net } = theNet();
  return (district: string, n = 1): string[] => {
    const g = gridOf(net, district);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const t = presentTicket(net, reportedRecord(++seq, g));
      live.publishTicket(t);
      ids.push(t.id);
    }
    return ids;
  };
}

/** What the server keeps for recovery: socket.io-adapter's own buffer (private in its types). */
const kept = (live: Live) => (live.io.of('/').adapter as unknown as { packets: unknown[] }).packets.length;

/** Kills the wall's TCP connection, as a network blip would, and waits until both ends have seen it go. */
async function blip(live: Live, s: ClientSocket): Promise<void> {
  const ends = [live.io.of('/').sockets.get(s.id!)!, s].map((end) => new Promise<string>((r) => end.once('disconnect', r)));
  (s.io.engine as unknown as { transport: { ws: { _socket: { destroy(): void } } } }).transport.ws._socket.destroy();
  expect(await Promise.all(ends)).toEqual(['transport close', 'transport close']);
}

async function reconnect(s: ClientSocket): Promise<void> {
  s.connect();
  await new Promise<void>((r) => s.once('connect', () => r()));
}

const settle = () => new Promise((r) => setTimeout(r, 200));

describe('a wall that blips', () => {
  it('gets exactly the tickets of its area it missed, each once, and then the live ones', async () => {
    const { live, url } = await start({});
    const publish = publisher(live);
    const { s, got } = await wall(url, '320402');
    const before = publish('320402');
    await settle();
    expect(got).toEqual(before);

    await blip(live, s);
    const missed = publish('320402', 3);
    publish('320481', 2); // another district's: not missed, never its
    await reconnect(s);
    expect(s.recovered).toBe(true);
    const after = publish('320402');
    await settle();
    expect(got).toEqual([...before, ...missed, ...after]);
  });

  it('missed more than the server keeps: starts afresh, and the kept tickets never pass the cap', async () => {
    const CAP = 50;
    const { live, url } = await start({ recoveryMaxPackets: CAP });
    const publish = publisher(live);
    const { s, got } = await wall(url, '320402');
    const before = publish('320402');
    await settle();

    await blip(live, s);
    let most = 0;
    for (let i = 0; i < CAP + 10; i++) {
      publish(i % 2 ? '320402' : '320481');
      most = Math.max(most, kept(live));
    }
    expect(most).toBe(CAP);
    await reconnect(s);
    expect(s.recovered).toBe(false);
    // Not recovered: no replay, back in its area's room, live from here on.
    const after = publish('320402');
    await settle();
    expect(got).toEqual([...before, ...after]);
  });

  it('missed more than half a queue: starts afresh rather than be evicted on arrival', async () => {
    const { live, url } = await start({ maxQueuedPackets: 100, recoveryMaxPackets: 1000 });
    const publish = publisher(live);
    const { s, got } = await wall(url, '320402');
    publish('320402'); // so that it has an offset to recover from
    await settle();
    await blip(live, s);
    publish('320402', 40);
    await reconnect(s);
    expect(s.recovered, '40 missed of a queue of 100').toBe(true);
    await settle();
    expect(got).toHaveLength(41);

    await blip(live, s);
    publish('320402', 60);
    await reconnect(s);
    expect(s.recovered, '60 missed of a queue of 100').toBe(false);
    expect(s.connected).toBe(true);
    await settle();
    expect(got).toHaveLength(41);
  });
});
