// The live positions frame and the wall's workers layer, for 8,500 grid phones all moving
// (every frame carries all of them: the worst case; real frames carry the ~1/10 that fixed
// in the last half second). Each figure beside the peer it must beat, in the same run:
//   frame bytes — the binary frame vs the same devices as JSON ([{i, lon, lat, s}, …]);
//   Node ms per frame — encode (the server) and decode + apply into the wall's store, vs
//     JSON.stringify / JSON.parse + the same apply;
//   Chromium ms per frame — decode + apply + layers (performance marks in the page) and
//     deck.gl's next frame (uploads + draw, luma.gl's timer), vs deck.gl redrawing the same
//     scene with nothing new to upload (the map nudged by a pixel).
// One JSON line per figure. Chromium runs SwiftShader (no GPU): JS time is measured, not
// frame rate. BENCH_WORKERS_FRAMES (40) measured frames after 10 warm-up ones.
import { startLocalApp } from '../local-app.ts';
import { clientDist, ensureClientBuilt } from '../client-build.ts';
import { openCityWall } from './lib/wall-page.ts';
import { decodePositionsFrame, type PositionsFrame } from '../../server/domain/positions-frame.ts';
import { WorkerPositions } from '../../client/src/live/workers.ts';
import { measureFrames, measureRedraws, percentiles, walkingPhones } from './lib/walking-phones.ts';

const PHONES = 8_500;
const FRAMES = Number(process.env.BENCH_WORKERS_FRAMES ?? 40);
const WARMUP = 10;
const NODE_FRAMES = 200;

const local = await startLocalApp({ clientDir: clientDist });
const { url, net, close } = local;

// ——— Node: bytes and codec time, binary vs JSON ———
{
  const phones = walkingPhones(net, PHONES, 3);
  const bin: Uint8Array[] = [];
  const json: string[] = [];
  const status = new Uint8Array(PHONES);
  let encodeMs = 0;
  let stringifyMs = 0;
  for (let k = 0; k < NODE_FRAMES; k++) {
    let t0 = performance.now();
    bin.push(phones.step(k * 5000, 5, { snapshot: k === 0 }));
    encodeMs += performance.now() - t0; // includes the walk itself: an upper bound
    for (let i = 0; i < PHONES; i++) status[i] = phones.statusAt(i, k);
    t0 = performance.now();
    const rows = new Array(PHONES);
    for (let i = 0; i < PHONES; i++) rows[i] = { i, lon: Math.round(phones.lon[i] * 1e6) / 1e6, lat: Math.round(phones.lat[i] * 1e6) / 1e6, s: status[i] };
    json.push(JSON.stringify({ t: k * 5000, snapshot: k === 0, rows }));
    stringifyMs += performance.now() - t0;
  }
  const jsonBytes = Buffer.byteLength(json[1]!);
  console.log(JSON.stringify({ bench: 'workers', figure: 'frameBytes', devices: PHONES, binary: bin[1]!.byteLength, json: jsonBytes, ratio: Math.round((jsonBytes / bin[1]!.byteLength) * 10) / 10 }));

  const apply = (frames: (() => PositionsFrame)[]): number[] => {
    (globalThis as { gc?: () => void }).gc?.(); // the other series' garbage is not this one's
    const w = new WorkerPositions();
    const ms: number[] = [];
    for (const f of frames) {
      const t0 = performance.now();
      w.apply(f());
      ms.push(performance.now() - t0);
    }
    return ms;
  };
  const binMs = apply(bin.map((b) => () => decodePositionsFrame(b)));
  const jsonMs = apply(
    json.map((s) => () => {
      const { t, snapshot, rows } = JSON.parse(s) as { t: number; snapshot: boolean; rows: { i: number; lon: number; lat: number; s: number }[] };
      const n = rows.length;
      const f: PositionsFrame = { version: 1, t, snapshot, seq: 0, count: n, index: new Uint32Array(n), lonE6: new Int32Array(n), latE6: new Int32Array(n), status: new Uint8Array(n) };
      for (let k = 0; k < n; k++) {
        const r = rows[k]!;
        f.index[k] = r.i;
        f.lonE6[k] = Math.round(r.lon * 1e6);
        f.latE6[k] = Math.round(r.lat * 1e6);
        f.status[k] = r.s;
      }
      return f;
    }),
  );
  const steady = (xs: number[]) => percentiles(xs.slice(WARMUP));
  console.log(JSON.stringify({ bench: 'workers', figure: 'nodeMsPerFrame', devices: PHONES, frames: NODE_FRAMES - WARMUP, encodeAndWalkMeanMs: Math.round((encodeMs / NODE_FRAMES) * 100) / 100, stringifyMeanMs: Math.round((stringifyMs / NODE_FRAMES) * 100) / 100, decodeApply: steady(binMs), jsonParseApply: steady(jsonMs) }));
}

// ——— Chromium: the city's wall ———
ensureClientBuilt(() => {});
const { browser, page } = await openCityWall(local, 'bench workers');
await page.waitForFunction(() => (window as any).__wall?.ready === true, null, { timeout: 60_000 });

const phones = walkingPhones(net, PHONES);
const frames = [phones.step(0, 5, { snapshot: true })];
for (let k = 1; k <= WARMUP + FRAMES; k++) frames.push(phones.step(k * 5000, 5));
const f = await measureFrames(page, frames, 500);
const redraw = await measureRedraws(page, FRAMES, 300);
const steady = (xs: number[]) => percentiles(xs.slice(1 + WARMUP));
console.log(JSON.stringify({
  bench: 'workers',
  figure: 'browserMsPerFrame',
  devices: PHONES,
  frames: FRAMES,
  total: { what: 'marks + deck.gl frame', ...steady(f.totalMs) },
  marks: { what: 'decode+apply+layers (performance marks)', ...steady(f.marksMs) },
  deckFrame: { what: "deck.gl's next frame: uploads + draw", ...steady(f.deckMs) },
  peerRedraw: { what: 'deck.gl redrawing the same scene, nothing to upload', ...percentiles(redraw) },
  targetMs: 8,
  viewport: '1920x1080',
  gl: 'swiftshader',
}));

await browser.close();
await close();
