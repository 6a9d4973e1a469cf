// The day's tickets as typed arrays, the shape deck.gl draws without touching each object.
// One slot per ticket (by its sequence); a ticket's later states overwrite its slot, never
// append. Loaded whole from the day's dots (GET /api/tickets/day-dots), then kept by live
// events. Three colour arrays, so the map draws finished tickets muted underneath and open
// ones (by light, outlined) on top: each layer sees the others' slots as transparent.
import { STATUS_CODES, seqOfTicketId, ticketId } from '../../../server/domain/ticket.ts';
import type { DayDots } from './dayDots.ts';
import { dotColor, isDone, LIGHT_CODES, OPEN_LINE } from './statusColors.ts';

/** What a slot needs of a ticket (a live event has all of it). */
export interface DotTicket {
  id: string;
  lon: number;
  lat: number;
  status: string;
  light: string | null;
  version: number;
  /** 督办 given (live events carry it). */
  supervised?: number;
}

const UNKNOWN = STATUS_CODES.length; // a status this build does not know: drawn as open, neutral
const RED = LIGHT_CODES.indexOf('red');
const GREEN = LIGHT_CODES.indexOf('green');

/** Positions (lon, lat pairs) of some open tickets, as of a buffer version. */
interface Marks { version: number; count: number; positions: Float32Array }

/** TicketBuffer.split: the tickets drawn one by one, and the rest, aggregated. */
export interface TicketSplit {
  dots: { length: number; positions: Float32Array; fill: Uint8Array; line: Uint8Array };
  /** Three to a point (x, y, 0). */
  rest: { length: number; positions: Float32Array };
}

/** Per (status, light): 12 bytes — open fill, open outline, done fill (RGBA each). */
const PAINT = (() => {
  const t = new Uint8Array((UNKNOWN + 1) * LIGHT_CODES.length * 12);
  for (let s = 0; s <= UNKNOWN; s++) {
    const status = STATUS_CODES[s] ?? '?';
    for (let l = 0; l < LIGHT_CODES.length; l++) {
      const at = (s * LIGHT_CODES.length + l) * 12;
      const fill = dotColor(status, LIGHT_CODES[l]);
      if (isDone(status)) {
        t.set(fill, at + 8);
      } else {
        t.set(fill, at);
        t.set(OPEN_LINE, at + 4);
      }
    }
  }
  return t;
})();

export class TicketBuffer {
  count = 0;
  /** Bumped on every write; layers pass it to deck.gl so identity tells what changed. */
  version = 0;
  /** The watermark of the dots the buffer was loaded from: live changes at or below it are in. */
  watermark = 0;
  positions: Float32Array;
  openFill: Uint8Array;
  openLine: Uint8Array;
  doneFill: Uint8Array;
  /** Per slot: the ticket's version, its status (index into STATUS_CODES) and light (LIGHT_CODES). */
  versions: Uint32Array;
  status: Uint8Array;
  light: Uint8Array;
  /** 督办 given, per slot (capped at 255). */
  supervised: Uint8Array;
  private seqs: Uint32Array;
  private slot = new Map<number, number>();
  private overdueCache: Marks = { version: -1, count: 0, positions: new Float32Array(0) };
  private supervisedCache: Marks = { version: -1, count: 0, positions: new Float32Array(0) };
  private tallyCache = { version: -1, open: new Uint32Array(LIGHT_CODES.length), done: 0 };
  private splitCache: { version: number; minLight: number; split: TicketSplit } | null = null;

  constructor(capacity = 4096) {
    this.positions = new Float32Array(capacity * 2);
    this.openFill = new Uint8Array(capacity * 4);
    this.openLine = new Uint8Array(capacity * 4);
    this.doneFill = new Uint8Array(capacity * 4);
    this.versions = new Uint32Array(capacity);
    this.status = new Uint8Array(capacity);
    this.light = new Uint8Array(capacity);
    this.supervised = new Uint8Array(capacity);
    this.seqs = new Uint32Array(capacity);
  }

  clear(): void {
    this.count = 0;
    this.watermark = 0;
    this.slot.clear();
    this.version++;
  }

  has(id: string): boolean {
    return this.versionOf(id) !== undefined;
  }

  /** The version held of a ticket, or undefined when it is not on the map. */
  versionOf(id: string): number | undefined {
    const i = this.slot.get(seqOfTicketId(id) ?? -1);
    return i === undefined ? undefined : this.versions[i];
  }

  statusOf(id: string): string | undefined {
    const i = this.slot.get(seqOfTicketId(id) ?? -1);
    return i === undefined ? undefined : STATUS_CODES[this.status[i]!];
  }

  lightOf(id: string): string | undefined {
    const i = this.slot.get(seqOfTicketId(id) ?? -1);
    return i === undefined ? undefined : LIGHT_CODES[this.light[i]!];
  }

  ids(): string[] {
    return Array.from(this.seqs.subarray(0, this.count), (s) => ticketId(s));
  }

  /** Replaces everything with a day's dots (oldest first, as slots follow time). */
  load(d: DayDots): void {
    this.clear();
    this.reserve(d.count);
    // The header's code lists → this build's indexes (a code it does not know: UNKNOWN / none).
    const statusMap = d.statuses.map((c) => {
      const i = (STATUS_CODES as readonly string[]).indexOf(c);
      return i < 0 ? UNKNOWN : i;
    });
    const lightMap = d.lights.map((c) => Math.max(0, (LIGHT_CODES as readonly string[]).indexOf(c)));
    for (let i = 0; i < d.count; i++) {
      this.slot.set(d.seq[i]!, i);
      this.seqs[i] = d.seq[i]!;
      this.positions[i * 2] = d.lon[i]!;
      this.positions[i * 2 + 1] = d.lat[i]!;
      this.versions[i] = d.version[i]!;
      this.supervised[i] = d.supervised[i]!;
      this.paint(i, statusMap[d.status[i]!] ?? UNKNOWN, lightMap[d.light[i]!] ?? 0);
    }
    this.count = d.count;
    this.watermark = d.watermark;
    this.version++;
  }

  /** Writes a ticket's state into its slot (a new slot if it has none). */
  upsert(t: DotTicket): void {
    const seq = seqOfTicketId(t.id);
    if (seq === null) return;
    let i = this.slot.get(seq);
    if (i === undefined) {
      i = this.count;
      this.reserve(i + 1);
      this.count++;
      this.slot.set(seq, i);
      this.seqs[i] = seq;
    }
    // Positions too: a later state of a ticket may carry a corrected point.
    this.positions[i * 2] = t.lon;
    this.positions[i * 2 + 1] = t.lat;
    this.versions[i] = t.version;
    this.supervised[i] = Math.min(t.supervised ?? 0, 255);
    const s = (STATUS_CODES as readonly string[]).indexOf(t.status);
    this.paint(i, s < 0 ? UNKNOWN : s, Math.max(0, (LIGHT_CODES as readonly string[]).indexOf(t.light ?? 'none')));
    this.version++;
  }

  /** Positions of the open tickets that are overdue (red), for the map's halo. */
  overdue(): { count: number; positions: Float32Array } {
    if (this.overdueCache.version !== this.version) this.overdueCache = this.openWhere((i) => this.light[i] === RED, this.overdueCache.positions);
    return this.overdueCache;
  }

  /** Positions of the open tickets given a 督办, for their marks. */
  supervisedOpen(): { count: number; positions: Float32Array } {
    if (this.supervisedCache.version !== this.version) this.supervisedCache = this.openWhere((i) => this.supervised[i]! > 0, this.supervisedCache.positions);
    return this.supervisedCache;
  }

  /** The open tickets' positions where `test` holds; a new object per version (deck.gl takes
   * the data again only when it changes), the array reused while it is big enough. */
  private openWhere(test: (i: number) => boolean, reuse: Float32Array): Marks {
    let n = 0;
    for (let i = 0; i < this.count; i++) if (this.openFill[i * 4 + 3]! > 0 && test(i)) n++;
    const positions = reuse.length >= n * 2 ? reuse : new Float32Array(Math.max(64, n * 4));
    let k = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.openFill[i * 4 + 3] === 0 || !test(i)) continue;
      positions[k++] = this.positions[i * 2]!;
      positions[k++] = this.positions[i * 2 + 1]!;
    }
    return { version: this.version, count: n, positions };
  }

  /** Open tickets per light (LIGHT_CODES order; an open one without a light counts as
   * green) and the finished ones: what the map's density rule (map/ticketDensity.ts) needs. */
  tally(): { open: Uint32Array; done: number } {
    const c = this.tallyCache;
    if (c.version === this.version) return c;
    const open = new Uint32Array(LIGHT_CODES.length);
    let done = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.openFill[i * 4 + 3] === 0) done++;
      else open[Math.max(GREEN, this.light[i]!)]!++;
    }
    this.tallyCache = { version: this.version, open, done };
    return this.tallyCache;
  }

  /** The day in two for the map at city zoom: open tickets whose light is `minLight` or worse
   * as dots (positions and colours copied out of the slots), every other ticket as a position
   * for the aggregation underneath. Cached per version and threshold; new arrays each time,
   * so identity tells deck.gl what changed. */
  split(minLight: number): TicketSplit {
    const c = this.splitCache;
    if (c && c.version === this.version && c.minLight === minLight) return c.split;
    let n = 0;
    for (let i = 0; i < this.count; i++) if (this.isDot(i, minLight)) n++;
    const dots = { length: n, positions: new Float32Array(n * 2), fill: new Uint8Array(n * 4), line: new Uint8Array(n * 4) };
    // x, y, z: the aggregation layers work out their bins from the positions' bounds, which
    // deck.gl reads three to a point whatever size the buffer is given with.
    const rest = { length: this.count - n, positions: new Float32Array((this.count - n) * 3) };
    let d = 0;
    let r = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.isDot(i, minLight)) {
        dots.positions.set(this.positions.subarray(i * 2, i * 2 + 2), d * 2);
        dots.fill.set(this.openFill.subarray(i * 4, i * 4 + 4), d * 4);
        dots.line.set(this.openLine.subarray(i * 4, i * 4 + 4), d * 4);
        d++;
      } else {
        rest.positions[r * 3] = this.positions[i * 2]!;
        rest.positions[r * 3 + 1] = this.positions[i * 2 + 1]!;
        r++;
      }
    }
    const split = { dots, rest };
    this.splitCache = { version: this.version, minLight, split };
    return split;
  }

  /** Open and at least `minLight`, or given a 督办 (always told apart, like the overdue). */
  private isDot(i: number, minLight: number): boolean {
    return this.openFill[i * 4 + 3] !== 0 && (Math.max(GREEN, this.light[i]!) >= minLight || this.supervised[i]! > 0);
  }

  private paint(i: number, status: number, light: number): void {
    this.status[i] = status;
    this.light[i] = light;
    const at = (status * LIGHT_CODES.length + light) * 12;
    for (let k = 0; k < 4; k++) {
      this.openFill[i * 4 + k] = PAINT[at + k]!;
      this.openLine[i * 4 + k] = PAINT[at + 4 + k]!;
      this.doneFill[i * 4 + k] = PAINT[at + 8 + k]!;
    }
  }

  private reserve(n: number): void {
    if (n <= this.versions.length) return;
    let cap = this.versions.length;
    while (cap < n) cap *= 2;
    const grow = <T extends Float32Array | Uint8Array | Uint32Array>(a: T, per: number): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * per);
      b.set(a);
      return b;
    };
    this.positions = grow(this.positions, 2);
    this.openFill = grow(this.openFill, 4);
    this.openLine = grow(this.openLine, 4);
    this.doneFill = grow(this.doneFill, 4);
    this.versions = grow(this.versions, 1);
    this.status = grow(this.status, 1);
    this.light = grow(this.light, 1);
    this.supervised = grow(this.supervised, 1);
    this.seqs = grow(this.seqs, 1);
  }
}
