// One valid request per registered route, about an area inside or outside the caller's
// scope (a district, 天宁区 320402; outside: 溧阳市 320481), with the records they name.
// Shared by the access matrix and the fuzz tests: a route added without an example here
// fails both.
import type { InjectOptions } from 'fastify';
import sharp from 'sharp';
import { gridOf, report, theNet, type TestApp } from './helpers.ts';

export const IN = '320402';
export const OUT = '320481';
export type Side = 'in' | 'out';
export type Examples = Record<string, (s: Side) => InjectOptions>;

export type FormPart = { name: string; value: string } | { name: string; filename: string; type?: string; data: Buffer };

/** A multipart/form-data body built by hand, with its content-type header. */
export function multipartBody(parts: FormPart[], boundary = `----one-net-${Math.random().toString(16).slice(2)}`): { payload: Buffer; headers: Record<string, string> } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = 'data' in p
      ? `Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}`
      : `Content-Disposition: form-data; name="${p.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n\r\n`), 'data' in p ? p.data : Buffer.from(p.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A tiny real JPEG of one colour. */
export const tinyJpeg = (r: number, g: number, b: number) => sharp({ create: { width: 16, height: 12, channels: 3, background: { r, g, b } } }).jpeg().toBuffer();
/** An upload of `jpeg` as a photo of `kind`. */
export const photoForm = (jpeg: Buffer, kind = 'before') => multipartBody([{ name: 'kind', value: kind }, { name: 'file', filename: 'photo.jpg', type: 'image/jpeg', data: jpeg }]);

/** Creates, as the admin, a record of each kind inside and outside the scope, and returns
 * the examples that name them. */
export async function routeExamples(t: TestApp): Promise<Examples> {
  const { net } = theNet();
  let n = 0;
  const ids: Record<string, Record<Side, string>> = {};
  const admin = await t.as('admin');
  const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload, headers: admin.headers }).then((r) => r.json());
  const inG = gridOf(net, IN), outG = gridOf(net, OUT);
  ids.ticket = { in: (await post('/api/tickets', report(inG.label[0], inG.label[1]))).id, out: (await post('/api/tickets', report(outG.label[0], outG.label[1]))).id };
  ids.account = { in: (await post('/api/accounts', { username: 'in-acc', password: 'password-1', role: 'leader', scope: IN + '001' })).username, out: (await post('/api/accounts', { username: 'out-acc', password: 'password-1', role: 'leader', scope: OUT + '001' })).username };
  for (const kind of ['displays', 'keys']) ids[kind] = { in: (await post(`/api/${kind}`, { name: 'x', scope: IN })).id, out: (await post(`/api/${kind}`, { name: 'x', scope: OUT })).id };
  const worker = (d: string) => net.workers.get((net.areas.get(gridOf(net, d).code) as { workers: string[] }).workers[0])!.id;
  ids.devices = { in: (await post('/api/devices', { id: 'dev-in', workerId: worker(IN) })).id, out: (await post('/api/devices', { id: 'dev-out', workerId: worker(OUT) })).id };
  ids.worker = { in: worker(IN), out: worker(OUT) };
  // Photos: inside, on a ticket dispatched to the department the matrix's handlers have
  // (cgj), so a handler may attach and see it; outside, another photo on another ticket.
  const item = ((await t.app.inject({ url: '/api/catalogue', headers: admin.headers })).json() as { items: { code: string }[] }).items[0].code;
  const inPhotoTicket = (await post('/api/tickets', report(inG.label[0], inG.label[1]))).id as string;
  await post(`/api/tickets/${inPhotoTicket}/actions`, { action: 'verify', item, level: 'general' });
  await post(`/api/tickets/${inPhotoTicket}/actions`, { action: 'dispatch', department: 'cgj' });
  ids.photoTicket = { in: inPhotoTicket, out: (await post('/api/tickets', report(outG.label[0], outG.label[1]))).id };
  const jpeg = { in: await tinyJpeg(200, 40, 40), out: await tinyJpeg(40, 40, 200) };
  const upload = async (side: Side) => {
    const form = photoForm(jpeg[side]);
    const r = await t.app.inject({ method: 'POST', url: `/api/tickets/${ids.photoTicket[side]}/photos`, payload: form.payload, headers: { ...admin.headers, ...form.headers } });
    if (r.statusCode !== 201) throw new Error(`photo example: ${r.statusCode} ${r.body}`);
    return (r.json() as { photo: { hash: string } }).photo.hash;
  };
  ids.photo = { in: await upload('in'), out: await upload('out') };
  const point = (side: Side) => (side === 'in' ? inG : outG).label;
  const cameraIn = async (d: string) => ((await t.app.inject({ url: `/api/cameras?area=${d}`, headers: admin.headers })).json() as { ids: string[] }).ids[0];
  ids.camera = { in: await cameraIn(IN), out: await cameraIn(OUT) };
  const area = (side: Side) => (side === 'in' ? IN : OUT);
  return {
    'GET /api/health': () => ({ url: '/api/health' }),
    'GET /api/docs/json': () => ({ url: '/api/docs/json' }),
    'POST /api/auth/login': () => ({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'wrong-password' } }),
    'POST /api/auth/display': () => ({ method: 'POST', url: '/api/auth/display', payload: { token: 'x'.repeat(43) } }),
    'POST /api/auth/refresh': () => ({ method: 'POST', url: '/api/auth/refresh', payload: {} }),
    'POST /api/auth/logout': () => ({ method: 'POST', url: '/api/auth/logout' }),
    'GET /api/auth/me': () => ({ url: '/api/auth/me' }),
    'POST /api/accounts': (s) => ({ method: 'POST', url: '/api/accounts', payload: { username: `m-${++n}`, password: 'password-1', role: 'leader', scope: area(s) } }),
    'GET /api/accounts': () => ({ url: '/api/accounts' }),
    'GET /api/accounts/:username': (s) => ({ url: `/api/accounts/${ids.account[s]}` }),
    'PATCH /api/accounts/:username': (s) => ({ method: 'PATCH', url: `/api/accounts/${ids.account[s]}`, payload: { name: `n${++n}` } }),
    'POST /api/displays': (s) => ({ method: 'POST', url: '/api/displays', payload: { name: 'wall', scope: area(s) } }),
    'GET /api/displays': () => ({ url: '/api/displays' }),
    'DELETE /api/displays/:id': (s) => ({ method: 'DELETE', url: `/api/displays/${ids.displays[s]}` }),
    'POST /api/devices': (s) => ({ method: 'POST', url: '/api/devices', payload: { id: `d-${++n}`, workerId: ids.worker[s] } }),
    'GET /api/devices': () => ({ url: '/api/devices' }),
    'DELETE /api/devices/:id': (s) => ({ method: 'DELETE', url: `/api/devices/${ids.devices[s]}` }),
    'POST /api/keys': (s) => ({ method: 'POST', url: '/api/keys', payload: { name: 'gateway', scope: area(s) } }),
    'GET /api/keys': () => ({ url: '/api/keys' }),
    'DELETE /api/keys/:id': (s) => ({ method: 'DELETE', url: `/api/keys/${ids.keys[s]}` }),
    'GET /api/audit': () => ({ url: '/api/audit?limit=5' }),
    'GET /api/departments': () => ({ url: '/api/departments' }),
    'GET /api/catalogue': () => ({ url: '/api/catalogue' }),
    'GET /api/areas/:code': (s) => ({ url: `/api/areas/${area(s)}` }),
    'GET /api/grids': (s) => ({ url: `/api/grids?parent=${area(s)}001` }),
    'GET /api/labels': () => ({ url: '/api/labels?level=district' }),
    'GET /api/meta': () => ({ url: '/api/meta' }),
    'GET /api/tiles/:z/:x/:y.pbf': () => ({ url: '/api/tiles/8/213/104.pbf' }),
    'GET /api/locate': (s) => ({ url: `/api/locate?lon=${point(s)[0]}&lat=${point(s)[1]}` }),
    'POST /api/tickets': (s) => ({ method: 'POST', url: '/api/tickets', payload: report(point(s)[0], point(s)[1]) }),
    'GET /api/tickets': (s) => ({ url: `/api/tickets?area=${area(s)}&limit=5` }),
    'GET /api/tickets/:id': (s) => ({ url: `/api/tickets/${ids.ticket[s]}` }),
    'GET /api/stats/today': (s) => ({ url: `/api/stats/today?area=${area(s)}` }),
    'GET /api/tickets/day-dots': (s) => ({ url: `/api/tickets/day-dots?area=${area(s)}` }),
    'POST /api/tickets/:id/actions': (s) => ({ method: 'POST', url: `/api/tickets/${ids.ticket[s]}/actions`, payload: { action: 'remind', note: '请尽快核实' } }),
    'GET /api/tickets/:id/timeline': (s) => ({ url: `/api/tickets/${ids.ticket[s]}/timeline` }),
    'POST /api/tickets/:id/photos': (s) => {
      const form = photoForm(jpeg.in);
      return { method: 'POST', url: `/api/tickets/${ids.photoTicket[s]}/photos`, payload: form.payload, headers: form.headers };
    },
    'GET /api/photos/:hash': (s) => ({ url: `/api/photos/${ids.photo[s]}` }),
    'GET /api/photos/:hash/thumb': (s) => ({ url: `/api/photos/${ids.photo[s]}/thumb` }),
    'GET /api/queues': (s) => ({ url: `/api/queues?area=${area(s)}` }),
    'GET /api/queues/:queue': (s) => ({ url: `/api/queues/to_verify?area=${area(s)}&limit=5` }),
    'POST /api/tickets/bulk-actions': (s) => ({ method: 'POST', url: '/api/tickets/bulk-actions', payload: { ids: [ids.ticket[s]], action: 'remind', note: '请尽快处理' } }),
    'GET /api/kpi': (s) => ({ url: `/api/kpi?area=${area(s)}&from=2026-11-01&to=2026-11-30` }),
    'GET /api/kpi/map': (s) => ({ url: `/api/kpi/map?area=${area(s)}&from=2026-11-01&to=2026-11-30` }),
    'GET /api/kpi/ranking': (s) => ({ url: `/api/kpi/ranking?by=street&area=${area(s)}&from=2026-11-01&to=2026-11-30` }),
    'GET /api/heatmap/points': (s) => ({ url: `/api/heatmap/points?area=${area(s)}&from=2026-11-01&to=2026-11-30` }),
    'GET /api/heatmap/hex': (s) => ({ url: `/api/heatmap/hex?area=${area(s)}&from=2026-11-01&to=2026-11-30&res=7` }),
    // Open311 GeoReport v2 (the examples send their caller's credentials; clients send api_key).
    'GET /open311/v2/services.json': () => ({ url: '/open311/v2/services.json' }),
    'GET /open311/v2/services/:service_code.json': () => ({ url: '/open311/v2/services/SR-01-001.json' }),
    'GET /open311/v2/requests.json': () => ({ url: '/open311/v2/requests.json?status=open&service_code=SR-01-001' }),
    'GET /open311/v2/requests/:service_request_id.json': (s) => ({ url: `/open311/v2/requests/${ids.ticket[s]}.json` }),
    // A tracker's request without its token: refused (the device auth is tested in api.patrol).
    'GET /osmand': (s) => ({ url: `/osmand?id=${ids.worker[s]}&lat=${point(s)[1]}&lon=${point(s)[0]}` }),
    'POST /osmand': (s) => ({ method: 'POST', url: `/osmand?id=${ids.worker[s]}&lat=${point(s)[1]}&lon=${point(s)[0]}` }),
    'POST /api/positions': (s) => ({ method: 'POST', url: '/api/positions', payload: { fixes: [{ device: ids.worker[s], t: Date.now() - 1000 - ++n, lon: point(s)[0], lat: point(s)[1] }] } }),
    'GET /api/patrol/devices': (s) => ({ url: `/api/patrol/devices?area=${area(s)}` }),
    'GET /api/devices/:id/track': (s) => ({ url: `/api/devices/${ids.worker[s]}/track` }),
    'GET /api/patrol/today': () => ({ url: '/api/patrol/today' }),
    'GET /api/patrol/tasks': () => ({ url: '/api/patrol/tasks' }),
    'GET /api/patrol/coverage': (s) => ({ url: `/api/patrol/coverage?area=${area(s)}001` }),
    'GET /api/tickets/:id/nearest-workers': (s) => ({ url: `/api/tickets/${ids.ticket[s]}/nearest-workers?k=3` }),
    'GET /api/cameras': (s) => ({ url: `/api/cameras?area=${area(s)}&status=online&bbox=119,31,121,32.5` }),
    'GET /api/cameras/:id': (s) => ({ url: `/api/cameras/${ids.camera[s]}` }),
    'PUT /api/cameras/:id/status': (s) => ({ method: 'PUT', url: `/api/cameras/${ids.camera[s]}/status`, payload: { status: ++n % 2 ? 'fault' : 'online' } }),
    'GET /api/tickets/:id/nearest-cameras': (s) => ({ url: `/api/tickets/${ids.ticket[s]}/nearest-cameras?radius=200&limit=4` }),
    'GET /video/test-signal/:file': () => ({ url: '/video/test-signal/index.m3u8' }),
    'POST /open311/v2/requests.json': (s) => ({ method: 'POST', url: '/open311/v2/requests.json', payload: { service_code: 'SR-01-001', lat: point(s)[1], long: point(s)[0], description: '路边垃圾堆放' } }),
    // City components and places (server/routes/city.ts): the first 上水井盖 of each district.
    'GET /api/components': () => ({ url: '/api/components?bbox=119.9,31.7,120.0,31.8&classes=01,02' }),
    'GET /api/components/meta': () => ({ url: '/api/components/meta' }),
    'GET /api/components/:code': (s) => ({ url: `/api/components/${area(s)}0101000001` }),
    'GET /api/places': () => ({ url: '/api/places?bbox=119.9,31.7,120.0,31.8&kinds=premise,alarm' }),
    'GET /api/areas/:code/elements': (s) => ({ url: `/api/areas/${area(s)}/elements` }),
  };
}
