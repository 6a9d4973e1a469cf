// What every TrackStore must do, written once as a function of the store: SQLite runs it
// now (tests/store.tracks.test.ts), the PostgreSQL store of the scale-out issue will run
// the same. `make` gives a fresh empty store; `reopen` closes it and opens the same data
// again (a restart).
import { describe, expect, it } from 'vitest';
import type { Fix } from '../../server/domain/fix.ts';
import { dayCST, dayStartMs } from '../../server/domain/day.ts';
import { quantise } from '../../server/domain/track-codec.ts';
import type { TrackStore } from '../../server/store/tracks.ts';

export interface MadeTrackStore {
  tracks: TrackStore;
  reopen(): Promise<TrackStore>;
  close(): Promise<void>;
}

const DAY = dayCST(Date.UTC(2026, 10, 23, 4)); // 2026-11-23 CST
const AT = (h: number, m = 0, s = 0) => dayStartMs(DAY) + ((h * 60 + m) * 60 + s) * 1000; // CST clock time that day
const MIN = 60_000;
const W1 = '320402001001001-03'; // a full-time worker's phone in a 天宁区 grid
const W2 = '320481100200003-04';
const W3 = 'tracker-0007';

/** A walk east along a street, a fix every 5 s, from `start`, ~1.2 m/s. */
function walk(device: string, start: number, n: number, o: { lon?: number; lat?: number; every?: number } = {}): Fix[] {
  const out: Fix[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      device, t: start + i * (o.every ?? 5000), lon: (o.lon ?? 119.9731234) + i * 0.0000633, lat: (o.lat ?? 31.7812345) + (i % 3) * 0.000011,
      speed: 1.2, bearing: 90, altitude: 8, accuracy: 4.5, battery: 90 - Math.floor(i / 120),
    });
  }
  return out;
}
const q = (fs: Fix[]) => fs.map(quantise);
const times = (fs: Fix[]) => fs.map((f) => f.t);

export function trackStoreConformance(name: string, make: () => Promise<MadeTrackStore>) {
  describe(`TrackStore conformance: ${name}`, () => {
    const withStore = (f: (s: TrackStore, made: MadeTrackStore) => Promise<void>) => async () => {
      const made = await make();
      try {
        await f(made.tracks, made);
      } finally {
        await made.close();
      }
    };

    it('gives back a walk as it was stored, at the codec\'s resolution, in [from, to)', withStore(async (s) => {
      const morning = walk(W1, AT(8, 30), 120);
      expect(await s.append(morning)).toEqual({ stored: 120, duplicates: [] });
      expect(await s.track(W1, AT(8), AT(9))).toEqual(q(morning));
      expect(await s.track(W1, morning[10].t, morning[20].t)).toEqual(q(morning.slice(10, 20)));
      expect(await s.track(W1, AT(9), AT(10))).toEqual([]);
      expect(await s.track(W2, AT(0), AT(23))).toEqual([]);
      expect(await s.track(W1, AT(9), AT(8))).toEqual([]);
      expect(await s.append([])).toEqual({ stored: 0, duplicates: [] });
    }));

    it('takes many devices\' fixes interleaved in one call and keeps each device\'s track apart', withStore(async (s) => {
      const a = walk(W1, AT(9), 60), b = walk(W2, AT(9, 0, 2), 60, { lon: 119.5, lat: 31.4 }), c = walk(W3, AT(9, 0, 4), 60, { lon: 120.1 });
      const batch = a.flatMap((f, i) => [c[59 - i], f, b[i]]); // W3 newest first
      expect(await s.append(batch)).toEqual({ stored: 180, duplicates: [] });
      expect(await s.track(W1, AT(0), AT(24))).toEqual(q(a));
      expect(await s.track(W2, AT(0), AT(24))).toEqual(q(b));
      expect(await s.track(W3, AT(0), AT(24))).toEqual(q(c));
    }));

    it('drops a fix at an instant its device already has — stored before or earlier in the call — and answers its index', withStore(async (s) => {
      const fixes = walk(W1, AT(10), 10);
      await s.append(fixes.slice(0, 5));
      const moved = { ...fixes[2], lon: fixes[2].lon + 0.001 }; // same phone, same instant, another place: still a duplicate
      const sameInstantOtherPhone = { ...fixes[3], device: W2 };
      const r = await s.append([fixes[4], fixes[5], fixes[5], moved, sameInstantOtherPhone, fixes[6], { ...fixes[6] }, fixes[0]]);
      expect(r).toEqual({ stored: 3, duplicates: [0, 2, 3, 6, 7] });
      expect(await s.track(W1, AT(0), AT(24))).toEqual(q(fixes.slice(0, 7)));
      expect(await s.track(W2, AT(0), AT(24))).toEqual(q([sameInstantOtherPhone]));
    }));

    it('stores a phone\'s offline queue sent late with its original times, in its place in time', withStore(async (s) => {
      const day = walk(W1, AT(8), 600); // 08:00–08:50
      const before = day.slice(0, 200), deadZone = day.slice(200, 400), after = day.slice(400);
      await s.append(before);
      await s.append(after);
      await s.compact({ now: AT(8, 55) });
      // the queue arrives newest first, some of it twice (the phone retried)
      const queue = [...deadZone].reverse();
      const r = await s.append([...queue, ...deadZone.slice(0, 50)]);
      expect(r.stored).toBe(200);
      expect(r.duplicates).toEqual(Array.from({ length: 50 }, (_, i) => 200 + i));
      expect(await s.track(W1, AT(8), AT(9))).toEqual(q(day));
      expect(await s.lastFixes()).toEqual(q([day[599]])); // the late fixes did not replace the newest
      // and again once the late fixes too are in chunks
      await s.compact({ now: AT(9) });
      expect((await s.append(day.filter((_, i) => i % 37 === 0))).stored).toBe(0);
      expect(await s.track(W1, AT(8), AT(9))).toEqual(q(day));
    }));

    it('answers the newest fix of every device for the live layer, before and after a restart', withStore(async (s, made) => {
      await s.append([...walk(W1, AT(8), 50), ...walk(W2, AT(7), 10)]);
      await s.append([walk(W1, AT(7), 1)[0]]); // older than W1's newest
      const expected = [quantise(walk(W1, AT(8), 50)[49]), quantise(walk(W2, AT(7), 10)[9])];
      const byDevice = (fs: Fix[]) => [...fs].sort((x, y) => x.device.localeCompare(y.device));
      expect(byDevice(await s.lastFixes())).toEqual(byDevice(expected));
      await s.compact({ now: AT(9) });
      await s.append(walk(W3, AT(9), 3));
      const again = await made.reopen();
      expect(byDevice(await again.lastFixes())).toEqual(byDevice([...expected, quantise(walk(W3, AT(9), 3)[2])]));
      expect(await again.track(W3, AT(0), AT(24))).toEqual(q(walk(W3, AT(9), 3)));
    }));

    it('keeps every acknowledged fix across a restart, compacted or not', withStore(async (s, made) => {
      const a = walk(W1, AT(8), 300);
      await s.append(a.slice(0, 100));
      await s.compact({ now: AT(9) });
      await s.append(a.slice(100));
      const again = await made.reopen();
      expect(await again.track(W1, AT(0), AT(24))).toEqual(q(a));
      expect((await again.append(a.slice(90, 110))).duplicates).toHaveLength(20);
    }));

    it('reads the same before and after compaction, a whole day merged into sealed chunks', withStore(async (s) => {
      // 08:00–17:00 with a lunch break, every 5 s, appended a minute at a time like ingest
      const day = [...walk(W1, AT(8), 12 * 60 * 4), ...walk(W1, AT(13), 12 * 60 * 4, { lon: 119.98 })];
      const other = walk(W2, AT(8), 12 * 60 * 9);
      for (let m = 0; m < 9 * 60; m++) {
        const lo = AT(8, m), hi = lo + MIN;
        await s.append([...day, ...other].filter((f) => f.t >= lo && f.t < hi));
        if (m % 10 === 9) await s.compact({ now: hi });
      }
      const whole = await s.track(W1, AT(0), AT(24));
      expect(whole).toEqual(q(day));
      await s.compact({ now: AT(17, 30) });
      expect(await s.track(W1, AT(0), AT(24))).toEqual(whole);
      // the day is over: everything merged, nothing left recent
      for (let k = 0; k < 100 && (await s.compact({ now: AT(24, 5), budgetMs: 1 })).pending > 0; k++);
      expect(await s.track(W1, AT(0), AT(24))).toEqual(whole);
      expect(await s.track(W1, AT(12), AT(13, 30))).toEqual(q(day).filter((f) => f.t >= AT(12) && f.t < AT(13, 30)));
      expect(await s.track(W2, AT(0), AT(24))).toEqual(q(other));
      const st = await s.stats();
      expect(st.positions).toBe(day.length + other.length);
      expect(st.logFixes).toBe(0);
      expect(st.recentChunks).toBe(0);
    }));

    it('splits a track at CST midnight and reads across it', withStore(async (s) => {
      const night = walk(W1, AT(23, 50), 240); // 23:50 → 00:10 the next day
      await s.append(night);
      await s.compact({ now: AT(24, 30) });
      const first = await s.track(W1, AT(0), AT(24));
      const second = await s.track(W1, AT(24), AT(48));
      expect(first.length).toBe(120);
      expect(second.length).toBe(120);
      expect([...first, ...second]).toEqual(q(night));
      expect(times(await s.track(W1, AT(23, 59), AT(24, 1)))).toEqual(times(q(night)).filter((t) => t >= AT(23, 59) && t < AT(24, 1)));
    }));

    it('drops whole CST days before a day, and forgets devices with nothing left', withStore(async (s) => {
      const d1 = walk(W1, AT(9) - 2 * 86_400_000, 100), d2 = walk(W1, AT(9) - 86_400_000, 100), d3 = walk(W1, AT(9), 100);
      const old = walk(W2, AT(9) - 2 * 86_400_000, 50);
      await s.append([...d1, ...d2]);
      await s.compact({ now: AT(8) });
      await s.append([...old, ...d3]); // not yet compacted: dropped all the same
      expect(await s.dropDaysBefore(DAY - 1)).toBe(150);
      expect(await s.track(W1, AT(0) - 3 * 86_400_000, AT(24))).toEqual(q([...d2, ...d3]));
      expect(await s.track(W2, AT(0) - 3 * 86_400_000, AT(24))).toEqual([]);
      expect((await s.lastFixes()).map((f) => f.device)).toEqual([W1]);
      expect(await s.dropDaysBefore(DAY - 1)).toBe(0);
      expect((await s.stats()).positions).toBe(200);
    }));

    it('stores a fix sent by two gateways at the same moment once', withStore(async (s) => {
      const fixes = walk(W1, AT(11), 20);
      const answers = await Promise.all([s.append(fixes), s.append(fixes), s.append(fixes.slice(5, 15))]);
      expect(answers.reduce((n, a) => n + a.stored, 0)).toBe(20);
      expect(answers.reduce((n, a) => n + a.duplicates.length, 0)).toBe(30);
      expect(await s.track(W1, AT(0), AT(24))).toEqual(q(fixes));
    }));

    it('counts what it holds', withStore(async (s) => {
      expect((await s.stats()).positions).toBe(0);
      await s.append([...walk(W1, AT(8), 30), ...walk(W2, AT(8), 20)]);
      const a = await s.stats();
      expect(a).toMatchObject({ positions: 50, devices: 2 });
      expect(a.bytes).toBeGreaterThan(0);
      await s.compact({ now: AT(8, 30) });
      expect((await s.stats()).positions).toBe(50);
    }));
  });
}
