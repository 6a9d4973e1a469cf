// Where every device is now, and the frames that carry it to walls. Never one message per
// fix: fixes only update typed arrays (and mark the device dirty); every `intervalMs`
// (500: at most 2 frames a second) each area room with walls in it gets one frame with the
// devices inside the area that moved or changed status since the last frame, encoded by
// server/domain/positions-frame.ts and sent volatile (a stale frame is worth nothing after a
// reconnection, so it must not sit in Socket.IO's recovery buffer). A wall that joins an
// area gets a snapshot of every device in it first. Devices without a fix for
// `offlineAfterMs` turn offline (a status change: it goes out in the next frame).
// A device is "in" an area by the grid it stands in now (its home grid when it stands
// outside every grid), so a street's wall shows who is in the street; one that walks out
// is sent to the area it left once more.
import { encodePositionsFrame } from '../domain/positions-frame.ts';
import { DEFAULT_OFFLINE_AFTER_MS, DEVICE_STATUS, type Fix } from '../domain/fix.ts';
import type { Roster } from './roster.ts';
import { areaPrefix } from '../net/hierarchy.ts';

export interface PositionsSink {
  /** Area codes with walls that want positions, on this node. */
  areas(): Iterable<string>;
  /** Sends a frame (volatile) to the walls of an area. */
  send(area: string, frame: Uint8Array): void;
}

export interface LivePositionsOptions {
  roster: Roster;
  now: () => number;
  offlineAfterMs?: number;
  intervalMs?: number;
  /** Does this device have an open task now (status 2 instead of 1)? */
  onTask?: (device: string) => boolean;
}

export interface DeviceNow {
  lon: number;
  lat: number;
  t: number;
  status: number;
  /** The grid it stands in (or its home grid). */
  grid: string;
}

export class LivePositions {
  private lon = new Float64Array(0);
  private lat = new Float64Array(0);
  private t = new Float64Array(0);
  private status = new Uint8Array(0);
  private dirty = new Uint8Array(0);
  private grid: string[] = [];
  /** The grid each device stood in at the last frame: one that walks out of an area is
   * sent to that area once more, so its wall does not keep it where it was. */
  private gridSent: string[] = [];
  private dirtyList: number[] = [];
  /** Each area room's frame number: a snapshot carries the current one, a delta the next. */
  private seq = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private sink: PositionsSink | null = null;
  readonly offlineAfterMs: number;
  /** Frames sent and their bytes, for the benchmark and the health page. */
  readonly sent = { frames: 0, bytes: 0, largest: 0 };

  constructor(private readonly o: LivePositionsOptions) {
    this.offlineAfterMs = o.offlineAfterMs ?? DEFAULT_OFFLINE_AFTER_MS;
  }

  private ensure(n: number): void {
    if (n <= this.lon.length) return;
    const cap = Math.max(n, this.lon.length * 2, 1024);
    const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T) => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.lon = grow(this.lon, (k) => new Float64Array(k));
    this.lat = grow(this.lat, (k) => new Float64Array(k));
    this.t = grow(this.t, (k) => new Float64Array(k));
    this.status = grow(this.status, (k) => new Uint8Array(k));
    this.dirty = grow(this.dirty, (k) => new Uint8Array(k));
  }

  private mark(i: number): void {
    if (!this.dirty[i]) {
      this.dirty[i] = 1;
      this.dirtyList.push(i);
    }
  }

  /** A device's newest fix (older ones arriving late do not move it back). */
  update(index: number, fix: Fix, grid: string | null): void {
    this.ensure(index + 1);
    if (this.t[index] > fix.t) return;
    this.lon[index] = fix.lon;
    this.lat[index] = fix.lat;
    this.t[index] = fix.t;
    this.grid[index] = grid ?? this.o.roster.devices[index]?.grid ?? '';
    const online = fix.t > this.o.now() - this.offlineAfterMs;
    this.status[index] = !online ? DEVICE_STATUS.offline : this.o.onTask?.(this.o.roster.devices[index].id) ? DEVICE_STATUS.onTask : DEVICE_STATUS.online;
    this.mark(index);
  }

  /** Re-reads "on a task" for one device (a task was assigned or finished). */
  refreshTask(index: number): void {
    if (index >= this.lon.length || !this.t[index] || this.status[index] === DEVICE_STATUS.offline) return;
    const s = this.o.onTask?.(this.o.roster.devices[index].id) ? DEVICE_STATUS.onTask : DEVICE_STATUS.online;
    if (s !== this.status[index]) (this.status[index] = s), this.mark(index);
  }

  get(index: number): DeviceNow | null {
    if (index >= this.lon.length || !this.t[index]) return null;
    return { lon: this.lon[index], lat: this.lat[index], t: this.t[index], status: this.status[index], grid: this.grid[index] };
  }

  /** Indices of devices with a known position, optionally only the online ones. */
  *known(onlineOnly = false): Generator<number> {
    const n = Math.min(this.o.roster.size, this.lon.length);
    for (let i = 0; i < n; i++) if (this.t[i] && (!onlineOnly || this.status[i] !== DEVICE_STATUS.offline)) yield i;
  }

  /** Turns devices silent for too long offline. */
  sweep(): void {
    const cutoff = this.o.now() - this.offlineAfterMs;
    for (const i of this.known(true)) if (this.t[i] <= cutoff) (this.status[i] = DEVICE_STATUS.offline), this.mark(i);
  }

  private encode(indices: ArrayLike<number>, count: number, snapshot: boolean, seq: number): Uint8Array {
    const index = new Uint32Array(count);
    const lon = new Float64Array(count);
    const lat = new Float64Array(count);
    const status = new Uint8Array(count);
    for (let k = 0; k < count; k++) {
      const i = indices[k];
      index[k] = i;
      lon[k] = this.lon[i];
      lat[k] = this.lat[i];
      status[k] = this.status[i];
    }
    return encodePositionsFrame({ t: this.o.now(), snapshot, seq, index, lon, lat, status, count });
  }

  /** Every known device standing in `area` (a snapshot frame). */
  snapshot(area: string): Uint8Array {
    const picked: number[] = [];
    const prefix = areaPrefix(area);
    for (const i of this.known()) if (this.grid[i].startsWith(prefix)) picked.push(i);
    return this.encode(picked, picked.length, true, this.seq.get(area) ?? 0);
  }

  /** One frame per area with walls: the dirty devices inside it. */
  flush(): void {
    this.sweep();
    if (!this.sink || !this.dirtyList.length) return;
    const dirty = this.dirtyList;
    this.dirtyList = [];
    for (const i of dirty) this.dirty[i] = 0;
    const picked = new Uint32Array(dirty.length);
    for (const area of this.sink.areas()) {
      const prefix = areaPrefix(area); // the city's grids start with 3204, not 320400
      let n = 0;
      for (const i of dirty) if (this.grid[i].startsWith(prefix) || this.gridSent[i]?.startsWith(prefix)) picked[n++] = i;
      if (!n) continue;
      const seq = ((this.seq.get(area) ?? 0) + 1) >>> 0;
      this.seq.set(area, seq);
      const frame = this.encode(picked, n, false, seq);
      this.sent.frames++;
      this.sent.bytes += frame.byteLength;
      this.sent.largest = Math.max(this.sent.largest, frame.byteLength);
      this.sink.send(area, frame);
    }
    for (const i of dirty) this.gridSent[i] = this.grid[i];
  }

  start(sink: PositionsSink): void {
    this.sink = sink;
    this.timer ??= setInterval(() => this.flush(), this.o.intervalMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
