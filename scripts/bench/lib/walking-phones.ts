// Synthetic grid phones for the wall's workers layer, and the in-page measurement of their
// frames: shared by the Chromium test (tests/e2e.workers.test.ts) and `npm run bench --
// workers`, so both measure the same thing.
//
// The phones are the net's own carriers (Grid.workers), each starting at its grid's label
// point and walking at 1.0–1.6 m/s on a heading that drifts (deterministic, seeded); every
// step is one 5-second fix of every phone, so every frame moves all of them — the worst case
// for the wall, whose real frames (2 a second) each carry the ~1/10 that fixed since the last.
import type { Page } from 'playwright-core';
import { DEVICE_STATUS } from '../../../server/domain/fix.ts';
import { encodePositionsFrame } from '../../../server/domain/positions-frame.ts';
import type { Grid, Net } from '../../../server/net/types.ts';
import { mulberry32 } from '../../../server/sim/random.ts';

const M_PER_DEG_LAT = 111_195;


export interface WalkingPhones {
  count: number;
  lon: Float64Array;
  lat: Float64Array;
  /** Where phone i started: its grid's label point. */
  home: Float64Array;
  /** Advances every phone by one fix (`seconds` of walking) and encodes the frame. */
  step(t: number, seconds: number, o?: { snapshot?: boolean; seq?: number }): Uint8Array;
  /** The status phone i has in frame k: most online, one in ten on a task (the set moves
   * along every 8 frames), one in seventeen offline. */
  statusAt(i: number, k: number): number;
}

export function walkingPhones(net: Net, count: number, seed = 7): WalkingPhones {
  const lon = new Float64Array(count);
  const lat = new Float64Array(count);
  const home = new Float64Array(count * 2);
  let n = 0;
  for (const a of net.areas.values()) {
    if (a.level !== 'grid') continue;
    for (let w = 0; w < (a as Grid).workers.length && n < count; w++, n++) {
      lon[n] = home[n * 2] = a.label[0];
      lat[n] = home[n * 2 + 1] = a.label[1];
    }
  }
  if (n < count) throw new Error(`the net has ${n} phone carriers, not ${count}`);
  const next = mulberry32(seed);
  const heading = Float64Array.from({ length: count }, () => next() * 2 * Math.PI);
  const speed = Float64Array.from({ length: count }, () => 1 + next() * 0.6);
  const index = Uint32Array.from({ length: count }, (_, i) => i);
  const status = new Uint8Array(count);
  const cosLat = Math.cos((31.8 * Math.PI) / 180);
  let frames = 0;
  const statusAt = (i: number, k: number): number =>
    (i + (k >> 3)) % 10 === 0 ? DEVICE_STATUS.onTask : i % 17 === 0 ? DEVICE_STATUS.offline : DEVICE_STATUS.online;
  return {
    count,
    lon,
    lat,
    home,
    statusAt,
    step(t, seconds, o = {}) {
      const k = frames++;
      for (let i = 0; i < count; i++) {
        heading[i] += (next() - 0.5) * 0.6;
        // Stay near home: past ~300 m, turn back towards the grid's label point.
        const dx = (lon[i] - home[i * 2]) * M_PER_DEG_LAT * cosLat;
        const dy = (lat[i] - home[i * 2 + 1]) * M_PER_DEG_LAT;
        if (dx * dx + dy * dy > 300 * 300) heading[i] = Math.atan2(-dx, -dy);
        const s = status[i] === DEVICE_STATUS.offline ? 0 : speed[i] * seconds;
        lon[i] += (Math.sin(heading[i]) * s) / (M_PER_DEG_LAT * cosLat);
        lat[i] += (Math.cos(heading[i]) * s) / M_PER_DEG_LAT;
        status[i] = statusAt(i, k);
      }
      return encodePositionsFrame({ t, snapshot: o.snapshot ?? false, seq: o.seq ?? k + 1, count, index, lon, lat, status });
    },
  };
}

export interface FrameFigures {
  /** decode + apply + layers (store → deck.gl props), from the page's performance marks. */
  marksMs: number[];
  decodeMs: number[];
  applyMs: number[];
  layersMs: number[];
  /** deck.gl's next animation frame, which takes the rewritten buffers (uploads them) and
   * draws: luma.gl's own frame timer. */
  deckMs: number[];
  /** The two together: the browser's JS for one frame of positions. */
  totalMs: number[];
}

/** Loads `frames` into the page (outside the timing), then feeds them one at a time through
 * the socket's own path (window.__wall.workers.feed), `gapMs` apart. */
export async function measureFrames(page: Page, frames: Uint8Array[], gapMs: number): Promise<FrameFigures> {
  await page.evaluate((b64s) => {
    (window as any).__frames = b64s.map((s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)).buffer);
  }, frames.map((f) => Buffer.from(f).toString('base64')));
  const out: FrameFigures = { marksMs: [], decodeMs: [], applyMs: [], layersMs: [], deckMs: [], totalMs: [] };
  for (let k = 0; k < frames.length; k++) {
    const r = await page.evaluate(async (k) => {
      const wall = (window as any).__wall;
      if (!wall.workers.feed((window as any).__frames[k])) throw new Error(`frame ${k} refused`);
      // deck.gl's frame callback was queued before this one: it has run when this one runs.
      await new Promise((r) => requestAnimationFrame(r));
      const deckMs = wall.deckFrameMs() as number;
      return { ...(wall.workers.last as { decodeMs: number; applyMs: number; layersMs: number; totalMs: number }), deckMs };
    }, k);
    if (!Number.isFinite(r.deckMs)) throw new Error('deck.gl frame time unavailable');
    out.marksMs.push(r.totalMs);
    out.decodeMs.push(r.decodeMs);
    out.applyMs.push(r.applyMs);
    out.layersMs.push(r.layersMs);
    out.deckMs.push(r.deckMs);
    out.totalMs.push(r.totalMs + r.deckMs);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return out;
}

/** The peer of a frame's deck.gl cost: deck.gl redrawing the same scene with nothing to
 * upload (the map nudged by a pixel), `n` times, `gapMs` apart. */
export async function measureRedraws(page: Page, n: number, gapMs: number): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    out.push(await page.evaluate(async (dx) => {
      const wall = (window as any).__wall;
      wall.map.panBy([dx, 0], { duration: 0 });
      await new Promise((r) => requestAnimationFrame(r));
      return wall.deckFrameMs() as number;
    }, k % 2 ? 1 : -1));
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return out;
}

/** p50, p95 and max, rounded to 0.01 ms. */
export function percentiles(xs: number[]): { p50: number; p95: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(at(0.5)), p95: r(at(0.95)), max: r(s[s.length - 1]!) };
}
