// The replay module (client/src/patrol/replay.ts): positions between fixes, the walked path, the clock.
import { describe, expect, it } from 'vitest';
import { advance, fixIndexAt, newClock, pause, play, positionAt, seek, setSpeed, spanOf, walkedPath, type TrackPoint } from '../client/src/patrol/replay.ts';

const T0 = Date.UTC(2026, 10, 23, 1);
const track: TrackPoint[] = [
  { t: T0, lon: 119.95, lat: 31.78 },
  { t: T0 + 10_000, lon: 119.951, lat: 31.78 },
  { t: T0 + 20_000, lon: 119.951, lat: 31.781 },
  { t: T0 + 20_000, lon: 119.951, lat: 31.781 }, // a repeated instant
  { t: T0 + 60_000, lon: 119.955, lat: 31.781 },
];

describe('positions at an instant', () => {
  it('finds the fix at or before t', () => {
    expect(fixIndexAt(track, T0 - 1)).toBe(-1);
    expect(fixIndexAt(track, T0)).toBe(0);
    expect(fixIndexAt(track, T0 + 9_999)).toBe(0);
    expect(fixIndexAt(track, T0 + 10_000)).toBe(1);
    expect(fixIndexAt(track, T0 + 20_000)).toBe(3);
    expect(fixIndexAt(track, T0 + 1e9)).toBe(4);
    expect(fixIndexAt([], T0)).toBe(-1);
  });

  it('interpolates between fixes, holds after the end, nothing before the start', () => {
    expect(positionAt(track, T0 - 1)).toBeNull();
    expect(positionAt(track, T0)).toEqual([119.95, 31.78]);
    const [lon, lat] = positionAt(track, T0 + 5_000)!;
    expect(lon).toBeCloseTo(119.9505, 9);
    expect(lat).toBeCloseTo(31.78, 9);
    const [lon2] = positionAt(track, T0 + 40_000)!;
    expect(lon2).toBeCloseTo(119.953, 9);
    expect(positionAt(track, T0 + 20_000)).toEqual([119.951, 31.781]);
    expect(positionAt(track, T0 + 999_999)).toEqual([119.955, 31.781]);
  });

  it('the walked path ends where the phone is', () => {
    expect(walkedPath(track, T0 - 1)).toEqual([]);
    expect(walkedPath(track, T0)).toEqual([[119.95, 31.78]]);
    const p = walkedPath(track, T0 + 15_000);
    expect(p).toHaveLength(3);
    expect(p[2]![0]).toBeCloseTo(119.951, 9);
    expect(p[2]![1]).toBeCloseTo(31.7805, 9);
    expect(walkedPath(track, T0 + 60_000)).toHaveLength(5);
  });
});

describe('the replay clock', () => {
  it('runs at its speed, stops at the end, starts again from the beginning', () => {
    let c = newClock(T0, T0 + 60_000, 16);
    expect(advance(c, 1000)).toBe(c); // paused: nothing moves
    c = play(c);
    c = advance(c, 1000);
    expect(c.t).toBe(T0 + 16_000);
    c = advance(setSpeed(c, 64), 500);
    expect(c.t).toBe(T0 + 48_000);
    c = advance(c, 1000);
    expect(c).toMatchObject({ t: T0 + 60_000, playing: false });
    c = play(c);
    expect(c).toMatchObject({ t: T0, playing: true });
    expect(pause(c).playing).toBe(false);
    expect(advance(c, -50).t).toBe(T0);
  });

  it('seeks inside the range only', () => {
    const c = newClock(T0, T0 + 60_000);
    expect(seek(c, T0 + 30_000).t).toBe(T0 + 30_000);
    expect(seek(c, T0 - 5).t).toBe(T0);
    expect(seek(c, T0 + 1e9).t).toBe(T0 + 60_000);
  });

  it('spans several tracks', () => {
    expect(spanOf([track, [{ t: T0 - 5, lon: 0, lat: 0 }], []])).toEqual([T0 - 5, T0 + 60_000]);
    expect(spanOf([[], []])).toBeNull();
  });
});
