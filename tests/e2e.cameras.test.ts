// End to end in Chromium: the cameras layer (20,000) on the city wall; a click on a camera opens
// its panel and plays its live video with hls.js from an HLS stream this test makes itself with
// Debian's ffmpeg and serves from its own loopback "video gateway" (CAMERA_HLS_URL points every
// camera there); a camera's status changes live; a ticket's nearest cameras go on the video
// grid (四屏合一) in one click and stay there through a reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.ts';
import { clientDist, ensureClientBuilt } from '../scripts/client-build.ts';
import { makeTestSignalHls } from '../scripts/video/hls.ts';
import type { Credentials } from '../scripts/local-app.ts';
import { noonClock, screenshotPath, jumpMap } from './e2e-harness.ts';
import { postJson, report, testApp, type TestApp } from './helpers.ts';

const VIEWPORT = { width: 1920, height: 1080 };
let t: TestApp;
let browser: Browser;
let admin: Credentials;
let gateway: Server;
const videoDir = mkdtempSync(join(tmpdir(), 'one-net-hls-'));
const served: string[] = [];

beforeAll(async () => {
  makeTestSignalHls(videoDir, { seconds: 6, segment: 2, width: 320, height: 180, label: 'E2E GATEWAY' });
  // A video gateway's stand-in: /<camera id>/<file> → the stream made above, CORS open as a gateway's is.
  gateway = createServer((req, res) => {
    const file = (req.url ?? '').split('/').pop()!;
    served.push(req.url ?? '');
    if (!/^(index\.m3u8|seg\d+\.ts)$/.test(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.endsWith('.ts') ? 'video/mp2t' : 'application/vnd.apple.mpegurl', 'access-control-allow-origin': '*' });
    res.end(readFileSync(join(videoDir, file)));
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
  const port = (gateway.address() as { port: number }).port;
  process.env.CAMERA_HLS_URL = `http://127.0.0.1:${port}/{id}/index.m3u8`; // read by the app and its CSP
  ensureClientBuilt();
  t = await testApp({ listen: true, clientDir: clientDist, now: noonClock() });
  admin = await t.as('admin');
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
  gateway?.close();
  rmSync(videoDir, { recursive: true, force: true });
});

const jump = jumpMap;
const videoTime = (page: Page, sel: string) => page.$eval(sel, (v) => (v as HTMLVideoElement).currentTime);

describe('cameras on the wall in Chromium', () => {
  it('shows 20,000 cameras, plays a clicked one\'s HLS video, and puts a ticket\'s nearest on the video grid', async () => {
    const res = await postJson(`${t.url}/api/displays`, { name: '常州市指挥大屏', scope: '320400' }, admin.headers);
    const display = (await res.json()) as { url: string };
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.url}${display.url}&layers=net,tickets,cameras`);
    await page.waitForFunction(() => (window as any).__wall?.ready === true, null, { timeout: 120_000 });
    await page.waitForFunction(() => (window as any).__cameras?.get().columns?.count === 20_000, null, { timeout: 60_000 });
    expect(await page.evaluate(() => MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E"'))).toBe(true);

    // A camera in 天宁区 at street zoom: its dot in the online colour, a click opens it.
    const cams = (await (await fetch(`${t.url}/api/cameras?area=320402`, { headers: admin.headers })).json()) as { ids: string[]; lon: number[]; lat: number[] };
    const [id, lon, lat] = [cams.ids[0], cams.lon[0], cams.lat[0]];
    await jump(page, [lon, lat], 17.5);
    const [x, y] = await page.evaluate((p) => (window as any).__wall.project(p), [lon, lat] as [number, number]);
    await page.mouse.click(x, y);
    await page.waitForSelector(`[data-testid=camera-panel][data-id="${id}"]`, { timeout: 10_000 });
    const sel = '[data-testid=camera-panel] video';
    await page.waitForFunction((s) => ((document.querySelector(s) as HTMLVideoElement | null)?.currentTime ?? 0) > 0.3, sel, { timeout: 20_000 });
    const t1 = await videoTime(page, sel);
    await page.waitForTimeout(1200);
    expect(await videoTime(page, sel)).toBeGreaterThan(t1 + 0.3); // it plays, not a still
    expect(served.some((u) => u.startsWith(`/${id}/index.m3u8`))).toBe(true); // from the gateway, by the template
    expect(served.some((u) => u.endsWith('.ts'))).toBe(true);

    // Live status: a fault set over the API turns its dot in the page.
    await fetch(`${t.url}/api/cameras/${id}/status`, { method: 'PUT', headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'fault' }) });
    await page.waitForFunction((id) => { const c = (window as any).__cameras.get().columns; return c.status[c.slot.get(id)] === 2; }, id, { timeout: 10_000 });
    await page.waitForSelector('[data-testid=camera-panel] .cam-status[data-status=fault]');

    // A ticket 30 m from it: in the live feed; a click lists the cameras within 200 m by distance;
    // one click puts the nearest four on the video grid.
    const ticket = (await (await postJson(`${t.url}/api/tickets`, report(lon + 0.0002, lat + 0.0002), admin.headers)).json()) as { id: string };
    const expected = ((await (await fetch(`${t.url}/api/tickets/${ticket.id}/nearest-cameras?radius=200&limit=12`, { headers: admin.headers })).json()) as { items: { id: string; distanceM: number }[] }).items;
    expect(expected.length).toBeGreaterThan(0);
    await page.click(`[data-testid=feed-item][data-id="${ticket.id}"]`, { timeout: 20_000 });
    await page.waitForSelector(`[data-testid=ticket-cameras][data-ticket="${ticket.id}"] [data-testid=near-camera]`);
    expect(await page.$$eval('[data-testid=near-camera]', (els) => els.map((e) => e.getAttribute('data-id')))).toEqual(expected.map((c) => c.id));
    await page.click('[data-testid=ticket-cameras-to-wall]');
    const onGrid = () => page.$$eval('[data-testid=video-cell]', (els) => els.map((e) => e.getAttribute('data-id')));
    const four = expected.slice(0, 4).map((c) => c.id);
    expect(await onGrid()).toEqual([...four, '', '', ''].slice(0, 4));
    await page.screenshot({ path: screenshotPath('wall-cameras') });

    // They stay until replaced: a reload brings the same four back.
    await page.reload();
    await page.waitForFunction(() => (window as any).__wall?.ready === true, null, { timeout: 120_000 });
    expect(await onGrid()).toEqual([...four, '', '', ''].slice(0, 4));
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);
});
