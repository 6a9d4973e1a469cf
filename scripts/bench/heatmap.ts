// Heatmaps over time (issue 10 §4): a year of tickets, then both ways of showing a month's
// density, measured in the same run.
//  1. seed: scripts/seed-history.ts writes HEAT_N (1,500,000: ~125,000 a month) tickets ending
//     now into a fresh data directory; then the real entry point (server/index.ts) on it.
//  2. server: GET /api/heatmap/points and /api/heatmap/hex (res 7, cold: the month counted
//     from the store; warm: its closed days memoised) for the last 30 days of the city, and
//     for a district: answer time (p50/p95 of HEAT_REQUESTS, one at a time) and bytes (raw, gzip).
//  3. Chromium: the city wall with the heatmap on; once the year's points are in the page,
//     HEAT_MOVES (30) slider moves of a 30-day window one day apart in points mode (deck.gl's
//     HeatmapLayer), then in hex mode (server H3 counts): the browser's script time per move
//     (Chromium's ScriptDuration) and its parts (scripts/bench/lib/heat-slider.ts); p50/p95/max.
// Target: ≤ 200 ms of script time per move over a month of ~125,000 tickets.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startServerChild } from './lib/server-child.ts';
import { launchChromium } from '../chromium.ts';
import { ensureClientBuilt } from '../client-build.ts';
import { measureSlider, percentiles, summarise, waitForHeatLoaded } from './lib/heat-slider.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const N = Number(process.env.HEAT_N ?? 1_500_000);
const REQUESTS = Number(process.env.HEAT_REQUESTS ?? 20);
const MOVES = Number(process.env.HEAT_MOVES ?? 30);
const TARGET_MS = 200;
const line = (o: object) => console.log(JSON.stringify({ bench: 'heatmap', ...o }));
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

function seed(dir: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'seed-history.ts'), '--count', String(N), '--dir', dir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`seed:history exited with ${code}`))));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'one-net-heatmap-'));
try {
  ensureClientBuilt();
  const t0 = performance.now();
  const seeded = await seed(dir);
  line({ figure: 'seed', tickets: N, seconds: round((performance.now() - t0) / 1000), ...seeded });
  const s = await startServerChild('heatmap', { dir });
  try {
    const day = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
    const to = day(Date.now()), from = day(Date.now() - 29 * 86_400_000);
    for (const area of ['320400', '320402']) {
      for (const [way, path] of [['points', `/api/heatmap/points?area=${area}&from=${from}&to=${to}`], ['hex', `/api/heatmap/hex?area=${area}&res=7&from=${from}&to=${to}`]] as const) {
        const ms: number[] = [];
        let bytes = 0, gz = 0, count = 0, coldMs = NaN;
        for (let i = 0; i < REQUESTS + 1; i++) {
          const a = performance.now();
          const r = await fetch(s.url + path, { headers: { ...s.auth, 'accept-encoding': 'identity' } });
          const body = Buffer.from(await r.arrayBuffer());
          const took = performance.now() - a;
          if (r.status !== 200) throw new Error(`${path}: ${r.status} ${body.toString().slice(0, 300)}`);
          if (i === 0) {
            coldMs = took;
            bytes = body.length;
            gz = gzipSync(body, { level: 1 }).length;
            count = way === 'points' ? body.readUInt32LE(0) && JSON.parse(body.subarray(4, 4 + body.readUInt32LE(0)).toString()).count : (JSON.parse(body.toString()) as { total: number }).total;
          } else ms.push(took);
        }
        line({ figure: 'server', way, area, from, to, tickets: count, bytes, gzipBytes: gz, firstMs: round(coldMs), ...Object.fromEntries(Object.entries(percentiles(ms)).map(([k, v]) => [`${k}Ms`, v])), requests: REQUESTS });
      }
    }

    // The wall in Chromium, the city's scope, the heatmap on.
    const issued = await fetch(`${s.url}/api/displays`, { method: 'POST', headers: { 'content-type': 'application/json', ...s.auth }, body: JSON.stringify({ name: '热力基准', scope: '320400' }) });
    if (issued.status !== 201) throw new Error(`POST /api/displays: ${issued.status}`);
    const display = (await issued.json()) as { url: string };
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      const opened = performance.now();
      await page.goto(`${s.url}${display.url}&layers=net,heatmap`);
      await page.waitForFunction(() => (window as any).__wall?.gridsDrawn === true, null, { timeout: 300_000 });
      const year = await waitForHeatLoaded(page, 600_000);
      const heap = await page.evaluate(() => (performance as any).memory?.usedJSHeapSize ?? NaN);
      line({ figure: 'year-loaded', seconds: round((performance.now() - opened) / 1000), days: year.lastDay - year.firstDay + 1, jsHeapMB: round(heap / 2 ** 20) });
      for (const mode of ['points', 'hex'] as const) {
        const moves = await measureSlider(page, mode, { moves: MOVES, windowDays: 30 });
        const sum = summarise(moves);
        line({ figure: 'slider', way: mode, windowDays: 30, ...sum, targetMs: TARGET_MS, met: sum.scriptMs.p95 <= TARGET_MS });
      }
    } finally {
      await browser.close();
    }
  } finally {
    await s.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
