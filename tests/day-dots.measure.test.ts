// A demo day of 86,400 tickets (one a second) on the city's wall, measured, not asserted:
// GET /api/tickets/day-dots (bytes, time) against reading the same day as records
// (store.list) and as the JSON list; the wall's JS time to decode and apply the dots, in
// Node and in Chromium. Prints one JSON line. Pictures of the full day (the city, then a
// street) go to var/e2e/ (docs/ with UPDATE_SCREENSHOTS=1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../scripts/chromium.ts';
import { clientDist, ensureClientBuilt } from '../scripts/client-build.ts';
import { screenshotPath } from './e2e-harness.ts';
import { startOfDayCST } from '../server/domain/day.ts';
import { CATEGORY_CODES } from '../server/domain/ticket.ts';
import type { Grid } from '../server/net/types.ts';
import { decodeDayDots } from '../client/src/live/dayDots.ts';
import { TicketBuffer } from '../client/src/live/ticketBuffer.ts';
import { testApp, theNet, type TestApp } from './helpers.ts';

const N = 86_400;
const CITY = '320400';
let t: TestApp;
let browser: Browser | undefined;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (ms: number) => Math.round(ms * 10) / 10;
async function timed<T>(f: () => Promise<T> | T, runs = 3): Promise<{ value: T; ms: number }> {
  const ms: number[] = [];
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await f();
    ms.push(performance.now() - t0);
  }
  return { value, ms: round(median(ms)) };
}

beforeAll(async () => {
  ensureClientBuilt();
  t = await testApp({ listen: true, clientDir: clientDist });
  // The day written straight into the store (the API's pace is not what is measured): spread
  // over today so far, on grids across the city, in every state and light of the loop.
  const { net } = theNet();
  const grids = [...net.areas.values()].filter((a): a is Grid => a.level === 'grid');
  const now = Date.now();
  const day0 = startOfDayCST(now);
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const insert = t.stores.db.prepare(`INSERT INTO tickets (created_at, grid_code, status, category, source, lon, lat, description, version, on_time, yellow_at, deadline_at)
    VALUES (?, ?, ?, ?, 'patrol', ?, ?, '楼道内电动车充电', ?, ?, ?, ?)`);
  t.stores.db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const g = grids[Math.floor(rand() * grids.length)];
      const created = day0 + Math.floor(((now - day0) * i) / N);
      const r = rand();
      const [status, version, onTime, yellowAt, deadlineAt] =
        r < 0.55 ? ['closed', 6, rand() < 0.95 ? 1 : 0, null, null]
        : r < 0.6 ? ['rejected', 2, null, null, null]
        : r < 0.85 ? ['handling', 4, null, now + 3_600_000, now + 7_200_000] // green
        : r < 0.95 ? ['dispatched', 3, null, now - 600_000, now + 3_600_000] // yellow
        : ['handling', 5, null, now - 7_200_000, now - 600_000]; // red
      insert.run(created, g.code, status, CATEGORY_CODES[i % CATEGORY_CODES.length], g.label[0] + (rand() - 0.5) * 0.004, g.label[1] + (rand() - 0.5) * 0.004, version, onTime, yellowAt, deadlineAt);
    }
  })();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe(`a day of ${N.toLocaleString('en')} tickets on the wall`, () => {
  it('is measured: the dots endpoint, the store reads, the JSON list, the wall decoding and applying', async () => {
    const admin = await t.as('admin');
    const display = await t.as('display', CITY);
    const now = Date.now();
    const span = { area: '', from: startOfDayCST(now), to: startOfDayCST(now) + 86_400_000 };

    const list = await timed(() => t.store.list({ ...span, limit: N + 1 }), 1);
    const dots = await timed(() => t.store.dots(span));
    expect(list.value.length).toBe(N);
    expect(dots.value.length).toBe(N);

    const endpoint = await timed(() => t.app.inject({ url: `/api/tickets/day-dots?area=${CITY}`, headers: display.headers }));
    const body = endpoint.value.rawPayload;
    expect(endpoint.value.statusCode).toBe(200);
    const gzipped = await timed(() => t.app.inject({ url: `/api/tickets/day-dots?area=${CITY}`, headers: { ...display.headers, 'accept-encoding': 'gzip' } }));
    expect(gzipped.value.headers['content-encoding']).toBe('gzip');
    // The same columns (the header's serverTime moved on).
    const columns = (b: Buffer) => b.subarray(4 + b.readUInt32LE(0));
    expect(columns(gunzipSync(gzipped.value.rawPayload)).equals(columns(body))).toBe(true);
    const ab = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;

    // The JSON list the wall read before (1,000 a page, capped at 20,000): one page, scaled.
    const page = await timed(() => t.app.inject({ url: `/api/tickets?area=${CITY}&limit=1000`, headers: display.headers }));
    const pageBytes = page.value.rawPayload.length;

    // The wall's JS in Node: decode the binary, load the buffer (the map's typed arrays).
    const buf = new TicketBuffer();
    const decode = await timed(() => decodeDayDots(ab), 5);
    const load = await timed(() => buf.load(decode.value), 5);
    expect(buf.count).toBe(N);

    // …and in Chromium: a city display opens the wall; the wall times its own load.
    browser = await launchChromium();
    const issued = await t.app.inject({ method: 'POST', url: '/api/displays', payload: { name: '全市大屏', scope: CITY }, headers: admin.headers });
    const pageW = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const t0 = performance.now();
    await pageW.goto(t.url + (issued.json() as { url: string }).url);
    await pageW.waitForFunction(() => (window as any).__wall?.ready === true, null, { timeout: 180_000 });
    const readyMs = performance.now() - t0;
    const wall = await pageW.evaluate(() => (window as any).__wall.dayDots as { count: number; bytes: number; fetchMs: number; decodeMs: number; applyMs: number });
    expect(wall.count).toBe(N);
    await pageW.waitForFunction(() => (window as any).__wall?.gridsDrawn === true, null, { timeout: 180_000 });
    await pageW.waitForTimeout(1500);
    // The city at a glance (what needs attention as dots, the rest as hexagons), then a
    // street, where every ticket is a dot again (client/src/map/ticketDensity.ts).
    await pageW.screenshot({ path: screenshotPath('wall-day-86400') });
    const zoomedTo = await pageW.evaluate(() => new Promise<number>((resolve) => {
      const map = (window as any).__wall.map;
      map.once('idle', () => resolve(map.getZoom()));
      map.jumpTo({ center: [119.974, 31.811], zoom: 13.5 });
    }));
    expect(zoomedTo).toBe(13.5);
    await pageW.waitForTimeout(1500);
    await pageW.screenshot({ path: screenshotPath('wall-day-86400-street') });

    console.log(JSON.stringify({
      test: 'day-dots', tickets: N,
      endpoint: { bytes: body.length, ms: endpoint.ms, gzipBytes: gzipped.value.rawPayload.length, gzipMs: gzipped.ms },
      store: { dotsMs: dots.ms, listMs: list.ms },
      jsonList: { bytesPerTicket: Math.round(pageBytes / 1000), bytesForDay: Math.round((pageBytes / 1000) * N), pageOf1000Ms: page.ms },
      wallNode: { decodeMs: decode.ms, loadMs: load.ms },
      wallChromium: { fetchMs: round(wall.fetchMs), decodeMs: round(wall.decodeMs), applyMs: round(wall.applyMs), bytes: wall.bytes, readyMs: Math.round(readyMs) },
    }));
  }, 600_000);
});
