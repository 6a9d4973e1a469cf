// Patrol end to end over real HTTP and real Socket.IO clients: the requests Traccar Client
// sends, a gateway's batch with bad fixes in it, a worker's phone page, tracks read back,
// and the coalesced binary frames a wall receives for its area only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { newToken, tokenHash } from '../server/auth/tokens.ts';
import { decodePositionsFrame, POSITION_SCALE } from '../server/domain/positions-frame.ts';
import { DEVICE_STATUS } from '../server/domain/fix.ts';
import type { Worker } from '../server/net/types.ts';
import { testApp, type TestApp } from './helpers.ts';

let t: TestApp;
let clock = Date.UTC(2026, 10, 23, 2, 0, 0); // a Monday, 10:00 CST
const now = () => clock;
const tokens = new Map<string, string>();
let admin: { headers: Record<string, string> };
let inDistrict: Worker[]; // phones of 320402 (天宁区)
let elsewhere: Worker; // a phone of 320481 (溧阳市)

beforeAll(async () => {
  t = await testApp({ listen: true, now, patrol: { frameIntervalMs: 100, offlineAfterMs: 5 * 60_000 } });
  admin = await t.as('admin');
  inDistrict = [...t.net.workers.values()].filter((w) => w.grid.startsWith('320402')).slice(0, 3);
  elsewhere = [...t.net.workers.values()].find((w) => w.grid.startsWith('320481'))!;
  for (const w of [...inDistrict, elsewhere]) {
    const token = newToken();
    tokens.set(w.id, token);
    await t.stores.access.issue('device', { id: w.id, name: w.name, scope: w.grid, workerId: w.id, tokenHash: tokenHash(token), createdBy: 'test', createdAt: clock });
  }
}, 60_000);
afterAll(async () => t?.close());

const label = (w: Worker) => (t.net.areas.get(w.grid)!.label);
const secs = (ms: number) => String(Math.floor(ms / 1000));
const track = async (id: string) => (await fetch(`${t.url}/api/devices/${id}/track?from=${new Date(clock - 86_400_000).toISOString()}&to=${new Date(clock + 60_000).toISOString()}`, { headers: admin.headers })).json();

describe('OsmAnd (/osmand), as Traccar Client sends it', () => {
  it('takes query, form and JSON positions with the device token, answers 200 with an empty body, and keeps them on the track', async () => {
    const w = inDistrict[0];
    const [lon, lat] = label(w);
    const token = tokens.get(w.id)!;
    const a = await fetch(`${t.url}/osmand?id=${w.id}&token=${token}&timestamp=${secs(clock - 20_000)}&lat=${lat}&lon=${lon}&speed=1.944&bearing=90&altitude=8&accuracy=4&batt=77`, { method: 'POST' });
    expect([a.status, await a.text()]).toEqual([200, '']);
    const b = await fetch(`${t.url}/osmand`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `id=${w.id}&token=${token}&timestamp=${secs(clock - 15_000)}&lat=${lat + 0.0001}&lon=${lon}` });
    expect([b.status, await b.text()]).toEqual([200, '']);
    const c = await fetch(`${t.url}/osmand?token=${token}`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: w.id, location: { timestamp: new Date(clock - 10_000).toISOString(), coords: { latitude: lat + 0.0002, longitude: lon, accuracy: 6, speed: 1.1, heading: 180, altitude: 9 }, is_moving: true, battery: { level: 0.76, is_charging: false } } }),
    });
    expect([c.status, await c.text()]).toEqual([200, '']);
    const tr = await track(w.id);
    expect(tr.fixes).toBe(3);
    expect(tr.points.map((p: { t: number }) => p.t)).toEqual([clock - 20_000, clock - 15_000, clock - 10_000]);
    expect(tr.points[0]).toMatchObject({ lon, lat, bearing: 90, accuracy: 4 });
    expect(tr.points[0].speed).toBeCloseTo(1.0, 1); // 1.944 knots
    expect(tr.points[2]).toMatchObject({ speed: 1.1, bearing: 180, accuracy: 6 });
    expect(tr.distanceM).toBeGreaterThan(15);
    expect(tr.distanceM).toBeLessThan(30);
  });

  it("refuses a device's fix without its own token, and stores nothing", async () => {
    const [w, other] = inDistrict;
    const [lon, lat] = label(w);
    const before = (await track(w.id)).fixes;
    for (const url of [
      `/osmand?id=${w.id}&lat=${lat}&lon=${lon}`, // no token
      `/osmand?id=${w.id}&token=${tokens.get(other.id)}&lat=${lat}&lon=${lon}`, // another device's
      `/osmand?id=${w.id}&token=not-a-token&lat=${lat}&lon=${lon}`,
    ]) {
      const r = await fetch(t.url + url, { method: 'POST' });
      expect(r.status, url).toBe(401);
      expect((await r.json()).message).toMatch(/^token:/);
    }
    const r = await fetch(`${t.url}/osmand?id=${w.id}&token=${tokens.get(w.id)}&lat=${lat}`, { method: 'POST' });
    expect([r.status, (await r.json()).message]).toEqual([400, expect.stringMatching(/^lat:/)]);
    expect((await track(w.id)).fixes).toBe(before);
  });
});

describe('POST /api/positions', () => {
  it("stores a gateway's good fixes and says which others were refused and why", async () => {
    const w = inDistrict[1];
    const [lon, lat] = label(w);
    const fixes = [
      { device: w.id, t: clock - 9000, lon, lat, accuracy: 5 },
      { device: w.id, t: clock - 9000, lon, lat }, // the same instant again
      { device: 'W999', t: clock, lon, lat },
      { device: w.id, t: clock - 8000, lon: 200, lat },
      { device: w.id, t: clock - 7000, lon, lat, colour: 'red' },
      { device: w.id, t: clock + 3_600_000, lon, lat },
      { device: w.id, t: new Date(clock - 6000).toISOString(), lon, lat, crs: 'gcj02' },
    ];
    const r = await fetch(`${t.url}/api/positions`, { method: 'POST', headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify({ fixes }) });
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.accepted).toBe(2);
    expect(body.duplicates).toEqual([1]);
    expect(body.rejected.map((x: { index: number; message: string }) => [x.index, x.message.split(':')[0]])).toEqual([[2, 'device'], [3, 'lon'], [4, 'colour'], [5, 't']]);
    const tr = await track(w.id);
    expect(tr.points.map((p: { t: number }) => p.t)).toEqual([clock - 9000, clock - 6000]);
    expect(tr.points[1].lon).not.toBe(lon); // GCJ-02 converted to WGS-84
  });

  it("takes a worker's own fixes from the phone page, and refuses another device's", async () => {
    const g = inDistrict[2].grid;
    const worker = await t.as('worker', g, { grids: [g] });
    const [lon, lat] = t.net.areas.get(g)!.label;
    const r = await fetch(`${t.url}/api/positions`, { method: 'POST', headers: { ...worker.headers, 'content-type': 'application/json' }, body: JSON.stringify({ fixes: [{ t: clock - 4000, lon, lat }, { device: inDistrict[2].id, t: clock - 3000, lon, lat }] }) });
    const body = await r.json();
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([{ index: 1, message: expect.stringMatching(/^device: .* is not yours/) }]);
    const today = await (await fetch(`${t.url}/api/patrol/today`, { headers: worker.headers })).json();
    expect(today).toMatchObject({ device: `account:${worker.username}`, fixes: 1, reported: 0 });
    // The same over the phone page's socket (event `fixes`, acknowledged with the same answer).
    const phone: ClientSocket = connect(t.url, { auth: { token: worker.token }, query: { area: g }, transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((r) => phone.once('connect', () => r()));
    const ack = await phone.timeout(5000).emitWithAck('fixes', { fixes: [{ t: clock - 2000, lon, lat }, { t: clock - 2000, lon, lat }, { t: clock - 1000, lon: 999, lat }] });
    expect(ack).toEqual({ ok: true, accepted: 1, duplicates: [1], rejected: [{ index: 2, message: expect.stringMatching(/^lon:/) }] });
    phone.close();
    expect((await (await fetch(`${t.url}/api/patrol/today`, { headers: worker.headers })).json()).fixes).toBe(2);
  });
});

/** A wall on `area` showing the workers layer: every `positions` frame it gets, decoded. */
async function wall(area: string) {
  const a = await t.as('dispatcher', area);
  const s: ClientSocket = connect(t.url, { auth: { token: a.token, layers: ['workers'] }, query: { area }, transports: ['websocket'], forceNew: true, reconnection: false });
  const frames: ReturnType<typeof decodePositionsFrame>[] = [];
  s.on('positions', (buf: ArrayBuffer) => frames.push(decodePositionsFrame(buf)));
  await new Promise<void>((r) => s.once('connect', () => r()));
  return { s, frames };
}
const until = async (f: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('frames to walls', () => {
  it('gives a joining wall a snapshot of its area, then coalesced deltas with the newest fix of each device in it only', async () => {
    const { s, frames } = await wall('320402');
    await until(() => frames.length >= 1);
    const snap = frames[0];
    expect(snap.snapshot).toBe(true);
    const roster = (await (await fetch(`${t.url}/api/patrol/devices`, { headers: admin.headers })).json()).items as { id: string; index: number }[];
    const indexOf = (id: string) => roster.find((d) => d.id === id)!.index;
    expect([...snap.index.subarray(0, snap.count)]).toContain(indexOf(inDistrict[0].id));

    const w = inDistrict[0];
    const [lon, lat] = label(w);
    clock += 1000;
    // Three fixes of one device and one of another district's, between two frames.
    const send = (id: string, dt: number, dLat: number, l = label(w)) => fetch(`${t.url}/osmand?id=${id}&token=${tokens.get(id)}&timestamp=${(clock + dt) / 1000}&lat=${l[1] + dLat}&lon=${l[0]}`, { method: 'POST' });
    await Promise.all([send(w.id, 100, 0.0010), send(w.id, 300, 0.0030), send(w.id, 200, 0.0020), send(elsewhere.id, 0, 0, label(elsewhere))]);
    await until(() => frames.length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const deltas = frames.slice(1);
    expect(deltas.every((f) => !f.snapshot)).toBe(true);
    const mine = deltas.flatMap((f) => [...f.index.subarray(0, f.count)].map((ix, k) => ({ ix, lat: f.latE6[k] / POSITION_SCALE, status: f.status[k] })));
    // Requests may straddle a flush; whatever the frames, the wall ends on the newest fix.
    const ofW = mine.filter((m) => m.ix === indexOf(w.id));
    expect(ofW.at(-1)).toEqual({ ix: indexOf(w.id), lat: expect.closeTo(lat + 0.0030, 6), status: DEVICE_STATUS.online });
    expect(mine.some((m) => m.ix === indexOf(elsewhere.id))).toBe(false); // another district's phone
    expect(lon).toBeGreaterThan(0);
    s.close();
  });

  it('shows a device offline once it has been silent for five minutes, and keeps no frame for recovery', async () => {
    const { s, frames } = await wall('320402');
    await until(() => frames.length >= 1);
    const kept = (t.app.live.io.of('/').adapter as unknown as { packets: unknown[] }).packets.length;
    clock += 6 * 60_000;
    await until(() => frames.some((f) => !f.snapshot && [...f.status.subarray(0, f.count)].includes(DEVICE_STATUS.offline)));
    expect((t.app.live.io.of('/').adapter as unknown as { packets: unknown[] }).packets.length).toBe(kept); // volatile: nothing kept
    s.close();
  });
});

describe('tasks pushed to the nearest grid worker (智能推送)', () => {
  it('finds the nearest online phones to a ticket, and pushes the task to the one chosen, whose phone page gets it at once', async () => {
    const g = inDistrict[2].grid;
    const [lon, lat] = t.net.areas.get(g)!.label;
    const worker = await t.as('worker', g, { grids: [g] });
    // The worker's phone page: on patrol (a fix a few metres from the report), listening.
    await fetch(`${t.url}/api/positions`, { method: 'POST', headers: { ...worker.headers, 'content-type': 'application/json' }, body: JSON.stringify({ fixes: [{ t: clock - 500, lon, lat: lat + 0.0001 }] }) });
    const phone: ClientSocket = connect(t.url, { auth: { token: worker.token }, query: { area: g }, transports: ['websocket'], forceNew: true, reconnection: false });
    const pushed: { ticket: { id: string; assignee: string } }[] = [];
    phone.on('task', (m) => pushed.push(m));
    await new Promise<void>((r) => phone.once('connect', () => r()));

    const reportBody = { lon, lat, category: 'fire_safety', source: 'hotline', description: '楼道堆放杂物' };
    const ticket = await (await fetch(`${t.url}/api/tickets`, { method: 'POST', headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify(reportBody) })).json();
    const near = await (await fetch(`${t.url}/api/tickets/${ticket.id}/nearest-workers?k=3`, { headers: admin.headers })).json();
    expect(near.items[0]).toMatchObject({ device: `account:${worker.username}`, status: DEVICE_STATUS.online });
    expect(near.items[0].distanceM).toBeLessThan(20);
    for (let k = 1; k < near.items.length; k++) expect(near.items[k].distanceM).toBeGreaterThanOrEqual(near.items[k - 1].distanceM);

    const bad = await fetch(`${t.url}/api/tickets/${ticket.id}/actions`, { method: 'POST', headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'assign', worker: 'W0' }) });
    expect([bad.status, (await bad.json()).message]).toEqual([400, expect.stringMatching(/^worker:/)]);
    const ok = await fetch(`${t.url}/api/tickets/${ticket.id}/actions`, { method: 'POST', headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'assign', worker: near.items[0].device }) });
    expect(ok.status).toBe(200);
    await until(() => pushed.length > 0);
    expect(pushed[0].ticket).toMatchObject({ id: ticket.id, assignee: `account:${worker.username}` });
    const inbox = await (await fetch(`${t.url}/api/patrol/tasks`, { headers: worker.headers })).json();
    expect(inbox.items.map((x: { ticket: { id: string } }) => x.ticket.id)).toContain(ticket.id);
    const roster = (await (await fetch(`${t.url}/api/patrol/devices?area=${g}`, { headers: admin.headers })).json()).items as { id: string; status: number }[];
    expect(roster.find((d) => d.id === `account:${worker.username}`)!.status).toBe(DEVICE_STATUS.onTask);
    phone.close();
  });

  it('keeps when a report queued offline was seen on the phone', async () => {
    const g = inDistrict[2].grid;
    const [lon, lat] = t.net.areas.get(g)!.label;
    const seen = new Date(clock - 3_600_000).toISOString();
    const r = await (await fetch(`${t.url}/api/tickets`, { method: 'POST', headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify({ lon, lat, category: 'fire_safety', source: 'patrol', description: '消防通道堵塞', observedAt: seen, clientId: 'phone-queued-0001' }) })).json();
    const tl = await (await fetch(`${t.url}/api/tickets/${r.id}/timeline`, { headers: admin.headers })).json();
    expect(tl.items[0].data).toMatchObject({ observedAt: seen });
    const old = await fetch(`${t.url}/api/tickets`, { method: 'POST', headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify({ lon, lat, category: 'fire_safety', source: 'patrol', observedAt: new Date(clock - 8 * 86_400_000).toISOString() }) });
    expect([old.status, (await old.json()).message]).toEqual([400, expect.stringMatching(/^observedAt:/)]);
  });
});

describe('patrol coverage (巡查覆盖)', () => {
  it("counts the 50 m cells of a grid its own phone walked today, ranks streets, and flags a phone long off its grid", async () => {
    const w = elsewhere; // a 溧阳市 phone: its grid untouched by the other tests
    const g = t.net.areas.get(w.grid)!;
    const token = tokens.get(w.id)!;
    const before = (await (await fetch(`${t.url}/api/patrol/coverage?area=${w.grid.slice(0, 9)}`, { headers: admin.headers })).json());
    const mine = before.grids.find((x: { grid: string }) => x.grid === w.grid);
    expect(mine.walked).toBeLessThanOrEqual(1); // the frames test sent it to its label point
    expect(mine.cells).toBeGreaterThan(10);
    // Walk 200 m north–south through the grid's label point, a fix every 10 m: 4–5 cells.
    const [lon, lat] = g.label;
    for (let k = 0; k <= 20; k++) {
      const r = await fetch(`${t.url}/osmand?id=${w.id}&token=${token}&timestamp=${(clock + k * 8000) / 1000}&lat=${lat - 0.0009 + k * 0.00009}&lon=${lon}`, { method: 'POST' });
      expect(r.status).toBe(200);
    }
    const after = await (await fetch(`${t.url}/api/patrol/coverage?area=${w.grid.slice(0, 9)}`, { headers: admin.headers })).json();
    const now = after.grids.find((x: { grid: string }) => x.grid === w.grid);
    expect(now.walked).toBeGreaterThanOrEqual(4);
    expect(now.walked).toBeLessThanOrEqual(6);
    expect(now.coverage).toBeCloseTo(now.walked / now.cells, 3);
    expect(after.streets[0]).toMatchObject({ code: w.grid.slice(0, 9) });
    expect(after.offGrid).toEqual([]);

    // Then it walks into the next district for over half an hour: flagged, while online.
    const away = label(inDistrict[0]);
    clock += 200_000;
    await fetch(`${t.url}/osmand?id=${w.id}&token=${token}&timestamp=${clock / 1000}&lat=${away[1]}&lon=${away[0]}`, { method: 'POST' });
    clock += 31 * 60_000;
    await fetch(`${t.url}/osmand?id=${w.id}&token=${token}&timestamp=${clock / 1000}&lat=${away[1]}&lon=${away[0]}`, { method: 'POST' });
    const flagged = await (await fetch(`${t.url}/api/patrol/coverage?area=320481`, { headers: admin.headers })).json();
    expect(flagged.offGrid).toEqual([{ device: w.id, name: w.name, grid: w.grid, standsIn: inDistrict[0].grid, since: new Date(clock - 31 * 60_000).toISOString() }]);
  });
});
