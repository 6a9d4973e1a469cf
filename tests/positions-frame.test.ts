// The live positions frame (server/domain/positions-frame.ts) carrying Changzhou's grid
// phones to the wall, and the wall's store of them (client/src/live/workers.ts) applying it.
// The phones are the net's own: each grid's phone carriers, starting at their grid's label
// point and walking (deterministic, seeded).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import CheapRuler from 'cheap-ruler';
import { DEVICE_STATUS } from '../server/domain/fix.ts';
import type { Grid } from '../server/net/types.ts';
import {
  decodePositionsFrame,
  encodePositionsFrame,
  POSITIONS_FRAME_HEADER_BYTES,
  PositionsFrameError,
  type PositionsFrameInput,
} from '../server/domain/positions-frame.ts';
import { TRAIL, WORKER_RGBA, WorkerPositions } from '../client/src/live/workers.ts';
import { theNet } from './helpers.ts';
import { mulberry32 } from '../server/sim/random.ts';

const PHONES = 8_500;


/** The city's first PHONES phone carriers, each at their grid's label point. */
function cityPhones(): { lon: Float64Array; lat: Float64Array; grid: string[] } {
  const lon = new Float64Array(PHONES);
  const lat = new Float64Array(PHONES);
  const grid: string[] = [];
  for (const a of theNet().net.areas.values()) {
    if (a.level !== 'grid') continue;
    for (const _ of (a as Grid).workers) {
      if (grid.length === PHONES) break;
      lon[grid.length] = a.label[0];
      lat[grid.length] = a.label[1];
      grid.push(a.code);
    }
  }
  expect(grid.length).toBe(PHONES);
  return { lon, lat, grid };
}

/** One 5-second step of every phone (a walk of up to ~7 m), as a frame's input. */
function walk(p: { lon: Float64Array; lat: Float64Array }, next: () => number, t: number, snapshot = false): PositionsFrameInput {
  const n = p.lon.length;
  const index = new Uint32Array(n);
  const status = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    p.lon[i] += (next() - 0.5) * 1.5e-4;
    p.lat[i] += (next() - 0.5) * 1.2e-4;
    index[i] = i;
    status[i] = i % 10 === 0 ? DEVICE_STATUS.onTask : i % 17 === 0 ? DEVICE_STATUS.offline : DEVICE_STATUS.online;
  }
  return { t, snapshot, seq: 1, count: n, index, lon: p.lon.slice(), lat: p.lat.slice(), status };
}

const T0 = Date.UTC(2026, 4, 12, 1, 30); // 09:30 CST, the morning patrol

describe('the positions frame', () => {
  it('carries 8,500 walking grid phones within 7.3 cm of where they are, in under 100 KB', () => {
    const phones = cityPhones();
    const input = walk(phones, mulberry32(9), T0);
    const bytes = encodePositionsFrame(input);
    expect(bytes.byteLength).toBeLessThanOrEqual(100 * 1024);
    expect(bytes.byteLength).toBe(POSITIONS_FRAME_HEADER_BYTES + PHONES * 11); // u16 indices: every index < 65,536
    console.log(JSON.stringify({ test: 'positions-frame', devices: PHONES, bytes: bytes.byteLength, bytesPerDevice: 11, index: 'u16' }));

    const f = decodePositionsFrame(bytes);
    expect(f.t).toBe(T0);
    expect(f.snapshot).toBe(false);
    expect(f.count).toBe(PHONES);
    expect(f.index).toBeInstanceOf(Uint16Array);
    const ruler = new CheapRuler(31.8, 'meters');
    let worst = 0;
    let worstNS = 0;
    let worstEW = 0;
    for (let k = 0; k < PHONES; k++) {
      expect(f.index[k]).toBe(input.index[k]);
      expect(f.status[k]).toBe(input.status[k]);
      // Exact at the stated precision: the integer micro-degrees the encoder rounded to.
      expect(f.lonE6[k]).toBe(Math.round(input.lon[k] * 1e6));
      expect(f.latE6[k]).toBe(Math.round(input.lat[k] * 1e6));
      const [lon, lat] = [f.lonE6[k] / 1e6, f.latE6[k] / 1e6];
      worst = Math.max(worst, ruler.distance([input.lon[k], input.lat[k]], [lon, lat]));
      worstNS = Math.max(worstNS, ruler.distance([lon, input.lat[k]], [lon, lat]));
      worstEW = Math.max(worstEW, ruler.distance([input.lon[k], lat], [lon, lat]));
    }
    // Half a micro-degree at most on each axis: 5.6 cm north–south, 4.8 cm east–west here.
    expect(worstNS).toBeLessThan(0.056);
    expect(worstEW).toBeLessThan(0.048);
    expect(worst).toBeLessThan(0.073);
    expect(worst).toBeGreaterThan(0.03); // the rounding is really there (the test can tell)
  });

  it('round-trips exactly whatever the devices, statuses and flags (property)', () => {
    const row = fc.record({
      index: fc.integer({ min: 0, max: 0xffff_ffff }),
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      status: fc.constantFrom(0, 1, 2),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), fc.boolean(), fc.nat(), (rows, snapshot, seq) => {
        const input: PositionsFrameInput = {
          t: T0 + seq,
          snapshot,
          seq,
          count: rows.length,
          index: Uint32Array.from(rows, (r) => r.index),
          lon: Float64Array.from(rows, (r) => r.lon),
          lat: Float64Array.from(rows, (r) => r.lat),
          status: Uint8Array.from(rows, (r) => r.status),
        };
        const f = decodePositionsFrame(encodePositionsFrame(input));
        expect([f.t, f.snapshot, f.seq, f.count]).toEqual([T0 + seq, snapshot, seq, rows.length]);
        expect(Array.from(f.index)).toEqual(rows.map((r) => r.index));
        expect(Array.from(f.lonE6)).toEqual(rows.map((r) => Math.round(r.lon * 1e6) || 0));
        expect(Array.from(f.latE6)).toEqual(rows.map((r) => Math.round(r.lat * 1e6) || 0));
        expect(Array.from(f.status)).toEqual(rows.map((r) => r.status));
      }),
      { numRuns: 300 },
    );
  });

  it('switches to u32 indices only when a device index reaches 65,536', () => {
    const frame = (indexes: number[]) =>
      encodePositionsFrame({ t: T0, snapshot: true, count: indexes.length, index: Uint32Array.from(indexes), lon: new Float64Array(indexes.length).fill(119.97), lat: new Float64Array(indexes.length).fill(31.81), status: new Uint8Array(indexes.length).fill(1) });
    const narrow = frame([0, 7, 65_535]);
    expect(narrow.byteLength).toBe(POSITIONS_FRAME_HEADER_BYTES + 3 * 11);
    expect(decodePositionsFrame(narrow).index).toBeInstanceOf(Uint16Array);
    const wide = frame([0, 7, 65_536]);
    expect(wide.byteLength).toBe(POSITIONS_FRAME_HEADER_BYTES + 3 * 13);
    const f = decodePositionsFrame(wide);
    expect(f.index).toBeInstanceOf(Uint32Array);
    expect(Array.from(f.index)).toEqual([0, 7, 65_536]);
    expect(f.snapshot).toBe(true);
  });

  it('reads a frame wherever it sits in memory (a Node Buffer at an odd offset in its pool)', () => {
    const bytes = encodePositionsFrame(walk(cityPhones(), mulberry32(3), T0));
    const pool = Buffer.alloc(bytes.byteLength + 3);
    pool.set(bytes, 3);
    const odd = pool.subarray(3);
    const a = decodePositionsFrame(bytes.buffer as ArrayBuffer);
    const b = decodePositionsFrame(odd);
    expect(Array.from(b.lonE6.subarray(0, 50))).toEqual(Array.from(a.lonE6.subarray(0, 50)));
    expect(Array.from(b.latE6.subarray(-50))).toEqual(Array.from(a.latE6.subarray(-50)));
    expect(Array.from(b.index.subarray(-5))).toEqual([8495, 8496, 8497, 8498, 8499]);
  });

  it('refuses a truncated, padded or garbage buffer with an error, never a wrong frame', () => {
    const input = walk(cityPhones(), mulberry32(5), T0);
    const small = encodePositionsFrame({ ...input, count: 40 });
    // Every truncation, and one byte too many.
    for (let len = 0; len < small.byteLength; len++) expect(() => decodePositionsFrame(small.slice(0, len))).toThrow(PositionsFrameError);
    const padded = new Uint8Array(small.byteLength + 1);
    padded.set(small);
    expect(() => decodePositionsFrame(padded)).toThrow(PositionsFrameError);
    // A frame of a later version, an unknown flag, another format altogether.
    const patched = (at: number, value: number) => {
      const b = small.slice();
      b[at] = value;
      return b;
    };
    expect(() => decodePositionsFrame(patched(2, 2))).toThrow(/version 2, this build reads 1/);
    expect(() => decodePositionsFrame(patched(3, 4))).toThrow(/unknown flags/);
    expect(() => decodePositionsFrame(patched(0, 0x7b))).toThrow(/bad magic/);
    expect(() => decodePositionsFrame(new TextEncoder().encode('{"lon":119.9,"lat":31.8}'))).toThrow(PositionsFrameError);
    // A status no server sends, a point off the globe: the bytes are not what they claim.
    const statusAt = POSITIONS_FRAME_HEADER_BYTES + 40 * 10;
    expect(() => decodePositionsFrame(patched(statusAt + 7, 9))).toThrow(/unknown status 9/);
    const offGlobe = small.slice();
    new DataView(offGlobe.buffer).setInt32(POSITIONS_FRAME_HEADER_BYTES + 4 * 3, 181_000_000, true);
    expect(() => decodePositionsFrame(offGlobe)).toThrow(/off the globe/);
    // Random bytes, and random bytes behind a valid header of the right length.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (junk) => {
        expect(() => decodePositionsFrame(junk)).toThrow(PositionsFrameError);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40 * 11, maxLength: 40 * 11 }), (junk) => {
        const b = small.slice();
        b.set(junk, POSITIONS_FRAME_HEADER_BYTES);
        let f;
        try {
          f = decodePositionsFrame(b);
        } catch (e) {
          expect(e).toBeInstanceOf(PositionsFrameError);
          return;
        }
        for (let k = 0; k < f.count; k++) {
          expect(Math.abs(f.lonE6[k])).toBeLessThanOrEqual(180e6);
          expect(f.status[k]).toBeLessThanOrEqual(2);
        }
      }),
    );
    expect(() => decodePositionsFrame('PF' as unknown as ArrayBuffer)).toThrow(PositionsFrameError);
  });

  it('is not written for a device with no position or an unknown status', () => {
    const one = (lon: number, status: number) => ({ t: T0, snapshot: false, count: 1, index: Uint32Array.of(3), lon: Float64Array.of(lon), lat: Float64Array.of(31.8), status: Uint8Array.of(status) });
    expect(() => encodePositionsFrame(one(NaN, 1))).toThrow(/off the globe/);
    expect(() => encodePositionsFrame(one(119.9, 3))).toThrow(/unknown status 3/);
    expect(() => encodePositionsFrame({ ...one(119.9, 1), count: 2 })).toThrow(/past the end/);
    // An area with no phones yet: an empty snapshot is a frame like any other.
    const empty = decodePositionsFrame(encodePositionsFrame({ ...one(119.9, 1), count: 0, snapshot: true }));
    expect([empty.count, empty.snapshot, empty.lonE6.length]).toEqual([0, true, 0]);
  });
});

describe("the wall's store of grid phones", () => {
  const frameOf = (rows: [index: number, lon: number, lat: number, status: number][], o: { snapshot?: boolean; seq?: number; t?: number } = {}) =>
    decodePositionsFrame(
      encodePositionsFrame({
        t: o.t ?? T0,
        snapshot: o.snapshot ?? false,
        seq: o.seq ?? 0,
        count: rows.length,
        index: Uint32Array.from(rows, (r) => r[0]),
        lon: Float64Array.from(rows, (r) => r[1]),
        lat: Float64Array.from(rows, (r) => r[2]),
        status: Uint8Array.from(rows, (r) => r[3]),
      }),
    );
  const rgba = (a: Uint8Array, i: number) => Array.from(a.subarray(i * 4, i * 4 + 4));

  it('draws a phone in its status colour, leaves the trail of its last six moves fading behind it, and drops it when it goes offline', () => {
    const w = new WorkerPositions(4);
    w.apply(frameOf([[2, 119.97, 31.81, DEVICE_STATUS.online]], { snapshot: true }));
    expect(w.count).toBe(3);
    expect(w.known).toBe(1);
    expect(rgba(w.fill, 2)).toEqual([...WORKER_RGBA[DEVICE_STATUS.online]]);
    expect(rgba(w.fill, 0)[3]).toBe(0); // slots no frame named stay transparent
    for (let step = 1; step <= 8; step++) w.apply(frameOf([[2, 119.97 + step * 1e-4, 31.81, DEVICE_STATUS.online]], { t: T0 + step * 5000 }));
    const s = w.slot(2)!;
    expect(Math.abs(s.lon - 119.9708)).toBeLessThan(4e-6); // float32, as deck.gl draws it: ≤ 0.4 m
    expect(s.updatedAt).toBe(T0 + 40_000);
    expect(s.trail).toHaveLength(TRAIL);
    expect(s.trail.map(([lon]) => Math.round((lon - 119.97) * 1e4))).toEqual([7, 6, 5, 4, 3, 2]);
    // Alpha by age: the newest trail dot strongest, every one fainter than the phone, none gone.
    const byAge = s.trailAlpha;
    for (let k = 1; k < TRAIL; k++) expect(byAge[k]).toBeLessThan(byAge[k - 1]);
    expect(byAge[0]).toBeLessThan(WORKER_RGBA[DEVICE_STATUS.online][3]);
    expect(byAge[TRAIL - 1]).toBeGreaterThan(0);
    // A status change without a move repaints, and keeps the trail; going offline drops it.
    w.apply(frameOf([[2, 119.9708, 31.81, DEVICE_STATUS.onTask]]));
    expect(rgba(w.fill, 2)).toEqual([...WORKER_RGBA[DEVICE_STATUS.onTask]]);
    expect(w.slot(2)!.trail).toHaveLength(TRAIL);
    expect(Array.from(w.tally)).toEqual([0, 0, 1]);
    w.apply(frameOf([[2, 119.9709, 31.81, DEVICE_STATUS.offline]]));
    expect(w.slot(2)!.trail).toHaveLength(0);
    expect(rgba(w.fill, 2)[3]).toBeLessThan(WORKER_RGBA[DEVICE_STATUS.online][3]); // dimmed
    expect(rgba(w.trailFill, 2)[3]).toBe(0);
    expect(Array.from(w.tally)).toEqual([1, 0, 0]);
    // Back online somewhere else: no trail dot where it went quiet; the next move starts one.
    w.apply(frameOf([[2, 119.98, 31.82, DEVICE_STATUS.online]]));
    expect(w.slot(2)!.trail).toEqual([]);
    w.apply(frameOf([[2, 119.9801, 31.82, DEVICE_STATUS.online]]));
    expect(w.slot(2)!.trail.map(([lon, lat]) => [lon.toFixed(4), lat.toFixed(2)])).toEqual([['119.9800', '31.82']]);
  });

  it('replaces everything on a snapshot, and counts a lost delta by its seq', () => {
    const w = new WorkerPositions(2);
    w.apply(frameOf([[0, 119.9, 31.7, 1], [1, 119.91, 31.71, 1], [900, 120.0, 31.8, 2]], { snapshot: true, seq: 41 }));
    expect(w.count).toBe(901); // grown past its first capacity
    w.apply(frameOf([[1, 119.911, 31.71, 1]], { seq: 42 }));
    w.apply(frameOf([[1, 119.912, 31.71, 1]], { seq: 44 }));
    expect(w.gaps).toBe(1);
    w.apply(frameOf([[5, 119.95, 31.75, 0]], { snapshot: true, seq: 44 }));
    expect(w.count).toBe(6);
    expect(w.known).toBe(1);
    expect(w.slot(1)).toBeNull();
    expect(w.slot(900)).toBeNull();
    expect(rgba(w.fill, 1)[3]).toBe(0);
    expect(w.slot(5)!.status).toBe(DEVICE_STATUS.offline);
  });

  it('keeps every trail when a phone with a higher index joins mid-shift', () => {
    const w = new WorkerPositions(4);
    const at = (k: number): [number, number, number, number][] => [0, 1, 2].map((i) => [i, 119.9 + i * 0.01 + k * 1e-4, 31.7 + k * 1e-4, i === 1 ? 2 : 1]);
    w.apply(frameOf(at(0), { snapshot: true }));
    for (let k = 1; k <= 4; k++) w.apply(frameOf(at(k)));
    const before = [0, 1, 2].map((i) => w.slot(i));
    w.apply(frameOf([[3000, 120.1, 31.9, 1]]));
    expect(w.count).toBe(3001);
    expect([0, 1, 2].map((i) => w.slot(i))).toEqual(before);
    expect(before[1]!.trail).toHaveLength(4);
    expect(w.slot(3000)!.trail).toEqual([]);
    // The slots in between are drawn transparent in every trail block.
    const drawn = new Set<number>();
    for (let k = 0; k < w.count * TRAIL; k++) if (w.trailFill[k * 4 + 3] > 0) drawn.add(k % w.count);
    expect([...drawn].sort((x, y) => x - y)).toEqual([0, 1, 2, 3000]);
  });

  it('applies frames of 8,500 walking phones in the same buffers, colours untouched, and refuses an impossible index unchanged', () => {
    const phones = cityPhones();
    const next = mulberry32(11);
    const w = new WorkerPositions();
    w.apply(decodePositionsFrame(encodePositionsFrame(walk(phones, next, T0, true))));
    const buffers = [w.positions, w.fill, w.trail, w.trailFill];
    const colours = w.colorVersion;
    for (let k = 1; k <= 10; k++) w.apply(decodePositionsFrame(encodePositionsFrame(walk(phones, next, T0 + k * 5000))));
    [w.positions, w.fill, w.trail, w.trailFill].forEach((b, k) => expect(b).toBe(buffers[k]));
    // Nobody's status changed: only positions are new for deck.gl to upload.
    expect(w.colorVersion).toBe(colours);
    expect(w.slot(0)!.trail).toHaveLength(TRAIL);
    expect(w.known).toBe(PHONES);
    expect(w.slot(4321)!.lon).toBeCloseTo(phones.lon[4321], 5);
    const version = w.version;
    const bad = frameOf([[2 ** 24, 119.9, 31.7, 1]]);
    expect(() => w.apply(bad)).toThrow(/device index/);
    expect([w.version, w.count, w.known]).toEqual([version, PHONES, PHONES]);
  });
});
