// Track codec: a run of one device's fixes as a few bytes a fix, and back.
//
//   const bytes = encode(fixes);                  // Uint8Array; { deflate: true } for sealed chunks
//   const back = decode(bytes, 'w-0001');         // Fix[] equal to fixes.map(quantise), same order
//   const times = decodeTimes(bytes);             // just the instants (duplicate checks)
//   const log = encodeMany(fixes); decodeMany(log) // many devices' fixes (the store's append log)
//
// Resolution (what quantise keeps; decode(encode(x)) equals quantise(x) bit for bit):
//   t         1 ms (rounded)            lon, lat  1e-6 degree (~0.1 m)
//   speed     0.1 m/s                   bearing   1 degree, in [0, 360)
//   altitude  1 m (GPS height is ±10 m) accuracy  0.1 m
//   battery   1 % (what Android and iOS report)
// Null stays null; -0 becomes 0. Every value is held as an integer of its unit, so any
// finite value whose integer is within ±2^50 round-trips (t, lon and lat must be finite).
//
// Layout: a header (format byte, count), then one column after another — t, lon, lat,
// speed, bearing, altitude, accuracy, battery — each as zigzag varints of differences:
// t as the first value, the first difference, then differences of differences (a phone
// sending every 5 s gives zeros); lon/lat/the rest as differences from the previous value
// (bearing wrapped to ±180°). An optional column starts with a mode byte: all null (no
// bytes follow), none null, or mixed (a code per fix: 0 null, else the zigzag difference
// from the last non-null value + 1). Columns, not fixes, follow one another so deflate
// (node:zlib, raw, level 6 — level 9 measured no smaller — for sealed chunks) finds the
// runs of equal bytes — time, battery, speed barely change — and the varints of lon/lat
// keep their ~1 byte each of true noise.
// Times may repeat or go backwards: the codec keeps the order it is given.
//
// Hand-written because no library packs a GPS run this way at this cost: a generic format
// (protobuf, msgpack, CBOR) stores floats at 4–8 bytes each and knows nothing of deltas;
// this is the flatbush/kdbush pattern — typed arrays, one small file, no dependencies.
// Figures: `npm run bench -- tracks`: ~5.1 bytes per position on a simulated working day
// (deflated day chunks, indexes included), against 76–127 for a row per fix.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Fix } from './fix.ts';

/** Units per stored integer, per field (the decoded value is integer / scale). */
export const RESOLUTION = { lonlat: 1e6, speed: 10, bearing: 1, altitude: 1, accuracy: 10, battery: 1 } as const;

const FORMAT_RAW = 1;
const FORMAT_DEFLATE = 2;
const FORMAT_MANY = 3;
const MODE_ALL_NULL = 0;
const MODE_NO_NULL = 1;
const MODE_MIXED = 2;
const LIMIT = 2 ** 50;

type Optional = 'speed' | 'bearing' | 'altitude' | 'accuracy' | 'battery';
const OPTIONAL: readonly Optional[] = ['speed', 'bearing', 'altitude', 'accuracy', 'battery'];
const SCALE: Record<Optional, number> = RESOLUTION;

// `+ 0` turns -0 into 0: a stored integer has no sign of zero.
const q = (v: number, scale: number) => Math.round(v * scale) + 0;
const qBearing = (v: number) => {
  const d = Math.round(v) % 360;
  return (d < 0 ? d + 360 : d) + 0;
};
const qOpt = (f: Optional, v: number | null): number | null => (v == null ? null : f === 'bearing' ? qBearing(v) : q(v, SCALE[f]));

/** The fix as the codec stores it: what decode gives back for it. */
export function quantise(f: Fix): Fix {
  return {
    device: f.device, t: Math.round(f.t) + 0, lon: q(f.lon, 1e6) / 1e6, lat: q(f.lat, 1e6) / 1e6,
    speed: f.speed == null ? null : q(f.speed, 10) / 10,
    bearing: f.bearing == null ? null : qBearing(f.bearing),
    altitude: f.altitude == null ? null : q(f.altitude, 1),
    accuracy: f.accuracy == null ? null : q(f.accuracy, 10) / 10,
    battery: f.battery == null ? null : q(f.battery, 1),
  };
}

/** Whether the codec can store the fix: t, lon, lat finite, every other value null or
 * finite, each as an integer of its unit within ±2^50; the device id a well-formed
 * string without NUL (the many-device run separates ids with it). */
// At module level: a closure made per call costs a defineProperty per fix under tsx's
// keep-names (~7 % of ingest, scripts/bench/patrol.ts profile).
const ok = (v: number) => Math.abs(v) <= LIMIT;

export function isStorable(f: Fix): boolean {
  if (!ok(Math.round(f.t)) || !ok(q(f.lon, 1e6)) || !ok(q(f.lat, 1e6))) return false;
  for (const key of OPTIONAL) {
    const v = qOpt(key, f[key]);
    if (v !== null && !ok(v)) return false;
  }
  return typeof f.device === 'string' && !f.device.includes('\u0000') && wellFormed(f.device);
}

// String.prototype.isWellFormed (Node 20, ES2024): no lone surrogate, so UTF-8 keeps the id.
const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

// ---- varints over plain numbers: exact to 2^53, bit operations below 2^31 ----

class Writer {
  buf: Uint8Array;
  pos = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(Math.max(16, size));
  }
  private grow(n: number) {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  byte(b: number) {
    this.grow(1);
    this.buf[this.pos++] = b;
  }
  uvarint(v: number) {
    this.grow(10);
    const buf = this.buf;
    let p = this.pos;
    if (v < 0x80000000) {
      while (v > 0x7f) {
        buf[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
    } else {
      while (v > 0x7f) {
        buf[p++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
    }
    buf[p++] = v;
    this.pos = p;
  }
  varint(v: number) {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  bytes(b: Uint8Array) {
    this.grow(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  done(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.buf.length) throw new RangeError('track codec: truncated input');
    return this.buf[this.pos++];
  }
  uvarint(): number {
    const buf = this.buf;
    let p = this.pos;
    let b = buf[p++];
    if (b < 0x80) {
      this.pos = p; // one byte, the common case (undefined past the end fails the test)
      return b;
    }
    if (b === undefined) throw new RangeError('track codec: truncated varint');
    let v = b & 0x7f;
    let mul = 128;
    do {
      if (p >= buf.length) throw new RangeError('track codec: truncated varint');
      b = buf[p++];
      v += (b & 0x7f) * mul;
      mul *= 128;
    } while (b >= 0x80);
    this.pos = p;
    return v;
  }
  varint(): number {
    const z = this.uvarint();
    return z < 0x80000000 ? (z >>> 1) ^ -(z & 1) : z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}

// Column indices in the typed arrays below: t, lon, lat, then the optional ones.
const T = 0, LON = 1, LAT = 2, FIRST_OPTIONAL = 3, COLUMNS = 8;
const BEARING = FIRST_OPTIONAL + OPTIONAL.indexOf('bearing');
const DIVISOR = [1, 1e6, 1e6, ...OPTIONAL.map((k) => SCALE[k])];

/** Each fix as integers of its units, column by column (NaN for null), read with plain
 * property access so V8 keeps one shape per loop. */
function toColumns(fixes: readonly Fix[]): Float64Array[] {
  const n = fixes.length;
  const c = Array.from({ length: COLUMNS }, () => new Float64Array(n));
  const [t, lon, lat, speed, bearing, altitude, accuracy, battery] = c;
  for (let i = 0; i < n; i++) {
    const f = fixes[i];
    t[i] = Math.round(f.t) + 0;
    lon[i] = q(f.lon, 1e6);
    lat[i] = q(f.lat, 1e6);
    speed[i] = f.speed == null ? NaN : q(f.speed, 10);
    bearing[i] = f.bearing == null ? NaN : qBearing(f.bearing);
    altitude[i] = f.altitude == null ? NaN : q(f.altitude, 1);
    accuracy[i] = f.accuracy == null ? NaN : q(f.accuracy, 10);
    battery[i] = f.battery == null ? NaN : q(f.battery, 1);
  }
  const names = ['t', 'lon', 'lat', ...OPTIONAL];
  for (let k = 0; k < COLUMNS; k++) {
    const col = c[k];
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (!(v <= LIMIT && v >= -LIMIT) && (k < FIRST_OPTIONAL || v === v)) {
        throw new RangeError(`track codec: fix ${i}: ${names[k]} ${v} cannot be stored`);
      }
    }
  }
  return c;
}

function writeColumns(w: Writer, fixes: readonly Fix[]) {
  const c = toColumns(fixes);
  const n = fixes.length;
  const t = c[T];
  for (let i = 0, prev = 0, prevD = 0; i < n; i++) {
    const d = t[i] - prev;
    w.varint(i < 2 ? d : d - prevD);
    prevD = d;
    prev = t[i];
  }
  for (let k = LON; k < COLUMNS; k++) {
    const col = c[k];
    let mode = MODE_NO_NULL;
    if (k >= FIRST_OPTIONAL) {
      let nulls = 0;
      for (let i = 0; i < n; i++) if (col[i] !== col[i]) nulls++;
      mode = nulls === n ? MODE_ALL_NULL : nulls === 0 ? MODE_NO_NULL : MODE_MIXED;
      w.byte(mode);
      if (mode === MODE_ALL_NULL) continue;
    }
    const wrap = k === BEARING;
    const shift = mode === MODE_MIXED ? 1 : 0;
    for (let i = 0, prev = 0; i < n; i++) {
      const v = col[i];
      if (v !== v) {
        w.uvarint(0);
        continue;
      }
      let d = v - prev;
      if (wrap) d = d >= 180 ? d - 360 : d < -180 ? d + 360 : d;
      w.uvarint((d >= 0 ? d * 2 : -d * 2 - 1) + shift);
      prev = v;
    }
  }
}

function readTimes(r: Reader, n: number): Float64Array {
  const t = new Float64Array(n);
  for (let i = 0, prev = 0, prevD = 0; i < n; i++) {
    const v = r.varint();
    const d = i < 2 ? v : prevD + v;
    t[i] = prev += d;
    prevD = d;
  }
  return t;
}

function readColumns(r: Reader, n: number, device: string, devices?: string[], which?: Uint32Array): Fix[] {
  const c: Float64Array[] = [readTimes(r, n)];
  for (let k = LON; k < COLUMNS; k++) {
    const col = new Float64Array(n);
    c.push(col);
    let mode = MODE_NO_NULL;
    if (k >= FIRST_OPTIONAL) {
      mode = r.byte();
      if (mode === MODE_ALL_NULL) {
        col.fill(NaN);
        continue;
      }
      if (mode !== MODE_NO_NULL && mode !== MODE_MIXED) throw new RangeError(`track codec: unknown column mode ${mode}`);
    }
    const wrap = k === BEARING;
    const mixed = mode === MODE_MIXED;
    const div = DIVISOR[k];
    for (let i = 0, prev = 0; i < n; i++) {
      let z = r.uvarint();
      if (mixed) {
        if (z === 0) {
          col[i] = NaN;
          continue;
        }
        z--;
      }
      let v = prev + (z < 0x80000000 ? (z >>> 1) ^ -(z & 1) : z % 2 === 0 ? z / 2 : -(z + 1) / 2);
      if (wrap) v = v >= 360 ? v - 360 : v < 0 ? v + 360 : v;
      prev = v;
      col[i] = div === 1 ? v : v / div;
    }
  }
  const [t, lon, lat, speed, bearing, altitude, accuracy, battery] = c;
  const out: Fix[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = speed[i], b = bearing[i], h = altitude[i], a = accuracy[i], p = battery[i];
    out[i] = {
      device: devices ? devices[which![i]] : device, t: t[i], lon: lon[i], lat: lat[i],
      speed: s === s ? s : null, bearing: b === b ? b : null, altitude: h === h ? h : null, accuracy: a === a ? a : null, battery: p === p ? p : null,
    };
  }
  return out;
}

/** One device's run of fixes (their `device` is not stored). `deflate` for chunks kept long. */
export function encode(fixes: readonly Fix[], opts: { deflate?: boolean } = {}): Uint8Array {
  const w = new Writer(16 + fixes.length * 12);
  w.byte(FORMAT_RAW);
  w.uvarint(fixes.length);
  const head = w.pos;
  writeColumns(w, fixes);
  const raw = w.done();
  if (!opts.deflate || fixes.length < 8) return raw;
  const body = raw.subarray(head);
  const packed = deflateRawSync(body, { level: 6 });
  if (packed.length + 4 >= body.length) return raw;
  const out = new Writer(packed.length + 16);
  out.byte(FORMAT_DEFLATE);
  out.uvarint(fixes.length);
  out.uvarint(body.length);
  out.bytes(packed);
  return out.done();
}

/** The body of a run, inflated if it was deflated, and its number of fixes. */
function open(bytes: Uint8Array): { r: Reader; n: number } {
  const head = new Reader(bytes);
  const format = head.byte();
  const n = head.uvarint();
  if (format === FORMAT_RAW) return { r: head, n };
  if (format !== FORMAT_DEFLATE) throw new RangeError(`track codec: unknown format ${format}`);
  const size = head.uvarint();
  const body = inflateRawSync(bytes.subarray(head.pos), { maxOutputLength: size });
  return { r: new Reader(new Uint8Array(body.buffer, body.byteOffset, body.length)), n };
}

/** The fixes of a run, in the order they were encoded, each with `device`. */
export function decode(bytes: Uint8Array, device: string): Fix[] {
  const { r, n } = open(bytes);
  return readColumns(r, n, device);
}

/** Only the instants of a run (epoch ms), in encoded order. */
export function decodeTimes(bytes: Uint8Array): Float64Array {
  const { r, n } = open(bytes);
  return readTimes(r, n);
}

/** How many fixes a run holds, read from its header alone. */
export function countOf(bytes: Uint8Array): number {
  const r = new Reader(bytes);
  r.byte();
  return r.uvarint();
}

/** Fixes of many devices in one run (a batch as it arrived): the device ids once each (one
 * UTF-8 string, NUL between them), an index per fix, then the columns. Not compact across
 * devices (their deltas are city wide), but written in ~1 µs a fix, which is what an
 * append log needs. Device ids must be well-formed strings without NUL (isStorable). */
export function encodeMany(fixes: readonly Fix[]): Uint8Array {
  const ids = new Map<string, number>();
  const which = new Uint32Array(fixes.length);
  for (let i = 0; i < fixes.length; i++) {
    let k = ids.get(fixes[i].device);
    if (k === undefined) ids.set(fixes[i].device, (k = ids.size));
    which[i] = k;
  }
  const names = Buffer.from([...ids.keys()].join('\u0000'), 'utf8');
  const w = new Writer(32 + names.length + fixes.length * 20);
  w.byte(FORMAT_MANY);
  w.uvarint(fixes.length);
  w.uvarint(ids.size);
  w.uvarint(names.length);
  w.bytes(names);
  for (let i = 0; i < which.length; i++) w.uvarint(which[i]);
  writeColumns(w, fixes);
  return w.done();
}

export function decodeMany(bytes: Uint8Array): Fix[] {
  const r = new Reader(bytes);
  if (r.byte() !== FORMAT_MANY) throw new RangeError('track codec: not a many-device run');
  const n = r.uvarint();
  const count = r.uvarint();
  const len = r.uvarint();
  if (r.pos + len > bytes.length) throw new RangeError('track codec: truncated input');
  const devices = count === 0 ? [] : Buffer.from(bytes.buffer, bytes.byteOffset + r.pos, len).toString('utf8').split('\u0000');
  if (devices.length !== count) throw new RangeError('track codec: device ids do not match their count');
  r.pos += len;
  const which = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    which[i] = r.uvarint();
    if (which[i] >= count) throw new RangeError('track codec: fix of an unknown device');
  }
  return readColumns(r, n, '', devices, which);
}
