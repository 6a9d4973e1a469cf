// The wall's grid phones (网格通), live: one slot per device index, in typed arrays that the
// workers layer (map/workersLayer.ts) hands to deck.gl as they are. Fed only by `positions`
// frames (server/domain/positions-frame.ts) through receivePositions, which the socket bridge
// calls: a snapshot replaces everything, a delta overwrites the slots it names.
//
//   const ok = receivePositions(bytes);         // decode, apply, redraw; false when refused
//   subscribeWorkers(render); workers.version;  // the layer rebuilds when the version moves
//   pickWorker(i); pickedWorker();              // the clicked device's index, -1 for none
//
// Positions are float32 (lon/lat degrees), as deck.gl takes them without a 64-bit split: at
// most 0.4 m off the frame's micro-degrees, well inside a phone's GPS error, and what the
// tickets' dots do too.
//
// Applying a frame writes into preallocated arrays (grown by doubling when a higher index
// first appears), so 8,500 devices cost no allocation per device. Slots are drawn 0 … count-1
// (one past the highest index seen); a slot no frame has named is transparent, so a street
// wall whose devices have sparse indices draws some empty slots rather than keeping a map
// from index to slot on the hot path.
//
// Trails: one array of TRAIL blocks of `count` positions, one block per age (oldest block
// first, so the newer dots draw over the older), shifted along when a device moves; an age a
// device has not reached yet holds its current position, hidden under its dot. Each block's
// colours are the status colours faded for its age, so they change only with a status: a
// frame of moves re-sends deck.gl positions only (`version`), and colours only when some
// status changed (`colorVersion`). The blocks are laid out at a stride of exactly `count`, so
// the trail layer is one draw of count × TRAIL dots with no gaps; when a higher index appears
// (rarely, after the snapshot) the blocks are moved apart once. A device that goes offline
// drops its trail (it is not walking); a snapshot drops every trail (after a gap, old dots
// would draw a path that was not walked).
import { useSyncExternalStore } from 'react';
import { DEVICE_STATUS, type DeviceStatus } from '../../../server/domain/fix.ts';
import { decodePositionsFrame, POSITION_SCALE, type PositionsFrame } from '../../../server/domain/positions-frame.ts';
import { wallHandle } from '../map/testHandle.ts';
import type { RGBA } from './statusColors.ts';

export const TRAIL = 6;
/** A frame naming a higher index is refused: that is garbage, not a city's phones. */
export const MAX_DEVICE_INDEX = (1 << 20) - 1;
const UNSEEN = 255;

// Calm on the dark map and apart from the tickets' lights (green, yellow, red): online in
// azure, on a task in violet, offline dimmed to a grey-blue that recedes.
export const WORKER_RGBA: Readonly<Record<DeviceStatus, RGBA>> = {
  [DEVICE_STATUS.offline]: [112, 128, 150, 150],
  [DEVICE_STATUS.online]: [64, 186, 255, 235],
  [DEVICE_STATUS.onTask]: [196, 128, 255, 245],
};
const OUTLINE_RGBA: Readonly<Record<DeviceStatus, RGBA>> = {
  [DEVICE_STATUS.offline]: [8, 14, 26, 90],
  [DEVICE_STATUS.online]: [8, 14, 26, 200],
  [DEVICE_STATUS.onTask]: [250, 244, 255, 230],
};
/** A trail dot's share of its device's alpha, newest first (the trail layers' opacity). */
export const TRAIL_FADE = [0.6, 0.48, 0.37, 0.27, 0.18, 0.1] as const;

export const WORKER_STATUS_NAME: Readonly<Record<DeviceStatus, string>> = {
  [DEVICE_STATUS.online]: '在线',
  [DEVICE_STATUS.offline]: '离线',
  [DEVICE_STATUS.onTask]: '任务中',
};

/** A status's colour for the panels (legend dots). */
export function workerCss(status: DeviceStatus): string {
  const [r, g, b, a] = WORKER_RGBA[status];
  return `rgba(${r}, ${g}, ${b}, ${Math.max(0.55, a / 255).toFixed(2)})`;
}

/** What one device is, for a click panel and the tests. */
export interface WorkerSlot {
  index: number;
  lon: number;
  lat: number;
  status: DeviceStatus;
  /** The frame time (server epoch ms) of its last change. */
  updatedAt: number;
  /** Previous positions, newest first, and the alpha each is drawn with. */
  trail: [number, number][];
  trailAlpha: number[];
}

export class WorkerPositions {
  /** Slots drawn: one past the highest index seen. Also the trail blocks' stride. */
  count = 0;
  /** Bumped on every applied frame (positions moved); the layer passes it to deck.gl. */
  version = 0;
  /** Bumped when any colour changed (a status, a device seen first, a snapshot). */
  colorVersion = 0;
  /** Devices per status (offline, online, on a task). */
  readonly tally = new Uint32Array(3);
  /** The last frame's time and seq; deltas whose seq skips one count as gaps. */
  lastT = 0;
  lastSeq = -1;
  gaps = 0;
  positions: Float32Array;
  fill: Uint8Array;
  line: Uint8Array;
  status: Uint8Array;
  updatedAt: Float64Array;
  /** TRAIL blocks of lon/lat per slot, block (TRAIL - 1 - age) holding where each device was
   * `age + 1` moves ago; the first count × TRAIL pairs are drawn. */
  trail: Float32Array;
  /** The trail dots' colours, laid out as `trail`: faded by age, transparent when offline. */
  trailFill: Uint8Array;
  /** How many of the trail's ages hold a real past position. */
  private depth: Uint8Array;

  constructor(capacity = 1024) {
    this.positions = new Float32Array(capacity * 2);
    this.fill = new Uint8Array(capacity * 4);
    this.line = new Uint8Array(capacity * 4);
    this.status = new Uint8Array(capacity).fill(UNSEEN);
    this.updatedAt = new Float64Array(capacity);
    this.trail = new Float32Array(capacity * TRAIL * 2);
    this.trailFill = new Uint8Array(capacity * TRAIL * 4);
    this.depth = new Uint8Array(capacity);
  }

  /** Devices with a position. */
  get known(): number {
    return this.tally[0]! + this.tally[1]! + this.tally[2]!;
  }

  /** Forgets every device (a snapshot follows, or the wall changes area). */
  clear(): void {
    const n = this.count;
    this.fill.fill(0, 0, n * 4);
    this.line.fill(0, 0, n * 4);
    this.trailFill.fill(0, 0, n * TRAIL * 4);
    this.status.fill(UNSEEN, 0, n);
    this.depth.fill(0, 0, n);
    this.tally.fill(0);
    this.count = 0;
    this.lastSeq = -1;
    this.version++;
    this.colorVersion++;
  }

  /** Applies a decoded frame. Throws (changing nothing) when it names an impossible index. */
  apply(f: PositionsFrame): void {
    const { index, lonE6, latE6, status: st, count: n } = f;
    let max = -1;
    for (let k = 0; k < n; k++) if (index[k]! > max) max = index[k]!;
    if (max > MAX_DEVICE_INDEX) throw new RangeError(`positions: device index ${max} is past ${MAX_DEVICE_INDEX}`);

    if (f.snapshot) this.clear();
    else if (f.seq !== 0 && this.lastSeq >= 0 && f.seq !== ((this.lastSeq + 1) >>> 0)) this.gaps++;
    if (f.seq !== 0) this.lastSeq = f.seq;
    if (max + 1 > this.count) this.widen(max + 1);

    const { positions, trail, status, tally, depth, updatedAt } = this;
    // Block offsets, in floats, of ages 0 … TRAIL-1 (block TRAIL-1-age).
    const stride = this.count * 2;
    const last = (TRAIL - 1) * stride;
    let painted = false;
    for (let k = 0; k < n; k++) {
      const i = index[k]!;
      const s = st[k]! as DeviceStatus;
      const p = i * 2;
      const lon = Math.fround(lonE6[k]! / POSITION_SCALE);
      const lat = Math.fround(latE6[k]! / POSITION_SCALE);
      const was = status[i]!;
      if (was !== s) {
        if (was !== UNSEEN) tally[was]--;
        tally[s]++;
        status[i] = s;
        if (s === DEVICE_STATUS.offline || was === UNSEEN) depth[i] = 0;
        this.paint(i, s);
        painted = true;
      }
      // Walking (online or on a task, before and now) and moved: the position it leaves becomes
      // the newest trail dot and the others age by one. Back from offline, it starts afresh.
      const walking = was !== UNSEEN && was !== DEVICE_STATUS.offline && s !== DEVICE_STATUS.offline;
      const d = depth[i]!;
      if (walking && (positions[p] !== lon || positions[p + 1] !== lat)) {
        for (let age = Math.min(d, TRAIL - 1); age > 0; age--) {
          const to = last - age * stride + p;
          trail[to] = trail[to + stride]!;
          trail[to + 1] = trail[to + stride + 1]!;
        }
        trail[last + p] = positions[p]!;
        trail[last + p + 1] = positions[p + 1]!;
        if (d < TRAIL) depth[i] = d + 1;
      }
      positions[p] = lon;
      positions[p + 1] = lat;
      for (let age = depth[i]!; age < TRAIL; age++) {
        trail[last - age * stride + p] = lon;
        trail[last - age * stride + p + 1] = lat;
      }
      updatedAt[i] = f.t;
    }
    this.lastT = f.t;
    this.version++;
    if (painted) this.colorVersion++;
  }

  /** Whether a frame has given device `i` a position (since the last snapshot). */
  has(i: number): boolean {
    return i >= 0 && i < this.count && this.status[i] !== UNSEEN;
  }

  /** One device as plain data (allocates: for a click or a test, not for frames). */
  slot(i: number): WorkerSlot | null {
    if (!this.has(i)) return null;
    const p = i * 2;
    const trail: [number, number][] = [];
    const trailAlpha: number[] = [];
    for (let age = 0; age < this.depth[i]!; age++) {
      const at = (TRAIL - 1 - age) * this.count + i;
      trail.push([this.trail[at * 2]!, this.trail[at * 2 + 1]!]);
      trailAlpha.push(this.trailFill[at * 4 + 3]!);
    }
    return { index: i, lon: this.positions[p]!, lat: this.positions[p + 1]!, status: this.status[i] as DeviceStatus, updatedAt: this.updatedAt[i]!, trail, trailAlpha };
  }

  private paint(i: number, s: DeviceStatus): void {
    const rgba = WORKER_RGBA[s];
    this.fill.set(rgba, i * 4);
    this.line.set(OUTLINE_RGBA[s], i * 4);
    const tf = this.trailFill;
    for (let age = 0; age < TRAIL; age++) {
      const at = ((TRAIL - 1 - age) * this.count + i) * 4;
      tf[at] = rgba[0];
      tf[at + 1] = rgba[1];
      tf[at + 2] = rgba[2];
      tf[at + 3] = s === DEVICE_STATUS.offline ? 0 : Math.round(rgba[3] * TRAIL_FADE[age]!);
    }
  }

  /** Makes room for slots up to n - 1 and moves the trail blocks apart to a stride of n; the
   * new slots are transparent until a frame names them. */
  private widen(n: number): void {
    const old = this.count;
    let cap = this.status.length;
    if (n > cap) {
      while (cap < n) cap *= 2;
      const grow = <T extends Float32Array | Float64Array | Uint8Array>(a: T, per: number): T => {
        const b = new (a.constructor as new (n: number) => T)(cap * per);
        b.set(a);
        return b;
      };
      const cap0 = this.status.length;
      this.positions = grow(this.positions, 2);
      this.fill = grow(this.fill, 4);
      this.line = grow(this.line, 4);
      this.status = grow(this.status, 1);
      this.status.fill(UNSEEN, cap0);
      this.updatedAt = grow(this.updatedAt, 1);
      this.trail = grow(this.trail, TRAIL * 2);
      this.trailFill = grow(this.trailFill, TRAIL * 4);
      this.depth = grow(this.depth, 1);
    }
    // Highest block first, so no block is overwritten before it has moved.
    for (let b = TRAIL - 1; b >= 0; b--) {
      this.trail.copyWithin(b * n * 2, b * old * 2, (b * old + old) * 2);
      this.trailFill.copyWithin(b * n * 4, b * old * 4, (b * old + old) * 4);
      this.trailFill.fill(0, (b * n + old) * 4, (b * n + n) * 4);
    }
    this.count = n;
    this.colorVersion++;
  }
}

// ——— the wall's one instance, its listeners and the clicked device ———

export const workers = new WorkerPositions();
let picked = -1;
const listeners = new Set<() => void>();

export function subscribeWorkers(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const notify = (): void => {
  for (const l of listeners) l();
};

/** Selects from the workers store in a component (return a primitive or a stable value). */
export function useWorkers<T>(select: (w: WorkerPositions, picked: number) => T): T {
  return useSyncExternalStore(subscribeWorkers, () => select(workers, picked));
}

export const pickedWorker = (): number => picked;

/** The device a click picked (its roster entry is the click panel's to fetch), -1 for none. */
export function pickWorker(index: number): void {
  if (index === picked) return;
  picked = index;
  notify();
}

export function clearWorkers(): void {
  workers.clear();
  picked = -1;
  notify();
}

let refusedLogged = 0;
const MARKS = ['workers:start', 'workers:decoded', 'workers:applied', 'workers:drawn'] as const;
const MEASURES = ['workers:decode', 'workers:apply', 'workers:layers', 'workers:frame'] as const;

/** A `positions` frame from the socket: decoded, applied, and the layers redrawn, with the
 * JS time of each step taken with performance marks (cleared at once: a wall runs all day).
 * A frame this build cannot read is refused whole and the wall keeps what it had. */
export function receivePositions(bytes: ArrayBuffer | ArrayBufferView): boolean {
  const h = wallHandle().workers;
  performance.mark('workers:start');
  let frame: PositionsFrame;
  try {
    frame = decodePositionsFrame(bytes);
    performance.mark('workers:decoded');
    workers.apply(frame);
  } catch (e) {
    h.refused++;
    if (refusedLogged++ < 5) console.warn('positions frame refused:', (e as Error).message);
    performance.clearMarks('workers:start');
    performance.clearMarks('workers:decoded');
    return false;
  }
  performance.mark('workers:applied');
  if (frame.snapshot && picked >= 0 && !workers.has(picked)) picked = -1;
  notify();
  performance.mark('workers:drawn');
  const decodeMs = performance.measure('workers:decode', 'workers:start', 'workers:decoded').duration;
  const applyMs = performance.measure('workers:apply', 'workers:decoded', 'workers:applied').duration;
  const layersMs = performance.measure('workers:layers', 'workers:applied', 'workers:drawn').duration;
  const totalMs = performance.measure('workers:frame', 'workers:start', 'workers:drawn').duration;
  for (const name of MARKS) performance.clearMarks(name);
  for (const name of MEASURES) performance.clearMeasures(name);
  h.frames++;
  h.gaps = workers.gaps;
  h.devices = workers.known;
  h.last = { decodeMs, applyMs, layersMs, totalMs, count: frame.count, snapshot: frame.snapshot };
  return true;
}

/** What the tests (and a curious operator) can do with the workers through window.__wall. */
export function exposeWorkers(): void {
  const h = wallHandle().workers;
  h.feed = receivePositions;
  h.slot = (i) => workers.slot(i);
  h.picked = pickedWorker;
}
