// Two nodes behind one address (REDIS_URL, the real Redis): a wall connected to node B sees
// what happens on node A — a ticket, a phone's positions, the `stats` push (once, not once
// per node) — and recovers what it missed across a blip, from either node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { gridOf, report, theNet } from './helpers.ts';
import { photoForm, tinyJpeg } from './routes.examples.ts';
import { startNodes, waitFor, type Nodes } from './cluster-harness.ts';
import { decodePositionsFrame, POSITION_SCALE } from '../server/domain/positions-frame.ts';

let c: Nodes;
let A: string, B: string;
let admin: Awaited<ReturnType<Nodes['as']>>;
const sockets: Socket[] = [];
const DISTRICT = '320402';

beforeAll(async () => {
  c = await startNodes('live', 2, { statsIntervalMs: 150, patrol: { frameIntervalMs: 100 } });
  [A, B] = c.nodes.map((n) => n.url);
  admin = await c.as('admin');
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await c?.close();
});

async function wall(url: string, o: { area?: string; layers?: string[]; token?: string } = {}) {
  const s = connect(url, { auth: { token: o.token ?? admin.token, layers: o.layers ?? [] }, query: { area: o.area ?? DISTRICT }, transports: ['websocket'], forceNew: true });
  sockets.push(s);
  const got = { ticket: [] as { id: string }[], stats: [] as { watermark: number; area: { code: string } }[], positions: [] as ReturnType<typeof decodePositionsFrame>[] };
  s.on('ticket', (x) => got.ticket.push(x));
  s.on('stats', (x) => got.stats.push(x));
  s.on('positions', (buf: ArrayBuffer) => got.positions.push(decodePositionsFrame(buf)));
  await new Promise<void>((resolve, reject) => (s.once('connect', () => resolve()), s.once('connect_error', reject)));
  return { s, got };
}

const postTicket = async (url: string) => {
  const g = gridOf(theNet().net, DISTRICT);
  const r = await fetch(`${url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', ...admin.headers }, body: JSON.stringify(report(g.label[0], g.label[1])) });
  expect(r.status).toBe(201);
  return (await r.json()) as { id: string };
};

describe('photos', () => {
  it('sent through node A are served by node B (one photos directory)', async () => {
    const t = await postTicket(A);
    const form = photoForm(await tinyJpeg(200, 10, 30));
    const up = await fetch(`${A}/api/tickets/${t.id}/photos`, { method: 'POST', headers: { ...admin.headers, ...form.headers }, body: new Uint8Array(form.payload) });
    expect(up.status, await up.clone().text()).toBe(201);
    const { hash } = ((await up.json()) as { photo: { hash: string } }).photo;
    for (const path of [`/api/photos/${hash}`, `/api/photos/${hash}/thumb`]) {
      const r = await fetch(`${B}${path}`, { headers: admin.headers });
      expect(r.status, path).toBe(200);
      expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
  });
});

describe('a wall on node B', () => {
  it('receives a ticket posted to node A, once', async () => {
    const { got } = await wall(B);
    const t = await postTicket(A);
    await waitFor(() => (got.ticket.some((x) => x.id === t.id) ? true : undefined), 5000, 'the ticket on B');
    await new Promise((r) => setTimeout(r, 300));
    expect(got.ticket.filter((x) => x.id === t.id)).toHaveLength(1);
  });

  it('gets one `stats` per push for a change on node A, from its own node only', async () => {
    const onB = await wall(B);
    const onA = await wall(A); // a wall on A too: A has a room to push to as well
    await new Promise((r) => setTimeout(r, 400));
    onB.got.stats.length = 0;
    onA.got.stats.length = 0;
    await postTicket(A);
    await waitFor(() => (onB.got.stats.length ? true : undefined), 5000, 'stats on B');
    await new Promise((r) => setTimeout(r, 500)); // several push intervals on both nodes
    expect(onB.got.stats.length).toBe(1);
    expect(onA.got.stats.length).toBe(1);
    expect(onB.got.stats[0].area.code).toBe(DISTRICT);
  });

  it("sees a phone that posts its fixes to node A move, in a positions frame", async () => {
    const { net } = theNet();
    const worker = [...net.workers.values()].find((w) => w.grid.startsWith(DISTRICT) && (w as { carriesPhone?: boolean }).carriesPhone !== false)!;
    const grid = net.areas.get(worker.grid) as { label: [number, number] };
    const { got } = await wall(B, { layers: ['workers'] });
    await waitFor(() => (got.positions.length ? true : undefined), 5000, 'the snapshot');
    const [lon, lat] = grid.label;
    const r = await fetch(`${A}/api/positions`, { method: 'POST', headers: { 'content-type': 'application/json', ...admin.headers }, body: JSON.stringify({ fixes: [{ device: worker.id, t: Date.now() - 1000, lon, lat }] }) });
    expect((await r.json()).accepted).toBe(1);
    const frame = await waitFor(() => got.positions.find((f) => !f.snapshot && f.count > 0), 5000, 'a frame on B');
    const k = Array.from(frame.index).findIndex((_, i) => i < frame.count && Math.abs(frame.lonE6[i] - Math.round(lon * POSITION_SCALE)) <= 1 && Math.abs(frame.latE6[i] - Math.round(lat * POSITION_SCALE)) <= 1);
    expect(k).toBeGreaterThanOrEqual(0);
  });
});

describe('`stats` with changes on both nodes', () => {
  it('reaches each wall once per push, from the node it is connected to', async () => {
    const onA = await wall(A);
    const onB = await wall(B);
    await new Promise((r) => setTimeout(r, 400)); // the timers' pushes of earlier changes are out
    onA.got.stats.length = 0;
    onB.got.stats.length = 0;
    for (const n of c.nodes) n.app.statsPush.stop(); // pushes by hand from here: one each
    await Promise.all([postTicket(A), postTicket(B)]);
    await new Promise((r) => setTimeout(r, 500)); // each node's touches relayed to the other
    await Promise.all(c.nodes.map((n) => n.app.statsPush.flush()));
    await new Promise((r) => setTimeout(r, 300));
    // Had each node pushed to every node's walls, each wall would have two.
    expect(onA.got.stats).toHaveLength(1);
    expect(onB.got.stats).toHaveLength(1);
    expect(onB.got.stats[0].watermark).toBe(onA.got.stats[0].watermark);
  });
});

describe('connection-state recovery across nodes', () => {
  it('a wall that blips off node B gets, on reconnecting to node A, the ticket it missed', async () => {
    const { s, got } = await wall(B);
    // Recovery resumes from the offset of the last broadcast received: receive one first.
    const first = await postTicket(A);
    await waitFor(() => (got.ticket.some((x) => x.id === first.id) ? true : undefined), 5000, 'the first ticket');
    // A network blip: the TCP connection dies; the client reconnects by itself, and the
    // balancer sends it to the other node this time.
    const gone = new Promise((r) => s.once('disconnect', r));
    s.io.opts.reconnectionDelay = 300;
    (s.io as unknown as { uri: string }).uri = A;
    (s.io.engine as unknown as { transport: { ws: { _socket: { destroy(): void } } } }).transport.ws._socket.destroy();
    await gone;
    const t = await postTicket(A);
    await new Promise<void>((r) => s.once('connect', () => r()));
    expect(s.recovered).toBe(true);
    await waitFor(() => (got.ticket.some((x) => x.id === t.id) ? true : undefined), 5000, 'the missed ticket');
    expect(got.ticket.filter((x) => x.id === t.id)).toHaveLength(1);
  });
});
