// The live feed against clients that do not play by the rules: hand-made Engine.IO packets
// over HTTP long-polling, and a websocket that stops reading.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server as HttpServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { WebSocket } from 'ws';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { attachLive, type LiveOptions } from '../server/live/socket.ts';
import { event, Refusal, serveEvents } from '../server/live/events.ts';
import { presentTicket } from '../server/domain/present.ts';
import { ticketId, type Ticket } from '../server/domain/ticket.ts';
import { gridOf, postJson, report, startServerProcess, stopServerProcess, theNet, adminToken, TEST_TOKEN, testAuthenticate } from './helpers.ts';
import { reportedRecord } from './helpers.ts';

/** A log that keeps what it is told, so a test can read it and the console stays quiet. */
function keptLog() {
  const kept: { level: string; obj: object; msg: string }[] = [];
  return { kept, warn: (obj: object, msg: string) => void kept.push({ level: 'warn', obj, msg }), error: (obj: object, msg: string) => void kept.push({ level: 'error', obj, msg }) };
}

async function listening(server: HttpServer): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** A ticket as the routes hand it to publishTicket, in the first base grid of `district`. */
function ticketIn(district: string, seq: number, description = '楼道内电动车充电'): Ticket {
  const { net } = theNet();
  const g = gridOf(net, district);
  return presentTicket(net, reportedRecord(seq, g, description));
}

const connected = (s: ClientSocket) =>
  new Promise<ClientSocket>((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });

// ---------------------------------------------------------------------------------------
// One packet must never end the server: the real entry point in its own process, so that
// a crash is a crash (in-process, vitest would catch it and the server would live on).

/** An Engine.IO session over long-polling, connected to the main namespace. */
let sessionToken = '';
async function pollingSession(url: string, token = sessionToken) {
  const base = `${url}/socket.io/?EIO=4&transport=polling`;
  const open = await (await fetch(base)).text();
  expect(open).toMatch(/^0\{/);
  const at = `${base}&sid=${JSON.parse(open.slice(1)).sid}`;
  const push = (body: string) => fetch(at, { method: 'POST', body }).then((r) => r.status);
  /** The packets of one poll; null once the session is gone. */
  const poll = async (): Promise<string[] | null> => {
    const r = await fetch(at, { signal: AbortSignal.timeout(3000) });
    return r.ok ? (await r.text()).split('\x1e') : null;
  };
  expect(await push('40' + JSON.stringify({ token }))).toBe(200);
  expect((await poll())?.[0]).toMatch(/^40\{"sid":/);
  return { push, poll };
}

const PROBE = '4299["join",{"area":"320402"}]';
const PROBE_OK = '4399[{"ok":true,"area":"320402"}]';

/**
 * Sends `hostile`, then a well-formed join with an ack: what came back before that join's
 * answer is what the hostile packet got. `closed`: the server ended the session instead.
 */
async function exchange(url: string, hostile: string): Promise<{ before: string[]; probe: boolean; closed: boolean }> {
  const s = await pollingSession(url);
  await s.push(hostile);
  await s.push(PROBE);
  const before: string[] = [];
  for (let i = 0; i < 3; i++) {
    const packets = await s.poll();
    if (!packets) return { before, probe: false, closed: true };
    for (const p of packets) {
      if (p === PROBE_OK) return { before, probe: true, closed: false };
      if (p === '1') return { before, probe: false, closed: true }; // Engine.IO close
      if (p !== '6' && p !== '2') before.push(p); // noop, ping
    }
  }
  return { before, probe: false, closed: false };
}

const refused = (id: number, message: string) => `43${id}${JSON.stringify([{ ok: false, message }])}`;
const TAKES = 'join takes one argument {area}';
const bin = (bytes: number[]) => 'b' + Buffer.from(bytes).toString('base64'); // a binary packet, as polling carries it

type Expect = 'silent' | 'closed' | 'survives' | { answer: string };
const HOSTILE: [packet: string, expect: Expect, why: string][] = [
  ['42["join",{},"x"]', 'silent', 'a string where the ack would be: an argument, refused, and there is no ack'],
  ['42["join"]', 'silent', 'no argument, no ack'],
  ['420["join"]', { answer: refused(0, TAKES) }, 'only an ack: still answered'],
  ['42["join",null]', 'silent', 'null, no ack'],
  ['421["join",null]', { answer: refused(1, TAKES) }, 'null'],
  ['422["join",{"area":"320402"},"x"]', { answer: refused(2, TAKES) }, 'one argument too many'],
  ['423["join",{"area":"320402","x":1}]', { answer: refused(3, `${TAKES}: "x" is not allowed`) }, 'a field too many'],
  ['424["join",{"area":{"toString":"320402"}}]', { answer: refused(4, 'area: unknown area code') }, 'an object for the area'],
  ['425["join",{"area":"999999"}]', { answer: refused(5, 'area: unknown area code') }, 'an unknown area'],
  ['426["join",[{"area":"320402"}]]', { answer: refused(6, TAKES) }, 'an array'],
  ['42["nope",1]', 'silent', 'an unknown event without ack'],
  ['421["nope"]', { answer: refused(1, 'unknown event nope') }, 'an unknown event with an ack'],
  ['427["toString"]', { answer: refused(7, 'unknown event toString') }, "Object.prototype's names are not handlers"],
  ['428["__proto__",{}]', { answer: refused(8, 'unknown event __proto__') }, "Object.prototype's names are not handlers"],
  ['429["error"]', { answer: refused(9, 'unknown event error') }, '"error" is not reserved by the parser'],
  ['42["error","boom"]', 'silent', '"error" without ack'],
  ['4210[7]', { answer: refused(10, 'unknown event 7') }, 'a number as event name'],
  [`4211["${'x'.repeat(100_000)}"]`, { answer: refused(11, `unknown event ${'x'.repeat(40)}`) }, 'a long name is not echoed whole'],
  ['4299999999999999999999999["join"]', 'survives', 'an ack id beyond 2^53'],
  ['43', 'silent', 'an ack for nothing'],
  ['431[]', 'silent', 'an ack for nothing'],
  ['42[', 'closed', 'malformed JSON'],
  ['4', 'closed', 'an empty message'],
  ['42"join"', 'closed', 'not an array'],
  ['42[{}]', 'closed', 'an object as event name'],
  ['x', 'closed', 'not an Engine.IO packet'],
  ['2', 'closed', 'a ping from the client (v4 pings come from the server)'],
  ['451-["join",{"_placeholder":true,"num":0}]', 'closed', 'a binary event whose attachment never comes'],
  [`451-["join",{"_placeholder":true,"num":0}]\x1e${bin([1, 2, 3])}`, 'silent', 'a buffer as argument, no ack'],
  [`451-0["join",{"_placeholder":true,"num":0}]\x1e${bin([1, 2, 3])}`, { answer: refused(0, TAKES) }, 'a buffer as argument'],
  [`451-["join",{"_placeholder":true,"num":7}]\x1e${bin([1])}`, 'closed', 'a placeholder beyond the attachments'],
  [`451-["join",{"_placeholder":true,"num":"0"}]\x1e${bin([1])}`, 'closed', 'a placeholder with a string index'],
  ['4599-["join"]', 'closed', 'too many attachments announced'],
  [`42["join",${'['.repeat(50_000)}${']'.repeat(50_000)}]`, 'survives', 'deep nesting'],
  ['40', 'survives', 'a second CONNECT'],
  ['41', 'survives', 'leaving the namespace, then an event'],
];

describe('hand-made packets against the real server process', () => {
  let proc: ChildProcess;
  let url: string;
  let dir: string;
  let stderr = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'one-net-hostile-'));
    ({ proc, url } = await startServerProcess(dir));
    proc.stderr!.on('data', (d) => (stderr += d));
    sessionToken = await adminToken(url);
  }, 30_000);
  afterAll(async () => {
    if (proc) await stopServerProcess(proc);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `f`; if the server process is gone, says which packet ended it and how. */
  async function whileAlive<T>(label: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } finally {
      await new Promise((r) => setTimeout(r, 20)); // a crash in a nextTick has happened by now
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`the server exited (${proc.exitCode ?? proc.signalCode}) after ${label}:\n${stderr.trim().split('\n').slice(0, 6).join('\n')}`);
      }
    }
  }

  it('answers or drops each one, and keeps serving', async () => {
    for (const [packet, want, why] of HOSTILE) {
      const label = `${packet.slice(0, 60)} (${why})`;
      const got = await whileAlive(label, () => exchange(url, packet));
      if (want === 'silent') expect(got, label).toEqual({ before: [], probe: true, closed: false });
      else if (want === 'closed') expect(got, label).toMatchObject({ probe: false, closed: true });
      else if (want !== 'survives') {
        expect(got, label).toEqual({ before: [want.answer], probe: true, closed: false });
      }
    }

    // Afterwards: the API answers, and a wall still gets its tickets.
    await whileAlive('all of them', async () => {
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
      const wall = await connected(connect(url, { auth: { token: sessionToken }, query: { area: '320402' }, transports: ['websocket'], forceNew: true, reconnection: false }));
      try {
        const got = new Promise<Ticket>((r) => wall.once('ticket', r));
        const g = gridOf(theNet().net, '320402');
        const tk = await (await postJson(`${url}/api/tickets`, report(g.label[0], g.label[1]), { authorization: `Bearer ${sessionToken}` })).json();
        expect((await got).id).toBe(tk.id);
      } finally {
        wall.close();
      }
    });
  }, 60_000);
});

// ---------------------------------------------------------------------------------------
// The gate itself: every handler, present and future, gets this for free.

describe('serveEvents', () => {
  let io: Server;
  let url: string;
  const log = keptLog();
  beforeAll(async () => {
    const server = createServer();
    io = new Server(server);
    io.on('connection', (socket) =>
      serveEvents(socket, {
        echo: event({
          parse: ([x, ...rest]) => {
            if (typeof x !== 'number' || rest.length) throw new Refusal('echo takes one number');
            return x;
          },
          run: (_socket, x) => ({ ok: true, x }),
        }),
        throws: event({ parse: () => null, run: () => { throw new Error('a bug'); } }),
        rejects: event({ parse: () => null, run: async () => { await new Promise((r) => setTimeout(r, 5)); throw new Error('a later bug'); } }),
        parseThrows: event({ parse: (args) => (args[0] as { a: { b: number } }).a.b, run: () => ({ ok: true }) }),
      }, log));
    url = await listening(server);
  });
  afterAll(() => new Promise<void>((r) => io.close(() => r())));

  it('answers with the result, the refusal, or "internal error" (logged), and nothing escapes', async () => {
    const s = await connected(connect(url, { auth: { token: TEST_TOKEN }, transports: ['websocket'], forceNew: true, reconnection: false }));
    try {
      expect(await s.emitWithAck('echo', 7)).toEqual({ ok: true, x: 7 });
      expect(await s.emitWithAck('echo', '7')).toEqual({ ok: false, message: 'echo takes one number' });
      expect(await s.emitWithAck('echo')).toEqual({ ok: false, message: 'echo takes one number' });
      for (const name of ['throws', 'rejects', 'parseThrows']) {
        expect(await s.emitWithAck(name), name).toEqual({ ok: false, message: 'internal error' });
      }
      // Without an ack, the same failures are only logged.
      s.emit('throws');
      s.emit('rejects');
      expect(await s.emitWithAck('nope', 1)).toEqual({ ok: false, message: 'unknown event nope' });
      await new Promise((r) => setTimeout(r, 50));
      expect(log.kept.filter((k) => k.level === 'error').map((k) => (k.obj as { event: string }).event)).toEqual(
        ['throws', 'rejects', 'parseThrows', 'throws', 'rejects']);
      expect(await s.emitWithAck('echo', 8), 'still connected').toEqual({ ok: true, x: 8 });
    } finally {
      s.close();
    }
  });
});

// ---------------------------------------------------------------------------------------
// join through socket.io-client, as the wall would send it.

describe('join', () => {
  it('with only a callback, is answered', async () => {
    const server = createServer();
    const live = attachLive(server, theNet().net, { authenticate: testAuthenticate, log: keptLog() });
    const s = await connected(connect(await listening(server), { auth: { token: TEST_TOKEN }, transports: ['websocket'], forceNew: true, reconnection: false }));
    try {
      // The callback arrives as the last argument, not as the message.
      expect(await s.timeout(2000).emitWithAck('join')).toEqual({ ok: false, message: 'join takes one argument {area}' });
      expect(await s.timeout(2000).emitWithAck('join', { area: '320402' })).toEqual({ ok: true, area: '320402' });
    } finally {
      s.close();
      await new Promise<void>((r) => live.io.close(() => r()));
    }
  });
});

// ---------------------------------------------------------------------------------------
// A client that stops reading.

/** A websocket that completes the Socket.IO handshake, then stops reading its TCP socket
 * while still answering pings blindly, faster than any ping interval. */
async function stalledClient(url: string): Promise<{ stop(): void }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket&who=stalled`);
  ws.on('error', () => {}); // it will be cut off
  const inbox: string[] = [];
  let wake = () => {};
  ws.on('message', (d) => (inbox.push(String(d)), wake()));
  const next = async () => {
    while (!inbox.length) await new Promise<void>((r) => (wake = r));
    return inbox.shift()!;
  };
  expect(await next()).toMatch(/^0\{"sid":/);
  ws.send('40' + JSON.stringify({ token: TEST_TOKEN }));
  expect(await next()).toMatch(/^40\{"sid":/);
  ws.pause();
  const pong = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('3'), 100);
  return { stop: () => (clearInterval(pong), ws.terminate()) };
}

describe('a client that stops reading', () => {
  it.each([
    { bound: 'packets', opts: { maxQueuedPackets: 500 } },
    { bound: 'bytes', opts: { maxQueuedBytes: 2 ** 20 } },
  ])('is disconnected once its queue passes the bound ($bound); a client that reads gets every ticket', async ({ opts }) => {
    const LIMIT = 40_000; // tickets published at most: far past what the kernel buffers can hide
    const { net } = theNet();
    const server = createServer();
    const log = keptLog();
    const live = attachLive(server, net, { authenticate: testAuthenticate, ...opts, log } satisfies LiveOptions);
    let published = 0;
    const stalled = { maxPackets: 0, maxBytes: 0, closedAfter: -1, reason: '' };
    live.io.engine.on('connection', (conn: any) => {
      if (!String(conn.request.url).includes('who=stalled')) return;
      let bytes = 0;
      conn.on('flush', () => (bytes = 0));
      // Registered after attachLive's own listener, so the packet that evicts is seen on a
      // closed connection (where it is dropped); on an open one, it is about to be queued.
      conn.on('packetCreate', (p: { data?: unknown }) => {
        bytes += typeof p.data === 'string' ? p.data.length : 0;
        if (conn.readyState !== 'open') return;
        stalled.maxPackets = Math.max(stalled.maxPackets, conn.writeBuffer.length + 1);
        stalled.maxBytes = Math.max(stalled.maxBytes, bytes);
      });
      conn.on('close', (reason: string) => ((stalled.closedAfter = published), (stalled.reason = reason)));
    });
    const url = await listening(server);
    const wall = await connected(connect(url, { auth: { token: TEST_TOKEN }, transports: ['websocket'], forceNew: true, reconnection: false }));
    const bad = await stalledClient(url);
    const got: string[] = [];
    let wake = () => {};
    wall.on('ticket', (t: Ticket) => (got.push(t.id), wake()));

    const description = '楼道内电动车充电，堵塞消防通道。'.repeat(125); // 2,000 characters, the most a report may carry
    const t0 = performance.now();
    try {
      // Bursts of 50, each once the reading wall has the previous one: that wall keeps up,
      // the stalled client falls further behind with every burst. 1,000 more after the
      // eviction show the feed goes on.
      while (published < LIMIT && (stalled.closedAfter < 0 || published < stalled.closedAfter + 1000)) {
        for (let i = 0; i < 50; i++) live.publishTicket(ticketIn('320411', ++published, description));
        const deadline = Date.now() + 5000;
        while (got.length < published && Date.now() < deadline) await new Promise<void>((r) => ((wake = r), setTimeout(r, 100)));
      }
      const seconds = (performance.now() - t0) / 1000;
      const summary = `evicted after ${stalled.closedAfter} tickets, ${seconds.toFixed(1)} s; queued at most ${stalled.maxPackets} packets, ${stalled.maxBytes} bytes`;
      expect(stalled.closedAfter, summary).toBeGreaterThan(0);
      expect(stalled.reason).toBe('forced close');
      expect(stalled.maxPackets, summary).toBeLessThanOrEqual(opts.maxQueuedPackets ?? 2000);
      expect(stalled.maxBytes, summary).toBeLessThanOrEqual(opts.maxQueuedBytes ?? 8 * 2 ** 20);
      expect(log.kept.map((k) => k.msg)).toEqual(['live: client not reading, disconnected']);
      // The wall: every ticket, in order, once.
      expect(got.length).toBe(published);
      expect(got.every((id, i) => id === ticketId(i + 1))).toBe(true);
    } finally {
      bad.stop();
      wall.close();
      await new Promise<void>((r) => live.io.close(() => r()));
    }
  }, 60_000);

  it('is disconnected when it polls no more, however fast its pongs', async () => {
    const MAX = 100;
    const { net } = theNet();
    const server = createServer();
    const log = keptLog();
    const live = attachLive(server, net, { authenticate: testAuthenticate, maxQueuedPackets: MAX, log });
    try {
      const session = await pollingSession(await listening(server), TEST_TOKEN);
      const pong = setInterval(() => void session.push('3').catch(() => {}), 100);
      for (let seq = 1; seq <= MAX + 50; seq++) live.publishTicket(ticketIn('320402', seq));
      await new Promise((r) => setTimeout(r, 250));
      clearInterval(pong);
      expect(await session.poll(), 'its session is gone').toBeNull();
      expect(log.kept.map((k) => k.msg)).toEqual(['live: client not reading, disconnected']);
    } finally {
      await new Promise<void>((r) => live.io.close(() => r()));
    }
  });
});
