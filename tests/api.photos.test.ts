// Photo evidence over HTTP: a grid worker photographs an item before and after handling it
// on the spot, and closes it only once both are attached; files are judged by their bytes,
// stored once by content with a metadata-free thumbnail, and served only to who may read
// the ticket (never to a wall display). Refusals leave nothing behind: no stored change, no
// file, no temp file.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { gridOf, report, storeHash, testApp, theNet, type TestApp } from './helpers.ts';
import { multipartBody, photoForm, tinyJpeg } from './routes.examples.ts';
import type { Credentials } from '../scripts/local-app.ts';
import { StorageFullError } from '../server/store/errors.ts';

let t: TestApp;
let worker: Credentials, dispatcher: Credentials, otherDispatcher: Credentials, display: Credentials, handler: Credentials, otherHandler: Credentials;
let selfItem: { code: string; department: string };
const g = () => gridOf(theNet().net, '320402');
const street = () => g().code.slice(0, 9);
const photos = () => join(t.dir, 'photos');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every file under the photo directory, relative to it. */
function photoFiles(dir = photos()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? photoFiles(p) : [relative(photos(), p)];
  });
}
const tmpFiles = () => photoFiles().filter((f) => f.startsWith('tmp'));

beforeAll(async () => {
  t = await testApp();
  const admin = await t.as('admin');
  const cat = (await t.app.inject({ url: '/api/catalogue', headers: admin.headers })).json() as { items: { code: string; department: string; selfHandle: boolean; evidence: { before: boolean; after: boolean } }[] };
  selfItem = cat.items.find((i) => i.selfHandle && i.evidence.before && i.evidence.after)!;
  expect(selfItem).toBeTruthy();
  worker = await t.as('worker', g().code, { grids: [g().code] });
  dispatcher = await t.as('dispatcher', street());
  const other = [...theNet().net.areas.values()].find((a) => a.level === 'street' && a.code.startsWith('320402') && a.code !== street())!;
  otherDispatcher = await t.as('dispatcher', other.code);
  display = await t.as('display', street());
  handler = await t.as('handler', '320400', { department: selfItem.department });
  otherHandler = await t.as('handler', '320400', { department: selfItem.department === 'cgj' ? 'scjgj' : 'cgj' });
});
afterAll(() => t?.close());

const upload = (who: Credentials, id: string, form: { payload: Buffer; headers: Record<string, string> }) =>
  t.app.inject({ method: 'POST', url: `/api/tickets/${id}/photos`, payload: form.payload, headers: { ...who.headers, ...form.headers } });
const act = (who: Credentials, id: string, body: object) => t.app.inject({ method: 'POST', url: `/api/tickets/${id}/actions`, payload: body, headers: who.headers });
async function newTicket(who: Credentials = worker): Promise<string> {
  const r = await t.app.inject({ method: 'POST', url: '/api/tickets', payload: report(g().label[0], g().label[1], { category: 'city_appearance', description: '路边暴露垃圾' }), headers: who.headers });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}
let colour = 0;
/** A JPEG no test has sent before. */
const freshJpeg = () => tinyJpeg(++colour * 7 % 256, 90, (colour * 13) % 256);

describe('photo evidence', () => {
  it('a worker closes an item needing before and after photos on the spot only once both are attached', async () => {
    const id = await newTicket();
    const before = await freshJpeg();
    const r1 = await upload(worker, id, photoForm(before, 'before'));
    expect(r1.statusCode, r1.body).toBe(201);
    const hash = sha256(before);
    expect(r1.json().photo).toEqual({ hash, kind: 'before', url: `/api/photos/${hash}`, thumbUrl: `/api/photos/${hash}/thumb` });
    expect(r1.json().ticket).toMatchObject({ id, status: 'reported', version: 2 });

    const early = await act(worker, id, { action: 'self_handle', item: selfItem.code, note: '已现场清理' });
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().message).toMatch(/before and after/);

    const after = await freshJpeg();
    const r2 = await upload(worker, id, photoForm(after, 'after'));
    expect(r2.statusCode, r2.body).toBe(201);
    const done = await act(worker, id, { action: 'self_handle', item: selfItem.code, note: '已现场清理' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().ticket).toMatchObject({ status: 'closed', selfHandled: true });

    const tl = (await t.app.inject({ url: `/api/tickets/${id}/timeline`, headers: dispatcher.headers })).json();
    expect(tl.items.map((e: { action: string }) => e.action)).toEqual(['report', 'attach', 'attach', 'self_handle']);
    expect(tl.items[1]).toMatchObject({ actor: worker.username, data: { kind: 'before', photo: hash } });
    expect(tl.items[2].data).toEqual({ kind: 'after', photo: sha256(after) });
    // The original, byte for byte, under its hash; the thumbnail beside it.
    expect(photoFiles()).toEqual(expect.arrayContaining([join(hash.slice(0, 2), `${hash}.jpg`), join('thumbs', hash.slice(0, 2), `${hash}.webp`)]));

    // A closed ticket takes no more photos (the loop's 409), and the file is not kept.
    const late = await freshJpeg();
    const before2 = storeHash(t);
    const r3 = await upload(worker, id, photoForm(late, 'after'));
    expect(r3.statusCode, r3.body).toBe(409);
    expect(storeHash(t)).toBe(before2);
    expect(photoFiles().some((f) => f.includes(sha256(late)))).toBe(false);
  });

  it('refuses what is not a JPEG, PNG or WebP by its bytes, and stores nothing', async () => {
    const id = await newTicket();
    const fakePng = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('garbage that is not a PNG at all '.repeat(20))]);
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#0f0' } }).gif().toBuffer();
    const truncated = (await sharp({ create: { width: 400, height: 300, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).png().toBuffer()).subarray(0, 600);
    const files = photoFiles();
    const before = storeHash(t);
    const cases: [string, { payload: Buffer; headers: Record<string, string> }, number, RegExp][] = [
      ['a PNG header and garbage', multipartBody([{ name: 'kind', value: 'before' }, { name: 'file', filename: 'x.png', type: 'image/png', data: fakePng }]), 415, /^file: /],
      ['a text file named x.jpg', multipartBody([{ name: 'kind', value: 'before' }, { name: 'file', filename: 'x.jpg', type: 'image/jpeg', data: Buffer.from('这不是照片 not a photo\n') }]), 415, /^file: /],
      ['a GIF', multipartBody([{ name: 'kind', value: 'before' }, { name: 'file', filename: 'x.jpg', type: 'image/jpeg', data: gif }]), 415, /^file: .*gif/],
      ['a PNG cut short', multipartBody([{ name: 'kind', value: 'before' }, { name: 'file', filename: 'x.png', type: 'image/png', data: truncated }]), 415, /^file: /],
      ['an empty file', multipartBody([{ name: 'kind', value: 'before' }, { name: 'file', filename: 'x.jpg', data: Buffer.alloc(0) }]), 415, /^file: /],
      ['no kind', multipartBody([{ name: 'file', filename: 'x.jpg', data: gif }]), 400, /^body\/kind/],
      ['a wrong kind', photoForm(gif, 'during'), 400, /^body\/kind/],
      ['no file', multipartBody([{ name: 'kind', value: 'after' }]), 400, /^body\/file/],
      ['an unknown field', multipartBody([{ name: 'kind', value: 'after' }, { name: 'gps', value: '31,119' }]), 400, /^body\/gps/],
      ['the file in another field', multipartBody([{ name: 'kind', value: 'after' }, { name: 'photo', filename: 'x.jpg', data: gif }]), 400, /^body\/photo/],
      ['two files', multipartBody([{ name: 'kind', value: 'after' }, { name: 'file', filename: 'a.jpg', data: gif }, { name: 'file', filename: 'b.jpg', data: gif }]), 400, /^file: one file/],
      ['a note with a control character', multipartBody([{ name: 'kind', value: 'after' }, { name: 'note', value: 'a\u0007b' }, { name: 'file', filename: 'a.jpg', data: gif }]), 400, /^body\/note/],
      ['JSON', { payload: Buffer.from(JSON.stringify({ kind: 'before' })), headers: { 'content-type': 'application/json' } }, 415, /^content-type/],
    ];
    for (const [what, form, status, message] of cases) {
      const r = await upload(worker, id, form);
      expect(r.statusCode, `${what}: ${r.body}`).toBe(status);
      expect(Object.keys(r.json()).sort(), what).toEqual(['error', 'message', 'statusCode']);
      expect(r.json().message, what).toMatch(message);
      expect(tmpFiles(), what).toEqual([]);
    }
    expect(storeHash(t)).toBe(before);
    expect(photoFiles()).toEqual(files);
  });

  it('refuses a file over 8 MB with a 413 and leaves no temp file', async () => {
    const id = await newTicket();
    const big = Buffer.alloc(8 * 1024 * 1024 + 1, 0x41);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    const before = storeHash(t);
    const files = photoFiles();
    const r = await upload(worker, id, multipartBody([{ name: 'kind', value: 'before' }, { name: 'file', filename: 'big.jpg', type: 'image/jpeg', data: big }]));
    expect(r.statusCode, r.body).toBe(413);
    expect(r.json().message).toMatch(/^file: larger than 8 MB/);
    expect(storeHash(t)).toBe(before);
    expect(photoFiles()).toEqual(files);
    expect(tmpFiles()).toEqual([]);
  });

  it('stores the same photo once, whoever sends it to whichever ticket', async () => {
    const jpeg = await freshJpeg();
    const hash = sha256(jpeg);
    const a = await newTicket(), b = await newTicket();
    for (const id of [a, a, b]) expect((await upload(worker, id, photoForm(jpeg))).statusCode).toBe(201);
    expect(photoFiles().filter((f) => f.includes(hash)).sort()).toEqual([join(hash.slice(0, 2), `${hash}.jpg`), join('thumbs', hash.slice(0, 2), `${hash}.webp`)].sort());
    expect(tmpFiles()).toEqual([]);
    expect(await t.store.ticketsWithPhoto(hash)).toHaveLength(2);
  });

  it('keeps the original as evidence and makes a thumbnail of at most 320 px without EXIF', async () => {
    const id = await newTicket();
    const jpeg = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#6a8' } }).jpeg()
      .withExif({ IFD0: { Make: 'GridPhone', Copyright: 'resident' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 46/1 12/1', GPSLongitudeRef: 'E', GPSLongitude: '119/1 57/1 0/1' } })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).exif).toBeTruthy();
    const r = await upload(worker, id, photoForm(jpeg, 'before'));
    expect(r.statusCode, r.body).toBe(201);
    const { url, thumbUrl } = r.json().photo;

    const original = await t.app.inject({ url, headers: dispatcher.headers });
    expect(original.statusCode).toBe(200);
    expect(original.headers['content-type']).toBe('image/jpeg');
    expect(original.rawPayload.equals(jpeg)).toBe(true);

    const thumb = await t.app.inject({ url: thumbUrl, headers: dispatcher.headers });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    const m = await sharp(thumb.rawPayload).metadata();
    expect(m.format).toBe('webp');
    expect(Math.max(m.width!, m.height!)).toBeLessThanOrEqual(320);
    expect(m.exif).toBeUndefined();
    expect(m.xmp).toBeUndefined();
    expect(thumb.rawPayload.includes('GridPhone')).toBe(false);
  });

  it('serves a photo only to who may read its ticket: not a display, not another street, not another department', async () => {
    const id = await newTicket();
    const jpeg = await freshJpeg();
    const hash = sha256(jpeg);
    expect((await upload(worker, id, photoForm(jpeg))).statusCode).toBe(201);
    for (const path of [`/api/photos/${hash}`, `/api/photos/${hash}/thumb`]) {
      const ok = await t.app.inject({ url: path, headers: dispatcher.headers });
      expect(ok.statusCode, path).toBe(200);
      expect(ok.headers['cache-control']).toBe('private, max-age=31536000, immutable');
      expect(ok.headers.etag).toBe(`"${hash}"`);
      expect(Number(ok.headers['content-length'])).toBe(ok.rawPayload.length);
      const again = await t.app.inject({ url: path, headers: { ...dispatcher.headers, 'if-none-match': `"${hash}"` } });
      expect(again.statusCode).toBe(304);
      for (const [who, name] of [[display, 'display'], [otherDispatcher, 'another street'], [handler, 'a handler before dispatch']] as const) {
        const r = await t.app.inject({ url: path, headers: who.headers });
        expect(r.statusCode, `${name} ${path}: ${r.body}`).toBe(403);
      }
      expect((await t.app.inject({ url: path })).statusCode).toBe(401);
    }
    // Dispatched to the handler's department: that handler sees it, another does not.
    expect((await act(dispatcher, id, { action: 'verify', item: selfItem.code, level: 'general' })).statusCode).toBe(200);
    expect((await act(dispatcher, id, { action: 'dispatch' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/photos/${hash}`, headers: handler.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/photos/${hash}`, headers: otherHandler.headers })).statusCode).toBe(403);
    // A hash no ticket has is a 404; a malformed one a 400 naming it.
    expect((await t.app.inject({ url: `/api/photos/${'a'.repeat(64)}`, headers: dispatcher.headers })).statusCode).toBe(404);
    const bad = await t.app.inject({ url: `/api/photos/${'A'.repeat(64)}`, headers: dispatcher.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/hash/);
  });

  it('attaches only where the loop allows it: another street or a display is refused and nothing is written', async () => {
    const id = await newTicket();
    const jpeg = await freshJpeg();
    const before = storeHash(t);
    for (const who of [otherDispatcher, display, handler]) {
      const r = await upload(who, id, photoForm(jpeg));
      expect(r.statusCode, r.body).toBe(403);
    }
    expect(storeHash(t)).toBe(before);
    expect(photoFiles().some((f) => f.includes(sha256(jpeg)))).toBe(false);
    expect(tmpFiles()).toEqual([]);
  });

  it('removes the files of an attach refused after they were written, and answers a full disk with 507', async () => {
    const id = await newTicket();
    const tickets = t.stores.tickets;
    const transition = tickets.transition;
    try {
      // Someone else moves the ticket every time: the attach is refused after the write.
      tickets.transition = async () => 'conflict';
      const jpeg = await freshJpeg();
      const r = await upload(worker, id, photoForm(jpeg));
      expect(r.statusCode, r.body).toBe(409);
      expect(photoFiles().some((f) => f.includes(sha256(jpeg)))).toBe(false);

      // A photo another ticket has is kept when a second attach of it fails.
      tickets.transition = transition;
      const kept = await freshJpeg();
      expect((await upload(worker, await newTicket(), photoForm(kept))).statusCode).toBe(201);
      tickets.transition = async () => { throw new StorageFullError(); };
      const full = await upload(worker, id, photoForm(kept));
      expect(full.statusCode, full.body).toBe(507);
      expect(full.json()).toMatchObject({ statusCode: 507, message: expect.stringMatching(/disk is full/) });
      expect(photoFiles().filter((f) => f.includes(sha256(kept)))).toHaveLength(2);

      const lost = await freshJpeg();
      expect((await upload(worker, id, photoForm(lost))).statusCode).toBe(507);
      expect(photoFiles().some((f) => f.includes(sha256(lost)))).toBe(false);
      expect(tmpFiles()).toEqual([]);
    } finally {
      tickets.transition = transition;
    }
  });
});
