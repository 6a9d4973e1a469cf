// Property-based hostile input (fast-check) at the live feed: every event the server
// serves and unknown ones, with arguments of every shape; handshakes with hostile auth;
// raw Engine.IO/Socket.IO frames over a websocket. Each event is answered once with a
// refusal and a message, a hostile handshake is refused, nothing ends the server (an
// uncaught error here fails the run), a well-behaved client goes on being served, and
// nothing stored changes.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WebSocket, type RawData } from 'ws';
import { io as connect, type Socket } from 'socket.io-client';
import { storeHash, testApp } from './helpers.ts';
import { EDGE, HTML, SQL } from './fuzz/hostile-values.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

const t = await testApp({ listen: true });
const admin = await t.as('admin');
const wsUrl = t.url.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket';

const client = (auth: object) => connect(t.url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
const connected = (s: Socket) => new Promise<Socket>((resolve, reject) => {
  s.once('connect', () => resolve(s));
  s.once('connect_error', reject);
});
/** A client that plays by the rules: after every hostile case it must still be served. */
const probe = await connected(client({ token: admin.token }));
afterAll(async () => {
  probe.close();
  await t.close();
});
async function stillServed() {
  expect(probe.connected).toBe(true);
  expect(await probe.timeout(2000).emitWithAck('join', { area: '320402' })).toEqual({ ok: true, area: '320402' });
  expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
}

const text = fc.oneof(fc.constantFrom(...SQL, ...HTML, ...EDGE), fc.string({ unit: 'binary', maxLength: 40 }));
const value = fc.oneof(text, fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e400));
/** What `join` accepts is one object, only `area`, a known area code: never generated here. */
const isValidJoin = (args: unknown[]) => args.length === 1 && !!args[0] && typeof args[0] === 'object' && !Array.isArray(args[0])
  && Object.keys(args[0]).length === 1 && typeof (args[0] as { area?: unknown }).area === 'string' && t.net.areas.has((args[0] as { area: string }).area);
const argsFor = (known: string) => fc.oneof(
  fc.array(value, { maxLength: 4 }),
  value.map((area) => [{ area }]),
  fc.tuple(fc.constantFrom('320402', '320400'), fc.string({ minLength: 1, maxLength: 8 }), value).map(([area, k, v]) => [{ area, [k]: v }]),
  fc.constantFrom('320402', '320400').map((area) => [{ area }, 'extra']),
).filter((args) => known !== 'join' || !isValidJoin(args));

// Socket.IO's client refuses to emit its own reserved names; the raw frames send them.
const RESERVED = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'];
const unknownName = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'ticket', 'stats', 'error', 'JOIN', 'join '), fc.string({ maxLength: 20 }))
  .filter((n) => !RESERVED.includes(n) && !t.app.live.events.includes(n));

describe('hostile input at the live feed', () => {
  it('every served event with hostile arguments is refused with a message, once', async () => {
    expect(t.app.live.events.length).toBeGreaterThan(0);
    const s = await connected(client({ token: admin.token }));
    const before = storeHash(t);
    const cases: Record<string, number> = {};
    for (const name of t.app.live.events) {
      cases[name] = 0;
      await fc.assert(fc.asyncProperty(argsFor(name), async (args) => {
        cases[name]++;
        const reply = await s.timeout(2000).emitWithAck(name, ...args) as { ok: boolean; message?: string };
        expect(reply.ok, JSON.stringify(args)).toBe(false);
        expect(typeof reply.message === 'string' && reply.message.length > 0).toBe(true);
        expect(s.connected).toBe(true);
      }), { numRuns: RUNS, seed: SEED });
    }
    await fc.assert(fc.asyncProperty(unknownName, fc.array(value, { maxLength: 3 }), async (name, args) => {
      const reply = await s.timeout(2000).emitWithAck(name, ...args) as { ok: boolean; message: string };
      expect(reply).toEqual({ ok: false, message: expect.stringMatching(/^unknown event/) });
    }), { numRuns: RUNS, seed: SEED });
    s.close();
    expect(storeHash(t)).toBe(before);
    await stillServed();
    console.log(JSON.stringify({ test: 'fuzz-live-events', seed: SEED, cases, unknownEvents: RUNS }));
  });

  it('a handshake with hostile credentials or area is refused with a message', async () => {
    const auth = fc.oneof(
      fc.record({ token: value }, { requiredKeys: [] }),
      fc.record({ token: fc.constant(admin.token), area: value.filter((a) => typeof a !== 'string' || !t.net.areas.has(a)) }),
      fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 3 }).filter((o) => !('token' in o)),
    );
    await fc.assert(fc.asyncProperty(auth, async (a) => {
      const s = client(a as object);
      const err = await connected(s).then(() => null, (e: Error) => e);
      s.close();
      expect(err, JSON.stringify(a)).not.toBeNull();
      expect(err!.message).toMatch(/^(unauthorized|area|forbidden|token)/);
    }), { numRuns: Math.ceil(RUNS / 2), seed: SEED });
    await stillServed();
  });

  it('raw frames of any shape end no more than their own connection', async () => {
    const frame = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.jsonValue({ maxDepth: 2 }).map((v) => '42' + JSON.stringify(v)),
      fc.tuple(fc.nat(), fc.constantFrom('join', ...RESERVED, '__proto__'), fc.array(value, { maxLength: 2 }))
        .map(([id, name, args]) => `42${id}` + JSON.stringify([name, ...args])),
      fc.tuple(fc.constantFrom('join', ...RESERVED, '__proto__', 'toString', 'x'), fc.array(value, { maxLength: 3 }))
        .map(([name, args]) => '42' + JSON.stringify([name, ...args])),
      fc.constantFrom('2', '3', '5', '6', '1', '4', '40', '41', '43', '44', '45', '46', '4-1', '42[', '42["join"', '42["join",{}', '420["join"]', '41/x,',
        '451-["join",{"_placeholder":true,"num":0}]', '451-["join",{"_placeholder":true,"num":99}]', '42["__proto__",{}]', '42/admin,["join"]', '40/nowhere,{}'),
      fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)),
    );
    const before = storeHash(t);
    await fc.assert(fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 5 }), async (frames) => {
      const ws = new WebSocket(wsUrl);
      // Frames sent before the namespace has accepted the connection close it unread.
      const joined = new Promise<void>((resolve, reject) => {
        ws.on('message', (d: RawData) => { if (d.toString().startsWith('40{"sid"')) resolve(); });
        ws.once('close', () => reject(new Error('closed before the namespace answered')));
      });
      await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
      ws.send('40' + JSON.stringify({ token: admin.token }));
      await joined;
      for (const f of frames) if (ws.readyState === WebSocket.OPEN) ws.send(f);
      await new Promise((r) => setTimeout(r, 5));
      ws.terminate();
      await stillServed();
    }), { numRuns: RUNS, seed: SEED });
    expect(storeHash(t)).toBe(before);
  });
});
