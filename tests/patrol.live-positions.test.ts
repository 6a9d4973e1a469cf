// Coalescing (server/patrol/live-positions.ts): fixes only update typed arrays; each flush
// sends each area with walls one frame with the newest position of every device that
// moved, and a late fix never moves a device back.
import { describe, expect, it } from 'vitest';
import { LivePositions } from '../server/patrol/live-positions.ts';
import { Roster } from '../server/patrol/roster.ts';
import { decodePositionsFrame, POSITION_SCALE } from '../server/domain/positions-frame.ts';
import { DEVICE_STATUS, type Fix } from '../server/domain/fix.ts';
import { theNet } from './helpers.ts';

const T0 = Date.UTC(2026, 10, 23, 2);
const fix = (device: string, t: number, lat: number): Fix => ({ device, t, lon: 119.95, lat, speed: null, bearing: null, altitude: null, accuracy: null, battery: null });

describe('live positions', () => {
  it('sends one frame per area per flush, holding only the newest fix of each device that moved in it', () => {
    const roster = new Roster(theNet().net);
    let now = T0;
    const live = new LivePositions({ roster, now: () => now });
    const sent: { area: string; frame: ReturnType<typeof decodePositionsFrame> }[] = [];
    live.start({ areas: () => ['320402', '320481'], send: (area, f) => sent.push({ area, frame: decodePositionsFrame(f) }) });
    live.stop(); // flushed by hand below
    const a = roster.devices.find((d) => d.grid.startsWith('320402'))!;
    const b = roster.devices.find((d) => d.grid.startsWith('320481'))!;
    live.update(a.index, fix(a.id, T0 - 3000, 31.80), a.grid);
    live.update(a.index, fix(a.id, T0 - 1000, 31.82), a.grid);
    live.update(a.index, fix(a.id, T0 - 2000, 31.81), a.grid); // late: does not move it back
    live.flush();
    expect(sent.map((s) => s.area)).toEqual(['320402']);
    const f = sent[0].frame;
    expect([f.count, f.snapshot, f.index[0], f.latE6[0] / POSITION_SCALE, f.status[0]]).toEqual([1, false, a.index, 31.82, DEVICE_STATUS.online]);
    live.flush();
    expect(sent).toHaveLength(1); // nothing moved: no frame
    live.update(b.index, fix(b.id, T0, 31.4), b.grid);
    live.flush();
    expect(sent.map((s) => s.area)).toEqual(['320402', '320481']);
    // Five minutes of silence: offline, sent once as a status change.
    now += 5 * 60_000;
    live.flush();
    const offline = sent.slice(2);
    expect(offline.map((s) => [s.area, s.frame.count, s.frame.status[0]])).toEqual([['320402', 1, DEVICE_STATUS.offline], ['320481', 1, DEVICE_STATUS.offline]]);
    const snap = decodePositionsFrame(live.snapshot('320400'));
    expect([snap.snapshot, snap.count]).toEqual([true, 2]);
  });
});
