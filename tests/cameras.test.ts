// Cameras: GB/T 28181 ids, the seeded register (20,000, the same every time, each inside its
// grid by the net's locator, denser where people live), the point index against brute force,
// and the routes (columns by bbox, details, status set and audited, a ticket's nearest).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { cameraId, parseCameraId, OWNER_CODING, CAMERA_OWNERS } from '../server/domain/camera-id.ts';
import { generateCameras, type CameraCatalogue } from '../server/cameras/catalogue.ts';
import { CameraIndex } from '../server/cameras/index.ts';
import { mulberry32 } from '../server/sim/random.ts';
import type { Grid } from '../server/net/types.ts';
import { injectAs, report, storeHash, testApp, theNet, type TestApp } from './helpers.ts';

const haversineM = (lon1: number, lat1: number, lon2: number, lat2: number) => {
  const r = Math.PI / 180;
  const h = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371_000 * Math.asin(Math.sqrt(h));
};
const digest = (c: CameraCatalogue) => createHash('sha256')
  .update(c.ids.join()).update(c.names.join()).update(c.grid.join())
  .update(Buffer.from(c.lon.buffer)).update(Buffer.from(c.lat.buffer)).update(c.owner).update(c.type).digest('hex');

describe('GB/T 28181 camera ids', () => {
  it('are 20 digits: district + base unit, industry, type 131/132, network, serial; and parse back', () => {
    const parts = { district: '320402', baseUnit: '01', industry: '00', type: '132', network: '0', serial: 123 };
    const id = cameraId(parts);
    expect(id).toBe('32040201001320000123');
    expect(parseCameraId(id)).toEqual(parts);
    expect(parseCameraId('3204020100132000012')).toBeNull(); // 19 digits
    expect(parseCameraId('32040201001110000123')).toBeNull(); // 111: a DVR, not a camera
    expect(() => cameraId({ ...parts, serial: 1_000_000 })).toThrow(/serial/);
    expect(() => cameraId({ ...parts, district: '3204' })).toThrow(/bad parts/);
  });
});

describe('the seeded register', () => {
  const { net, locator } = theNet();
  let c: CameraCatalogue;
  beforeAll(() => {
    c = generateCameras(net, locator.gridAt);
  });

  it('draws 20,000 cameras, the same ones every time (digest), with unique ids coded by their district and owner', () => {
    expect(c.count).toBe(20_000);
    expect(digest(generateCameras(net, locator.gridAt))).toBe(digest(c));
    // Pinned: a change to the generator, its seed or the net moves every camera, and must be meant.
    expect(digest(c)).toBe('53a7c8b5b5b0902db5de6bf005cd844ec0328fe39795e5381f02531115c1eaac');
    expect(new Set(c.ids).size).toBe(20_000);
    for (let i = 0; i < c.count; i++) {
      const p = parseCameraId(c.ids[i])!;
      const coding = OWNER_CODING[CAMERA_OWNERS[c.owner[i]]];
      expect(p.district).toBe(c.grid[i].slice(0, 6));
      expect([p.baseUnit, p.industry, p.network]).toEqual([coding.baseUnit, coding.industry, coding.network]);
    }
    const owners = CAMERA_OWNERS.map((_, o) => c.owner.filter((x) => x === o).length);
    expect(owners[0]).toBeGreaterThan(owners[1]); // 雪亮工程 the most
    expect(Math.min(...owners)).toBeGreaterThan(2000);
  });

  it('puts every camera inside its grid, as the net\'s locator says', () => {
    for (let i = 0; i < c.count; i++) expect(locator.gridAt(c.lon[i], c.lat[i]), c.ids[i]).toBe(c.grid[i]);
  });

  it('is denser where people live: the most crowded tenth of base grids has several times the cameras per km² of the emptiest', () => {
    const perGrid = new Map<string, number>();
    for (const g of c.grid) perGrid.set(g, (perGrid.get(g) ?? 0) + 1);
    const base = [...net.areas.values()].filter((a): a is Grid => a.level === 'grid' && (a as Grid).type === 'base' && a.areaKm2 > 0)
      .sort((a, b) => a.households / a.areaKm2 - b.households / b.areaKm2);
    const tenth = Math.floor(base.length / 10);
    const density = (gs: Grid[]) => gs.reduce((n, g) => n + (perGrid.get(g.code) ?? 0), 0) / gs.reduce((n, g) => n + g.areaKm2, 0);
    expect(density(base.slice(-tenth))).toBeGreaterThan(5 * density(base.slice(0, tenth)));
  });

  it('finds the cameras in a bbox exactly as a brute-force filter does', () => {
    const index = new CameraIndex(c);
    const rand = mulberry32(7);
    const [w0, s0, e0, n0] = net.city.bbox;
    for (let k = 0; k < 50; k++) {
      const w = w0 + rand() * (e0 - w0), s = s0 + rand() * (n0 - s0);
      const e = w + rand() * 0.2, n = s + rand() * 0.2;
      const brute = [];
      for (let i = 0; i < c.count; i++) if (c.lon[i] >= w && c.lon[i] <= e && c.lat[i] >= s && c.lat[i] <= n) brute.push(i);
      expect(index.bbox(w, s, e, n)).toEqual(brute);
    }
    expect(index.bbox(c.lon[5], c.lat[5], c.lon[5], c.lat[5])).toContain(5); // edges count
  });

  it('ranks the cameras within 200 m of a place by distance exactly as a brute-force haversine scan does', () => {
    const index = new CameraIndex(c);
    const rand = mulberry32(11);
    let found = 0;
    for (let k = 0; k < 200; k++) {
      const j = Math.floor(rand() * c.count); // near a camera, so most places have some
      const lon = c.lon[j] + (rand() - 0.5) * 0.004, lat = c.lat[j] + (rand() - 0.5) * 0.004;
      const brute = [...c.ids.keys()].map((i) => ({ i, d: haversineM(lon, lat, c.lon[i], c.lat[i]) })).filter((x) => x.d <= 200).sort((a, b) => a.d - b.d).slice(0, 10);
      const got = index.nearest(lon, lat, 10, 200);
      expect(got.map((x) => x.index)).toEqual(brute.map((x) => x.i));
      got.forEach((x, n) => expect(Math.abs(x.distanceM - brute[n].d)).toBeLessThan(0.1));
      found += got.length;
    }
    expect(found).toBeGreaterThan(200);
  });
});

describe('the camera routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());
  type Columns = { count: number; ids: string[]; lon: number[]; lat: number[]; status: number[]; owner: number[]; type: number[]; statuses: string[]; owners: string[]; testSignal: boolean; synthetic: boolean };

  it('serves the register as columns, by bbox, status, owner and the caller\'s scope', async () => {
    const admin = await injectAs(t);
    const all = (await admin('/api/cameras')).json() as Columns;
    expect(all.count).toBe(20_000);
    expect([all.ids.length, all.lon.length, all.lat.length, all.status.length, all.owner.length, all.type.length]).toEqual(Array(6).fill(20_000));
    expect(all.statuses).toEqual(['online', 'offline', 'fault']);
    expect(all.synthetic && all.testSignal).toBe(true);
    const box = [119.95, 31.75, 120.0, 31.8];
    const inBox = (await admin(`/api/cameras?bbox=${box.join(',')}&owner=police`)).json() as Columns;
    const brute = all.ids.filter((_, i) => all.lon[i] >= box[0] && all.lon[i] <= box[2] && all.lat[i] >= box[1] && all.lat[i] <= box[3] && all.owner[i] === 0);
    expect(inBox.ids.sort()).toEqual(brute.sort());
    expect(brute.length).toBeGreaterThan(10);
    const district = await injectAs(t, 'leader', '320402');
    const mine = (await district('/api/cameras')).json() as Columns;
    expect(mine.count).toBeGreaterThan(100);
    expect(mine.ids.every((id) => id.startsWith('320402'))).toBe(true);
    expect((await district('/api/cameras?area=320481')).statusCode).toBe(403);
  });

  it('refuses bad input with a 4xx naming the field, and changes nothing', async () => {
    const admin = await injectAs(t);
    const id = ((await admin('/api/cameras?area=320402')).json() as Columns).ids[0];
    const before = storeHash(t);
    for (const [url, field] of [['/api/cameras?bbox=1,2,3', 'bbox'], ['/api/cameras?bbox=120,32,119,31', 'bbox'], ['/api/cameras?status=broken', 'status'], ['/api/cameras?owner=army', 'owner'], ['/api/cameras/123', 'id'], ['/api/tickets/T0000000001/nearest-cameras?radius=-1', 'radius']] as const) {
      const r = await admin(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().message, url).toContain(field);
    }
    expect((await admin('/api/cameras/32040201001329999999')).statusCode).toBe(404);
    for (const payload of [{ status: 'exploded' }, {}, { status: 'fault', extra: 1 }, { status: 'fault', at: 'yesterday' }]) {
      const r = await admin({ method: 'PUT', url: `/api/cameras/${id}/status`, payload });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await admin(`/api/cameras/${id}`)).json().status).toBe('online');
    expect(await t.stores.cameras.all()).toEqual([]);
    expect(storeHash(t)).toBe(before);
    const worker = await injectAs(t, 'worker', '320402');
    expect((await worker({ method: 'PUT', url: `/api/cameras/${id}/status`, payload: { status: 'fault' } })).statusCode).toBe(403);
  });

  it('sets a status (stored, audited, shown) and ignores an older report', async () => {
    const admin = await injectAs(t);
    const id = ((await admin('/api/cameras?area=320404')).json() as Columns).ids[3];
    const r = await admin({ method: 'PUT', url: `/api/cameras/${id}/status`, payload: { status: 'fault' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id, status: 'fault', changed: true });
    const d = (await admin(`/api/cameras/${id}`)).json();
    expect(d).toMatchObject({ id, status: 'fault', statusName: '故障', grid: expect.stringMatching(/^320404/), hlsUrl: '/video/test-signal/index.m3u8', testSignal: true, synthetic: true });
    const old = await admin({ method: 'PUT', url: `/api/cameras/${id}/status`, payload: { status: 'online', at: '2020-01-01T00:00:00Z' } });
    expect(old.json()).toMatchObject({ status: 'fault', changed: false });
    const faults = (await admin('/api/cameras?status=fault')).json() as Columns;
    expect(faults.ids).toEqual([id]);
    const audit = (await admin('/api/audit?limit=20')).json() as { items: { kind: string; target: string; after: unknown }[] };
    expect(audit.items.find((e) => e.kind === 'camera.status' && e.target === id)).toMatchObject({ after: { status: 'fault' } });
  });

  it('gives a ticket the cameras within 200 m, nearest first', async () => {
    const admin = await injectAs(t);
    const all = (await admin('/api/cameras')).json() as Columns;
    const first = all.ids.findIndex((id) => id.startsWith('320402'));
    const [lon, lat] = [all.lon[first] + 0.0004, all.lat[first] + 0.0003];
    const ticket = (await admin({ method: 'POST', url: '/api/tickets', payload: report(lon, lat) })).json().id as string;
    const near = (await admin(`/api/tickets/${ticket}/nearest-cameras?radius=200&limit=50`)).json() as { items: { id: string; distanceM: number }[] };
    const brute = all.ids.map((id, i) => ({ id, d: haversineM(lon, lat, all.lon[i], all.lat[i]) })).filter((x) => x.d <= 200).sort((a, b) => a.d - b.d);
    expect(near.items.map((x) => x.id)).toEqual(brute.map((x) => x.id));
    expect(near.items.length).toBeGreaterThan(0);
    expect((await admin(`/api/tickets/${ticket}/nearest-cameras?limit=2`)).json().items).toHaveLength(Math.min(2, brute.length));
    expect((await admin('/api/tickets/T9999999999/nearest-cameras')).statusCode).toBe(404);
    const outside = await injectAs(t, 'leader', '320481');
    expect((await outside(`/api/tickets/${ticket}/nearest-cameras`)).statusCode).toBe(403);
  });

  it('serves the test-signal clip as HLS with its content types', async () => {
    const list = await t.app.inject({ url: '/video/test-signal/index.m3u8' });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-type']).toContain('application/vnd.apple.mpegurl');
    const segs = list.body.split('\n').filter((l) => l.endsWith('.ts'));
    expect(segs.length).toBeGreaterThan(0);
    const seg = await t.app.inject({ url: `/video/test-signal/${segs[0]}` });
    expect(seg.headers['content-type']).toContain('video/mp2t');
    expect(seg.rawPayload[0]).toBe(0x47); // an MPEG-TS sync byte
    expect((await t.app.inject({ url: '/video/test-signal/seg99.ts' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/video/test-signal/..%2Fx.ts' })).statusCode).toBe(400);
  });
});
