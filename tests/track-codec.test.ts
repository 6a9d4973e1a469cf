// The track codec gives back exactly what it stores: each fix at the stated resolution,
// bit for bit, in the order given — on random walks, nulls, repeated and backward times,
// the ends of the earth, and on no fix or one.
import { describe, expect, it } from 'vitest';
import type { Fix } from '../server/domain/fix.ts';
import { countOf, decode, decodeMany, decodeTimes, encode, encodeMany, isStorable, quantise } from '../server/domain/track-codec.ts';
import { mulberry32 } from '../server/sim/random.ts';

const T0 = Date.UTC(2026, 10, 23, 0, 30); // 08:30 CST
const fix = (t: number, lon: number, lat: number, o: Partial<Fix> = {}): Fix =>
  ({ device: 'w-0001', t, lon, lat, speed: null, bearing: null, altitude: null, accuracy: null, battery: null, ...o });

/** A phone walking in 常州 every ~5 s: jitter, speed, bearing, battery falling; some values
 * missing, some instants repeated or stepping back (a phone's clock corrected). */
function randomTrack(seed: number, n: number, nullRate = 0.1): Fix[] {
  const r = mulberry32(seed);
  const maybe = (v: number) => (r() < nullRate ? null : v);
  let t = T0 + Math.floor(r() * 1000);
  let lon = 119.95 + r() * 0.05;
  let lat = 31.75 + r() * 0.05;
  let batt = 100;
  const out: Fix[] = [];
  for (let i = 0; i < n; i++) {
    const step = r();
    t += step < 0.05 ? 0 : step < 0.08 ? -Math.floor(r() * 20_000) : 4_000 + Math.floor(r() * 2_000);
    lon += (r() - 0.5) * 1e-4;
    lat += (r() - 0.5) * 1e-4;
    batt -= r() * 0.05;
    out.push(fix(t + r(), lon, lat, {
      speed: maybe(r() * 2.5), bearing: maybe(r() * 360), altitude: maybe(5 + r() * 30 - 10),
      accuracy: maybe(2 + r() * 30), battery: maybe(batt),
    }));
  }
  return out;
}

const roundTrips = (fixes: Fix[], deflate = false) => {
  const back = decode(encode(fixes, { deflate }), 'w-0001');
  expect(back).toEqual(fixes.map(quantise));
  // bit for bit: Object.is on every number (toEqual already tells -0 from 0; this says so)
  const differ: string[] = [];
  back.forEach((b, i) => {
    const want = quantise(fixes[i]);
    for (const k of Object.keys(want) as (keyof Fix)[]) if (!Object.is(b[k], want[k])) differ.push(`${i}.${k}: ${b[k]} ≠ ${want[k]}`);
  });
  expect(differ).toEqual([]);
  return back;
};

describe('track codec', () => {
  it('round-trips random walks bit-exactly at the stored resolution, raw and deflated', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const track = randomTrack(seed, 1 + Math.floor(mulberry32(seed * 7)() * 900), seed % 4 === 0 ? 0.9 : 0.1);
      roundTrips(track);
      roundTrips(track, true);
    }
  });

  it('keeps the stated resolutions: 1e-6°, 1 ms, 0.1 m/s, 1°, 1 m, 0.1 m, 1 %', () => {
    const f = fix(T0 + 0.6, 119.9734567891, 31.7812344999, { speed: 1.26, bearing: 359.6, altitude: 12.5, accuracy: 3.94, battery: 84.6 });
    const [back] = roundTrips([f]);
    expect(back).toMatchObject({ t: T0 + 1, lon: 119.973457, lat: 31.781234, speed: 1.3, bearing: 0, altitude: 13, accuracy: 3.9, battery: 85 });
    expect(Math.abs(back.lon - f.lon)).toBeLessThanOrEqual(0.5e-6);
  });

  it('keeps null as null, column by column, and never invents one', () => {
    const fixes = [
      fix(T0, 120, 31, { speed: 0, bearing: 0, altitude: 0, accuracy: 0, battery: 0 }),
      fix(T0 + 5000, 120, 31),
      fix(T0 + 10_000, 120, 31, { speed: 1.2, battery: 100 }),
      fix(T0 + 15_000, 120, 31, { bearing: 359 }),
    ];
    const back = roundTrips(fixes);
    expect(back[0]).toMatchObject({ speed: 0, bearing: 0, altitude: 0, accuracy: 0, battery: 0 });
    expect(back[1]).toMatchObject({ speed: null, bearing: null, altitude: null, accuracy: null, battery: null });
    expect(back[3]).toMatchObject({ speed: null, bearing: 359, battery: null });
  });

  it('keeps equal times, backward times and the order it was given', () => {
    const fixes = [fix(T0, 120, 31), fix(T0, 120.001, 31), fix(T0 - 86_400_000, 120, 31), fix(T0 + 1, 120, 31), fix(0, 120, 31), fix(-5000, 120, 31)];
    expect(roundTrips(fixes).map((f) => f.t)).toEqual([T0, T0, T0 - 86_400_000, T0 + 1, 0, -5000]);
    expect(Array.from(decodeTimes(encode(fixes)))).toEqual([T0, T0, T0 - 86_400_000, T0 + 1, 0, -5000]);
  });

  it('goes to the ends of the earth and back: ±180°, ±90°, jumps across the antimeridian', () => {
    const fixes = [
      fix(T0, -180, -90, { altitude: -500, speed: 150, accuracy: 100_000 }), fix(T0 + 1, 180, 90, { altitude: 9000 }),
      fix(T0 + 2, -179.999999, 89.999999), fix(T0 + 3, 179.999999, -89.999999), fix(T0 + 4, 0, 0), fix(T0 + 5, -0.0000004, -0.0000004),
    ];
    const back = roundTrips(fixes, true);
    expect(back.map((f) => [f.lon, f.lat])).toEqual([[-180, -90], [180, 90], [-179.999999, 89.999999], [179.999999, -89.999999], [0, 0], [0, 0]]);
    expect(Object.is(back[5].lon, 0)).toBe(true); // not -0
  });

  it('stores no fix and one fix', () => {
    expect(decode(encode([]), 'x')).toEqual([]);
    expect(countOf(encode([]))).toBe(0);
    const one = [fix(T0, 119.97, 31.78, { battery: 50 })];
    expect(decode(encode(one, { deflate: true }), 'w-0001')).toEqual(one.map(quantise));
    expect(countOf(encode(one))).toBe(1);
  });

  it('puts the device it is told on every fix (the run does not store it)', () => {
    const back = decode(encode(randomTrack(3, 10)), 'w-0042');
    expect(new Set(back.map((f) => f.device))).toEqual(new Set(['w-0042']));
  });

  it('round-trips a batch of many devices in arrival order (the append log)', () => {
    const a = randomTrack(11, 50).map((f) => ({ ...f, device: '320402001001001-02' }));
    const b = randomTrack(12, 50).map((f) => ({ ...f, device: '设备-7' }));
    const mixed = a.flatMap((f, i) => [f, b[i]]);
    expect(decodeMany(encodeMany(mixed))).toEqual(mixed.map(quantise));
    expect(decodeMany(encodeMany([]))).toEqual([]);
  });

  it('costs a few bytes a fix on a walking hour, deflated, and a good deal more raw', () => {
    const r = mulberry32(5);
    const walk: Fix[] = [];
    for (let i = 0, lon = 119.97, lat = 31.78; i < 720; i++) {
      lon += 6e-5 + (r() - 0.5) * 2e-5;
      lat += (r() - 0.5) * 2e-5;
      walk.push(fix(T0 + i * 5000, lon, lat, { speed: 1.2 + (r() - 0.5) * 0.4, bearing: 90 + (r() - 0.5) * 20, altitude: 8, accuracy: 5, battery: 90 - Math.floor(i / 100) }));
    }
    const raw = encode(walk).length / walk.length;
    const packed = encode(walk, { deflate: true }).length / walk.length;
    expect(packed).toBeLessThan(7);
    expect(packed).toBeLessThan(raw);
  });

  it('refuses what it cannot store, and truncated or foreign bytes', () => {
    expect(isStorable(fix(T0, 120, 31))).toBe(true);
    expect(isStorable(fix(NaN, 120, 31))).toBe(false);
    expect(isStorable(fix(T0, Infinity, 31))).toBe(false);
    expect(isStorable(fix(T0, 120, 31, { speed: NaN }))).toBe(false);
    expect(isStorable(fix(2 ** 60, 120, 31))).toBe(false);
    expect(isStorable({ ...fix(T0, 120, 31), device: 'a\u0000b' })).toBe(false); // NUL separates ids in a batch
    expect(isStorable({ ...fix(T0, 120, 31), device: 'a\ud800' })).toBe(false); // a lone surrogate has no UTF-8
    expect(() => encode([fix(T0, NaN, 31)])).toThrow(RangeError);
    const bytes = encode(randomTrack(9, 100));
    expect(() => decode(bytes.subarray(0, bytes.length - 3), 'x')).toThrow(RangeError);
    expect(() => decode(Uint8Array.of(9, 1, 0), 'x')).toThrow(RangeError);
    expect(() => decodeMany(bytes)).toThrow(RangeError);
  });
});
