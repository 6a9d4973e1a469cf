// Open311 GeoReport v2 as real clients use it (FixMyStreet's Open311 client: a form-encoded
// POST with api_key and attribute[…] in the body; others post JSON with an x-api-key header):
// services from the item catalogue, reports through the loop, requests read back with each
// filter, a ticket taken to closed by the loop's roles, errors in the spec's form, and never
// any personal data in what GET answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridOf, storeHash, testApp, theNet, type TestApp } from './helpers.ts';
import type { Area } from '../server/net/types.ts';
import type { Credentials } from '../scripts/local-app.ts';
import { loadDepartments } from '../server/domain/departments.ts';
import { loadCatalogue } from '../server/domain/catalogue.ts';
import { CATEGORY_CODES } from '../server/domain/ticket.ts';
import { addressMatcher, itemCategories, readChoice, requestWindow, withChoice } from '../server/domain/open311.ts';

const IN = '320402'; // 天宁区: the key's scope
const OUT = '320481'; // 溧阳市
const T0 = Date.UTC(2026, 10, 23, 1, 30); // Monday 09:30 CST
let clock = T0;
let t: TestApp;
let key: string;
let otherKey: string;
let admin: Credentials;

interface Service { service_code: string; service_name: string; description: string; metadata: boolean; type: string; keywords: string; group: string }
interface GeoRequest {
  service_request_id: string; status: string; status_notes: string; service_name: string; service_code: string; description: string;
  agency_responsible: string | null; service_notice: string | null; requested_datetime: string; updated_datetime: string;
  expected_datetime: string | null; address: string; lat: number; long: number; media_url?: string;
}
interface CatalogueItem { code: string; name: string; department: string; selfHandle: boolean; evidence: { before: boolean; after: boolean } }

const { net } = theNet();
const grid = gridOf(net, IN);
const outGrid = gridOf(net, OUT);
const district = net.areas.get(IN)!;
const street = [...net.areas.values()].find((a): a is Area => a.level === 'street' && a.code.startsWith(IN))!;

const URL = '/open311/v2/requests.json';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const postForm = (fields: Record<string, string>) => t.app.inject({ method: 'POST', url: URL, payload: new URLSearchParams(fields).toString(), headers: FORM });
const postJson = (body: object, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url: URL, payload: body, headers });
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });
const withKey = (url: string, k = key) => `${url}${url.includes('?') ? '&' : '?'}api_key=${encodeURIComponent(k)}`;
const list = async (query: string, k = key): Promise<GeoRequest[]> => {
  const r = await get(withKey(`${URL}${query ? '?' + query : ''}`, k));
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
const one = async (id: string): Promise<GeoRequest> => {
  const r = await get(withKey(`/open311/v2/requests/${id}.json`));
  expect(r.statusCode, r.body).toBe(200);
  const body = r.json() as GeoRequest[];
  expect(body).toHaveLength(1);
  return body[0];
};

/** The spec's error form: `[{code, description}]`, the description naming `field`. */
function expectGeoError(res: { statusCode: number; json(): unknown; body: string }, code: number, field?: string) {
  expect(res.statusCode, res.body).toBe(code);
  const body = res.json() as { code: number; description: string }[];
  expect(body).toEqual([{ code, description: expect.any(String) }]);
  if (field) expect(body[0].description).toContain(field);
  return body[0].description;
}

let catalogue: CatalogueItem[];
let fireItem: CatalogueItem; // AQ-01 消防安全: filed as the ticket category fire_safety
let plainItem: CatalogueItem; // closes without photos
let formId: string;
let jsonId: string;
let addressId: string;
let outId: string;
const PERSONAL = { first_name: '三', last_name: '张', phone: '+86 138-1234-5678', email: 'zhangsan@example.com' };

beforeAll(async () => {
  t = await testApp({ now: () => clock });
  key = await t.apiKey(IN);
  otherKey = await t.apiKey(OUT);
  admin = await t.as('admin');
  catalogue = (await get('/api/catalogue', admin.headers)).json().items;
  fireItem = catalogue.find((i) => i.code.startsWith('AQ-01-'))!;
  plainItem = catalogue.find((i) => !i.selfHandle && !i.evidence.after && !i.code.startsWith('AQ-01-'))!;
  expect(fireItem && plainItem).toBeTruthy();
  // A ticket outside the key's scope, reported by the admin.
  const out = await postJson({ service_code: plainItem.code, lat: outGrid.label[1], long: outGrid.label[0] }, admin.headers);
  expect(out.statusCode, out.body).toBe(201);
  outId = out.json()[0].service_request_id;
});
afterAll(() => t?.close());

describe('services: the item catalogue', () => {
  it('lists every item as a realtime service with its category as group', async () => {
    const r = await get('/open311/v2/services.json');
    expect(r.statusCode).toBe(200);
    const services = r.json() as Service[];
    expect(services).toHaveLength(catalogue.length);
    const fire = services.find((s) => s.service_code === fireItem.code)!;
    expect(fire).toMatchObject({ service_name: fireItem.name, metadata: true, type: 'realtime', group: '安全生产与消防' });
    expect(fire.description.length).toBeGreaterThan(5);
    expect(fire.keywords).toContain('消防安全');
    expect(new Set(services.map((s) => s.group)).size).toBe(9);
  });

  it('defines one attribute, the information level, not required', async () => {
    const r = await get(`/open311/v2/services/${fireItem.code}.json?jurisdiction_id=320400`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      service_code: fireItem.code,
      attributes: [{
        variable: true, code: 'level', datatype: 'singlevaluelist', required: false, order: 1,
        values: [{ key: 'general', name: '一般' }, { key: 'major', name: '较大' }, { key: 'serious', name: '重大' }],
      }],
    });
    expect(r.json().attributes).toHaveLength(1);
  });

  it('answers an unknown service, another jurisdiction and XML in the spec\'s error form', async () => {
    expectGeoError(await get('/open311/v2/services/ZZ-99-999.json'), 404, 'service_code');
    expectGeoError(await get('/open311/v2/services.json?jurisdiction_id=330100'), 400, 'jurisdiction_id');
    expect(expectGeoError(await get('/open311/v2/services.xml'), 400, 'format')).toContain('only JSON');
    expect(expectGeoError(await get(`/open311/v2/services/${fireItem.code}.xml`), 400)).toContain('only JSON');
    expectGeoError(await get('/open311/v2/nothing-here'), 404);
  });
});

describe('POST requests: reports through the loop', () => {
  it('takes a form-encoded report with api_key and attribute[level] in the body (as FixMyStreet posts)', async () => {
    const r = await postForm({
      api_key: key, jurisdiction_id: '320400', service_code: fireItem.code, lat: String(grid.label[1]), long: String(grid.label[0]),
      description: '楼道内电动车充电，堵塞消防通道', media_url: 'https://example.org/photo/1.jpg', 'attribute[level]': 'major', ...PERSONAL,
    });
    expect(r.statusCode, r.body).toBe(201);
    const body = r.json();
    expect(body).toEqual([{ service_request_id: expect.stringMatching(/^T\d{10}$/), service_notice: expect.stringContaining('核实立案'), account_id: null }]);
    formId = body[0].service_request_id;

    // Stored as POST /api/tickets stores it: a citizen report in its grid, its category from the item.
    const ticket = (await get(`/api/tickets/${formId}`, admin.headers)).json();
    expect(ticket).toMatchObject({ status: 'reported', source: 'citizen', category: 'fire_safety', grid: { code: grid.code }, reporter: { name: '张三', phone: '+86138-1234-5678' } });
    expect(ticket.description).toBe(`【Open311 ${fireItem.code} ${fireItem.name}｜等级 较大｜图片 https://example.org/photo/1.jpg】\n楼道内电动车充电，堵塞消防通道`);
    const timeline = (await get(`/api/tickets/${formId}/timeline`, admin.headers)).json();
    expect(timeline.items[0]).toMatchObject({ action: 'report', role: 'integration' });
  });

  it('takes a JSON report with the key in a header, and one with the key in the JSON body', async () => {
    clock += 60_000;
    const r = await postJson({ service_code: plainItem.code, lat: grid.label[1], long: grid.label[0], description: '路灯不亮', attribute: { level: 'serious' } }, { 'x-api-key': key });
    expect(r.statusCode, r.body).toBe(201);
    jsonId = r.json()[0].service_request_id;
    const inBody = await postJson({ api_key: key, service_code: plainItem.code, lat: grid.label[1], long: grid.label[0] });
    expect(inBody.statusCode, inBody.body).toBe(201);
    const ticket = (await get(`/api/tickets/${jsonId}`, admin.headers)).json();
    expect(ticket.reporter).toBeUndefined(); // no phone: no reporter
    expect(ticket.description).toContain('｜等级 重大】');
  });

  it('places an address_string by the most specific area it names', async () => {
    clock += 60_000;
    const address = `江苏省常州市${district.name}${street.name}清凉路12号`;
    const r = await postForm({ api_key: key, service_code: plainItem.code, address_string: address, description: '井盖缺失' });
    expect(r.statusCode, r.body).toBe(201);
    addressId = r.json()[0].service_request_id;
    const ticket = (await get(`/api/tickets/${addressId}`, admin.headers)).json();
    expect(ticket.street.code).toBe(street.code);
    expect([ticket.lon, ticket.lat]).toEqual(street.label);
    const nowhere = await postForm({ api_key: key, service_code: plainItem.code, address_string: '北京市海淀区中关村大街1号' });
    expect(expectGeoError(nowhere, 400, 'address_string')).toContain('lat and long');
  });

  it('a retry with the same Idempotency-Key stores nothing new', async () => {
    const body = { service_code: plainItem.code, lat: grid.label[1], long: grid.label[0] };
    const headers = { 'x-api-key': key, 'idempotency-key': 'open311-retry-0001' };
    const a = await postJson(body, headers);
    const before = storeHash(t);
    const b = await postJson(body, headers);
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json()[0].service_request_id).toBe(a.json()[0].service_request_id);
    expect(storeHash(t)).toBe(before);
  });
});

describe('GET requests', () => {
  it('reads one request: the service chosen, the department, the deadline, the place, no personal data', async () => {
    const r = await one(formId);
    expect(r).toMatchObject({
      service_request_id: formId, status: 'open', status_notes: '已上报', service_code: fireItem.code, service_name: fireItem.name,
      description: '楼道内电动车充电，堵塞消防通道', media_url: 'https://example.org/photo/1.jpg', lat: grid.label[1], long: grid.label[0],
      requested_datetime: new Date(T0).toISOString(),
    });
    expect(r.agency_responsible).toBeTruthy();
    expect(r.expected_datetime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(r.address).toContain(district.name);
    expect(r.address).toContain(grid.name);
    expect(Object.keys(r)).not.toEqual(expect.arrayContaining(['reporter']));
  });

  it('lists the requests inside the key\'s scope by default (the last 90 days), newest first', async () => {
    const all = await list('');
    const ids = all.map((r) => r.service_request_id);
    expect(ids).toEqual(expect.arrayContaining([formId, jsonId, addressId]));
    expect(ids).not.toContain(outId);
    expect(ids).toEqual([...ids].sort().reverse());
    // The other district's key sees its own only.
    expect((await list('', otherKey)).map((r) => r.service_request_id)).toEqual([outId]);
  });

  it('filters by service_request_id (outside the scope: left out), service_code, dates and status', async () => {
    expect((await list(`service_request_id=${formId},${outId},${jsonId}`)).map((r) => r.service_request_id)).toEqual([formId, jsonId]);
    // Before verification the service is the one the reporter chose.
    expect((await list(`service_code=${fireItem.code}`)).map((r) => r.service_request_id)).toEqual([formId]);
    expect((await list(`service_code=${fireItem.code},${plainItem.code}`)).map((r) => r.service_request_id)).toEqual(expect.arrayContaining([formId, jsonId, addressId]));
    const iso = (ms: number) => new Date(ms).toISOString();
    expect((await list(`start_date=${iso(T0 + 30_000)}&end_date=${iso(clock + 1000)}`)).map((r) => r.service_request_id)).not.toContain(formId);
    expect((await list(`start_date=${iso(T0 - 1000)}&end_date=${iso(T0 + 1000)}`)).map((r) => r.service_request_id)).toContain(formId);
    expect((await list(`end_date=${iso(T0 - 1000)}`))).toEqual([]);
    expect((await list('status=open')).map((r) => r.service_request_id)).toContain(formId);
    expect((await list('status=closed'))).toEqual([]);
    expectGeoError(await get(withKey(`${URL}?start_date=${iso(T0)}&end_date=${iso(T0 + 91 * 86_400_000)}`)), 400, 'end_date');
    expectGeoError(await get(withKey(`${URL}?start_date=${iso(T0)}&end_date=${iso(T0 - 1)}`)), 400, 'start_date');
    expectGeoError(await get(withKey(`${URL}?status=pending`)), 400, 'status');
    expectGeoError(await get(withKey(`${URL}?service_code=ZZ-99-999`)), 400, 'service_code');
  });

  it('serves a ticket the loop takes to closed as closed, filed under the item it was verified as', async () => {
    const dispatcher = await t.as('dispatcher', grid.code.slice(0, 9));
    const handler = await t.as('handler', '320400', { department: plainItem.department });
    const act = async (who: Credentials, body: object, status: string) => {
      clock += 3_600_000;
      const r = await t.app.inject({ method: 'POST', url: `/api/tickets/${jsonId}/actions`, payload: body, headers: who.headers });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().ticket.status).toBe(status);
    };
    await act(dispatcher, { action: 'verify', item: plainItem.code, level: 'general' }, 'registered');
    expect((await one(jsonId)).status).toBe('open');
    await act(dispatcher, { action: 'dispatch' }, 'dispatched');
    await act(handler, { action: 'accept' }, 'handling');
    await act(handler, { action: 'feedback', note: '已更换灯泡' }, 'feedback');
    await act(dispatcher, { action: 'check', pass: true, note: '现场核查通过' }, 'closed');
    const r = await one(jsonId);
    expect(r).toMatchObject({ status: 'closed', status_notes: '已结案', service_code: plainItem.code, description: '路灯不亮', updated_datetime: new Date(clock).toISOString() });
    expect((await list('status=closed')).map((x) => x.service_request_id)).toEqual([jsonId]);
    expect((await list('status=open')).map((x) => x.service_request_id)).not.toContain(jsonId);

    // A rejected report (不予立案) is closed too, with the reason.
    await t.app.inject({ method: 'POST', url: `/api/tickets/${addressId}/actions`, payload: { action: 'reject', reason: 'invalid', note: '现场无此情况' }, headers: dispatcher.headers });
    expect(await one(addressId)).toMatchObject({ status: 'closed', status_notes: '不予立案：无效信息' });
  });

  it('never answers personal data: no name, phone or e-mail in any GET', async () => {
    const bodies = [
      (await get(withKey(URL))).body,
      (await get(withKey(`${URL}?service_request_id=${formId}`))).body,
      (await get(withKey(`/open311/v2/requests/${formId}.json`))).body,
      (await get(withKey(`/open311/v2/requests/${formId}.json`), admin.headers)).body,
    ];
    for (const body of bodies) {
      for (const secret of ['张三', '1234-5678', 'zhangsan', 'reporter', 'phone', 'email', 'first_name', 'last_name']) {
        expect(body, secret).not.toContain(secret);
      }
    }
  });
});

describe('errors in the spec\'s form', () => {
  const at = () => ({ lat: String(grid.label[1]), long: String(grid.label[0]) });

  it('names the field: a missing or unknown service_code, a bad lat, a repeated or unknown field', async () => {
    const before = storeHash(t);
    expectGeoError(await postForm({ api_key: key, ...at() }), 400, 'service_code');
    expectGeoError(await postForm({ api_key: key, service_code: 'ZZ-99-999', ...at() }), 400, 'service_code');
    expectGeoError(await postForm({ api_key: key, service_code: plainItem.code, lat: '91', long: at().long }), 400, 'lat');
    expectGeoError(await postForm({ api_key: key, service_code: plainItem.code, lat: 'abc', long: at().long }), 400, 'lat');
    expectGeoError(await postForm({ api_key: key, service_code: plainItem.code, lat: at().lat }), 400, 'long');
    expectGeoError(await postForm({ api_key: key, service_code: plainItem.code }), 400, 'lat');
    expectGeoError(await postForm({ api_key: key, service_code: plainItem.code, ...at(), 'attribute[colour]': 'red' }), 400, 'attribute[colour]');
    expectGeoError(await postForm({ api_key: key, service_code: plainItem.code, ...at(), 'attribute[level]': 'huge' }), 400, 'attribute[level]');
    expectGeoError(await postJson({ service_code: plainItem.code, lat: '31.7', long: 119.9 }, { 'x-api-key': key }), 400, 'lat');
    expectGeoError(await postJson({ service_code: plainItem.code, lat: 31.7, long: 119.9, description: 'a\u202eb' }, { 'x-api-key': key }), 400, 'description');
    expect(storeHash(t)).toBe(before);
  });

  it('no api_key is a 401, a key that is not valid a 401, a key of another district a 403', async () => {
    const leader = await t.as('leader');
    const before = storeHash(t);
    expectGeoError(await postForm({ service_code: plainItem.code, ...at() }), 401);
    expectGeoError(await postForm({ api_key: 'x'.repeat(43), service_code: plainItem.code, ...at() }), 401, 'api_key');
    expectGeoError(await postForm({ api_key: otherKey, service_code: plainItem.code, ...at() }), 403, 'area');
    expectGeoError(await get(URL), 401);
    expectGeoError(await get(`/open311/v2/requests/${formId}.json`), 401);
    expectGeoError(await get(withKey(`/open311/v2/requests/${formId}.json`, otherKey)), 403);
    expectGeoError(await get(withKey('/open311/v2/requests/T9999999999.json')), 404, 'service_request_id');
    expect(await get(withKey('/open311/v2/requests.xml'))).toMatchObject({ statusCode: 400 });
    // A signed-in account of another role is not an integration.
    expectGeoError(await get(URL, leader.headers), 403);
    expect(storeHash(t)).toBe(before);
  });
});

describe('rate limit', () => {
  it('counts reports per key, the key read from the body too, and answers 429 in the spec\'s form', async () => {
    const limited = await testApp({ rates: { writesPerMinute: 2 } });
    try {
      const k = await limited.apiKey(IN);
      const other = await limited.apiKey(IN);
      const post = (apiKey: string) => limited.app.inject({
        method: 'POST', url: URL, headers: FORM,
        payload: new URLSearchParams({ api_key: apiKey, service_code: 'SR-01-001', lat: String(grid.label[1]), long: String(grid.label[0]) }).toString(),
      });
      expect((await post(k)).statusCode).toBe(201);
      expect((await post(k)).statusCode).toBe(201);
      expectGeoError(await post(k), 429, 'rate limit');
      expect((await post(other)).statusCode).toBe(201); // another key has its own count
    } finally {
      await limited.close();
    }
  });
});

describe('the mapping (server/domain/open311.ts)', () => {
  const cat = loadCatalogue(loadDepartments());
  it('files every item under a ticket category: catch-alls as the catalogue maps them, others by category and sub-class', () => {
    const of = itemCategories(cat);
    expect(of.size).toBe(cat.items.length);
    for (const c of of.values()) expect(CATEGORY_CODES).toContain(c);
    for (const [spine, code] of Object.entries(cat.spineCategories)) expect(of.get(code)).toBe(spine);
    const first = (prefix: string) => cat.items.find((i) => i.code.startsWith(prefix))!.code;
    expect(of.get(first('SR-01-'))).toBe('city_appearance');
    expect(of.get(first('SR-02-'))).toBe('advertising');
    expect(of.get(first('PA-01-'))).toBe('dispute');
    expect(of.get(first('PA-02-'))).toBe('security');
    expect(of.get(first('AQ-01-'))).toBe('fire_safety');
    expect(of.get(first('AQ-02-'))).toBe('work_safety');
    expect(of.get(first('SP-03-'))).toBe('food_drug');
  });

  it('keeps the reporter\'s choice in the description and reads it back exactly', () => {
    const item = cat.items[0];
    for (const description of ['', '一行', '两行\r\n第二行', '【Open311 XX-00-000】 typed by the reporter']) {
      const stored = withChoice(item, { level: 'serious', mediaUrl: 'https://example.org/a.jpg?x=1' }, description);
      expect(readChoice(stored)).toEqual({ choice: { code: item.code, level: 'serious', mediaUrl: 'https://example.org/a.jpg?x=1' }, description });
    }
    expect(readChoice('no choice here')).toEqual({ choice: null, description: 'no choice here' });
  });

  it('places an address by its most specific name; a name two places share needs more of the address', () => {
    const match = addressMatcher(net);
    const communities = [...net.areas.values()].filter((a) => a.level === 'community');
    const shared = communities.find((a) => communities.some((b) => b !== a && b.name === a.name))!;
    const twin = communities.find((b) => b !== shared && b.name === shared.name)!;
    expect(match(`常州市${shared.name}5号楼`)).toEqual({ problem: expect.stringContaining('names 2 places') });
    const streetOf = (a: Area) => net.areas.get(a.parent!)!;
    if (streetOf(shared).name !== streetOf(twin).name) {
      expect(match(`${streetOf(shared).name}${shared.name}5号楼`)).toEqual({ area: shared });
    }
    expect(match(`江苏省常州市${district.name}${street.name}`)).toEqual({ area: street });
    expect(match(`江苏省常州市${district.name}`)).toEqual({ area: district });
    expect(match('上海市黄浦区')).toEqual({ problem: expect.stringContaining('lat and long') });
  });

  it('defaults to the last 90 days and refuses a longer or reversed range', () => {
    const now = Date.UTC(2026, 10, 23);
    const day = 86_400_000;
    expect(requestWindow(now)).toEqual({ from: now - 90 * day, to: now + 1 });
    expect(requestWindow(now, '2026-11-01T00:00:00Z')).toEqual({ from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 1) + 90 * day + 1 });
    expect(requestWindow(now, undefined, '2026-11-01T00:00:00+08:00')).toEqual({ from: Date.UTC(2026, 9, 31, 16) - 90 * day, to: Date.UTC(2026, 9, 31, 16) + 1 });
    expect(requestWindow(now, '2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z')).toEqual({ problem: expect.stringContaining('end_date') });
    expect(requestWindow(now, '2026-06-01T00:00:00Z', '2026-01-01T00:00:00Z')).toEqual({ problem: expect.stringContaining('start_date') });
  });
});
