// The track store conformance suite (tests/store/track-store.conformance.ts) on the
// embedded SQLite track store, then what only the SQLite layout has to show: the append
// log replayed after a crash, a full disk, one chunk per device-day once a day is over,
// and the file kept to one process.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fix } from '../server/domain/fix.ts';
import { dayCST, dayStartMs } from '../server/domain/day.ts';
import { quantise } from '../server/domain/track-codec.ts';
import { openSqliteTrackStore, type SqliteTrackStore } from '../server/store/sqlite-tracks.ts';
import { DataDirInUseError, StorageFullError } from '../server/store/errors.ts';
import { trackStoreConformance } from './store/track-store.conformance.ts';
import { mulberry32 } from '../server/sim/random.ts';

const dirs: string[] = [];
const open: SqliteTrackStore[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'one-net-tracks-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const s of open.splice(0)) if (s.db.open) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

trackStoreConformance('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'one-net-tracks-conformance-'));
  let tracks = openSqliteTrackStore(dir);
  return {
    get tracks() {
      return tracks;
    },
    async reopen() {
      await tracks.close();
      return (tracks = openSqliteTrackStore(dir));
    },
    async close() {
      if (tracks.db.open) await tracks.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const DAY = dayCST(Date.UTC(2026, 10, 23, 4));
const AT = (h: number, m = 0) => dayStartMs(DAY) + (h * 60 + m) * 60_000;

/** A grid worker's day: 08:00–12:00 and 13:30–17:30, one fix every 5 s, walking streets of
 * a ~0.5 km² grid with slowly drifting GPS error and a battery running down. */
function workday(device: string, seed: number): Fix[] {
  const r = mulberry32(seed);
  const out: Fix[] = [];
  let lon = 119.97 + r() * 0.01, lat = 31.78 + r() * 0.01, ex = 0, ey = 0, heading = r() * 360, batt = 100;
  for (const [from, to] of [[AT(8), AT(12)], [AT(13, 30), AT(17, 30)]]) {
    for (let t = from; t < to; t += 5000) {
      if (r() < 0.02) heading = (heading + (r() < 0.5 ? 90 : 270)) % 360; // a corner
      const step = r() < 0.1 ? 0 : 1.2 * 5; // now and then a pause
      lon += (step * Math.sin((heading * Math.PI) / 180)) / 94_600;
      lat += (step * Math.cos((heading * Math.PI) / 180)) / 111_000;
      ex = 0.9 * ex + (r() - 0.5) * 1.5; // metres of GPS error, correlated from fix to fix
      ey = 0.9 * ey + (r() - 0.5) * 1.5;
      batt -= 0.004;
      out.push({ device, t, lon: lon + ex / 94_600, lat: lat + ey / 111_000, speed: step / 5 + (r() - 0.5) * 0.2, bearing: heading, altitude: 6 + r() * 4, accuracy: 3 + r() * 5, battery: Math.round(batt) });
    }
  }
  return out;
}

describe('SQLite track store', () => {
  it('replays its append log after a crash: every acknowledged fix is there, none twice', async () => {
    const dir = tempDir();
    const s = openSqliteTrackStore(dir);
    const fixes = workday('w-1', 1).slice(0, 500);
    await s.append(fixes.slice(0, 300));
    await s.compact({ now: AT(9) });
    await s.append(fixes.slice(300));
    s.db.close(); // killed: no flush on the way out
    const again = openSqliteTrackStore(dir);
    open.push(again);
    expect((await again.stats()).logFixes).toBe(200);
    expect(await again.track('w-1', AT(0), AT(24))).toEqual(fixes.map(quantise));
    expect((await again.append(fixes.slice(250, 350))).duplicates).toHaveLength(100);
  });

  it('on a full disk refuses the whole append with StorageFullError, keeps what was acknowledged, and takes the refused fixes later', async () => {
    const dir = tempDir();
    const s = openSqliteTrackStore(dir, { maxPageCount: 16 });
    const fixes = workday('w-2', 2);
    const acked: Fix[] = [];
    let refused: Fix[] | null = null;
    // four gateways at once, three with a few fixes and one with many: their appends share
    // a transaction, so when the big one finds the disk full the small ones, already taken
    // in memory, are rolled back with it
    for (let i = 0; i < fixes.length && !refused; ) {
      const batches = [5, 5, 5, 300].map((n) => fixes.slice(i, (i += n))).filter((b) => b.length);
      const answers = await Promise.allSettled(batches.map((b) => s.append(b)));
      answers.forEach((a, k) => {
        if (a.status === 'fulfilled') acked.push(...batches[k]);
        else {
          expect(a.reason).toBeInstanceOf(StorageFullError);
          refused = [...(refused ?? []), ...batches[k]];
        }
      });
    }
    expect(refused).not.toBeNull();
    expect(acked.length).toBeGreaterThan(0);
    expect(await s.track('w-2', AT(0), AT(24))).toEqual(acked.map(quantise));
    expect(await s.lastFixes()).toEqual([quantise(acked[acked.length - 1])]);
    await s.close();
    const roomy = openSqliteTrackStore(dir);
    open.push(roomy);
    expect(await roomy.append(refused!)).toEqual({ stored: refused!.length, duplicates: [] });
    expect(refused!.length).toBeGreaterThan(300); // the small appends went down with the big one
    expect(await roomy.track('w-2', AT(0), AT(24))).toEqual([...acked, ...refused!].map(quantise));
  });

  it('keeps a finished day as one chunk per device, at a few bytes a position', async () => {
    const dir = tempDir();
    const s = openSqliteTrackStore(dir);
    open.push(s);
    const days = Array.from({ length: 12 }, (_, k) => workday(`320402001001${String(k).padStart(3, '0')}-03`, 10 + k));
    for (let m = AT(8); m < AT(17, 30); m += 60_000) {
      await s.append(days.flatMap((d) => d.filter((f) => f.t >= m && f.t < m + 60_000)));
      await s.compact({ now: m + 60_000 });
    }
    while ((await s.compact({ now: AT(24, 1), budgetMs: 50 })).pending > 0);
    const st = await s.stats();
    expect(st.positions).toBe(days.reduce((n, d) => n + d.length, 0));
    expect(st.chunks).toBe(12);
    expect(st.recentChunks).toBe(0);
    expect(st.bytes / st.positions).toBeLessThan(12);
    expect(await s.track(days[3][0].device, AT(0), AT(24))).toEqual(days[3].map(quantise));
  });

  it('lets the app close the file in the middle of a compaction: the compaction stops, the log keeps the rest', async () => {
    const dir = tempDir();
    const s = openSqliteTrackStore(dir);
    // 4,000 phones' first fix of the day: a flush of several ~10 ms slices
    const fixes: Fix[] = Array.from({ length: 4000 }, (_, k) => ({ ...workday(`w-${k}`, k)[0] }));
    for (let i = 0; i < fixes.length; i += 500) await s.append(fixes.slice(i, i + 500));
    const compaction = s.compact({ now: AT(9) });
    await new Promise((r) => setImmediate(r)); // the first slice has run
    s.db.close(); // what the app's close does (server/store/sqlite.ts)
    await expect(compaction).resolves.toMatchObject({ pending: 0 });
    const again = openSqliteTrackStore(dir);
    open.push(again);
    const st = await again.stats();
    expect(st.positions).toBe(4000);
    expect(st.chunks).toBeGreaterThan(0); // some were flushed before the close
    expect(st.logFixes).toBeLessThan(4000);
    expect(await again.track('w-3999', AT(0), AT(24))).toEqual([quantise(fixes[3999])]);
    await again.compact({ now: AT(9) });
    expect(await again.stats()).toMatchObject({ positions: 4000, logFixes: 0 });
  });

  it('refuses a second opening of the same file while the first holds it', async () => {
    const dir = tempDir();
    const s = openSqliteTrackStore(dir);
    open.push(s);
    expect(() => openSqliteTrackStore(dir, { lockWaitMs: 50 })).toThrow(DataDirInUseError);
  });

  it('refuses a fix it cannot store without storing any of the call', async () => {
    const dir = tempDir();
    const s = openSqliteTrackStore(dir);
    open.push(s);
    const fixes = workday('w-3', 3).slice(0, 10);
    await expect(s.append([...fixes, { ...fixes[0], t: NaN }])).rejects.toThrow(RangeError);
    expect(await s.append(fixes)).toEqual({ stored: 10, duplicates: [] });
  });
});
