// The live positions frame: what the server sends walls as the Socket.IO event `positions`
// (volatile, at most 2 a second per area room) and what the wall decodes. Shared by server
// and client, like day.ts; pure, no I/O.
//
//   const bytes = encodePositionsFrame({ t, snapshot, seq, index, lon, lat, status, count });
//   const f = decodePositionsFrame(bytes);   // views onto `bytes`, no object per device
//   for (let k = 0; k < f.count; k++) draw(f.index[k], f.lonE6[k] / POSITION_SCALE, f.latE6[k] / POSITION_SCALE, f.status[k]);
//
// A frame names each device by the dense index (0 … n-1) the server assigns it (the roster,
// GET /api/patrol/devices, says who is behind an index). A delta frame holds every device of
// the area that moved or changed status since the room's previous frame; a snapshot frame
// holds every device of the area, and the wall replaces what it had with it.
//
// Layout, little-endian, columns so each one is a typed-array view (4-byte aligned):
//
//   offset  size   field
//   0       2      magic "PF"
//   2       1      version (1): a wall refuses a frame of a version it does not read
//   3       1      flags: bit 0 snapshot, bit 1 wide indices (u32); other bits must be 0
//   4       4      count: devices in the frame (u32)
//   8       8      t: the frame's instant, epoch ms (f64)
//   16      4      seq: the room's frame number (u32, wraps); a snapshot carries the room's
//                  current one, each delta the next, so a wall sees a frame lost in transit
//   20      4·n    lonE6: longitude, WGS-84, in 1e-6 degree (i32)
//   20+4n   4·n    latE6: latitude, likewise (i32)
//   20+8n   2·n    index (u16), or 4·n (u32) when some index ≥ 65,536 (flag bit 1)
//   …       n      status (u8): DEVICE_STATUS (0 offline, 1 online, 2 on a task)
//
// Size: 20 + 11·n bytes with u16 indices, so 93,520 bytes for 8,500 moving devices (the
// issue's bound is 100 KB); 20 + 13·n with u32 indices.
// Precision: coordinates are rounded to 1e-6 degree, at most 0.5e-6 degree off on each axis,
// i.e. ≤ 5.6 cm north–south and ≤ 4.8 cm east–west at Changzhou's latitude, ≤ 7.3 cm in all
// (phones' GPS is good to ~5 m).
// A decoded frame gives back exactly Math.round(x · 1e6) of what was encoded.
//
// Why fixed-width columns rather than delta + varint (the track store's way): a frame is
// decoded 2 times a second on the wall, straight into typed arrays for deck.gl; fixed width
// means no per-device decode loop and no copy, and 11 bytes a device is already within bound.
//
// Why not a generic format (FlatBuffers, Arrow IPC, CBOR): the frame is four columns and a
// header; a reader for any of those would outweigh this file, and a strict length check here
// refuses a truncated or garbage buffer outright, never yielding a wrong frame.
import { DEVICE_STATUS } from './fix.ts';

export const POSITIONS_FRAME_VERSION = 1;
/** Coordinates travel as integers of 1/POSITION_SCALE degree. */
export const POSITION_SCALE = 1e6;
export const POSITIONS_FRAME_HEADER_BYTES = 20;

const MAGIC0 = 0x50; // 'P'
const MAGIC1 = 0x46; // 'F'
const FLAG_SNAPSHOT = 1;
const FLAG_WIDE = 2;
const KNOWN_FLAGS = FLAG_SNAPSHOT | FLAG_WIDE;
const MAX_STATUS = Math.max(...Object.values(DEVICE_STATUS));
const LON_MAX = 180 * POSITION_SCALE;
const LAT_MAX = 90 * POSITION_SCALE;

export interface PositionsFrameInput {
  /** The frame's instant, epoch ms. */
  t: number;
  /** Every device of the area (the wall replaces what it has), or only the changed ones. */
  snapshot: boolean;
  /** The room's frame number (u32); 0 when not counted. */
  seq?: number;
  /** Devices are rows 0 … count-1 of these arrays. */
  count: number;
  index: Uint32Array;
  /** WGS-84 degrees. */
  lon: Float64Array;
  lat: Float64Array;
  /** DEVICE_STATUS values. */
  status: Uint8Array;
}

export interface PositionsFrame {
  version: number;
  t: number;
  snapshot: boolean;
  seq: number;
  count: number;
  /** Views onto the frame's bytes (or onto one aligned copy of them). */
  index: Uint16Array | Uint32Array;
  /** Degrees × POSITION_SCALE. */
  lonE6: Int32Array;
  latE6: Int32Array;
  status: Uint8Array;
}

/** A buffer that is not a positions frame this build reads: refused whole. */
export class PositionsFrameError extends Error {
  override name = 'PositionsFrameError';
}

/** Bytes of a frame of `count` devices. */
export function positionsFrameBytes(count: number, wide = false): number {
  return POSITIONS_FRAME_HEADER_BYTES + count * (8 + (wide ? 4 : 2) + 1);
}

export function encodePositionsFrame(f: PositionsFrameInput): Uint8Array {
  const n = f.count;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`positions frame: bad count ${n}`);
  if (n > f.index.length || n > f.lon.length || n > f.lat.length || n > f.status.length) throw new RangeError('positions frame: count is past the end of a column');
  if (!Number.isFinite(f.t) || f.t < 0) throw new RangeError(`positions frame: bad time ${f.t}`);
  const seq = f.seq ?? 0;
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xffff_ffff) throw new RangeError(`positions frame: bad seq ${seq}`);

  let maxIndex = 0;
  for (let k = 0; k < n; k++) if (f.index[k]! > maxIndex) maxIndex = f.index[k]!;
  const wide = maxIndex > 0xffff;

  const out = new Uint8Array(positionsFrameBytes(n, wide));
  const view = new DataView(out.buffer);
  out[0] = MAGIC0;
  out[1] = MAGIC1;
  out[2] = POSITIONS_FRAME_VERSION;
  out[3] = (f.snapshot ? FLAG_SNAPSHOT : 0) | (wide ? FLAG_WIDE : 0);
  view.setUint32(4, n, true);
  view.setFloat64(8, f.t, true);
  view.setUint32(16, seq, true);

  const at = POSITIONS_FRAME_HEADER_BYTES;
  const lonE6 = new Int32Array(out.buffer, at, n);
  const latE6 = new Int32Array(out.buffer, at + 4 * n, n);
  const index = wide ? new Uint32Array(out.buffer, at + 8 * n, n) : new Uint16Array(out.buffer, at + 8 * n, n);
  const status = new Uint8Array(out.buffer, at + (wide ? 12 : 10) * n, n);
  for (let k = 0; k < n; k++) {
    const x = Math.round(f.lon[k]! * POSITION_SCALE);
    const y = Math.round(f.lat[k]! * POSITION_SCALE);
    // NaN fails both comparisons' negation: written this way it is refused too.
    if (!(Math.abs(x) <= LON_MAX && Math.abs(y) <= LAT_MAX)) throw new RangeError(`positions frame: device ${f.index[k]} at (${f.lon[k]}, ${f.lat[k]}) is off the globe`);
    if (f.status[k]! > MAX_STATUS) throw new RangeError(`positions frame: device ${f.index[k]} has unknown status ${f.status[k]}`);
    lonE6[k] = x;
    latE6[k] = y;
    index[k] = f.index[k]!;
    status[k] = f.status[k]!;
  }
  return out;
}

/** Decodes a frame (an ArrayBuffer as the browser's socket gives it, a Buffer as Node's does).
 * Throws PositionsFrameError for anything that is not a whole, valid frame of this version. */
export function decodePositionsFrame(bytes: ArrayBuffer | ArrayBufferView): PositionsFrame {
  let buf: ArrayBuffer | SharedArrayBuffer;
  let offset: number;
  const length = bytes.byteLength;
  if (ArrayBuffer.isView(bytes)) {
    buf = bytes.buffer;
    offset = bytes.byteOffset;
  } else if (bytes instanceof ArrayBuffer) {
    buf = bytes;
    offset = 0;
  } else {
    throw new PositionsFrameError('positions frame: not binary');
  }
  if (length < POSITIONS_FRAME_HEADER_BYTES) throw new PositionsFrameError(`positions frame: ${length} bytes, shorter than its header`);
  const head = new DataView(buf, offset, POSITIONS_FRAME_HEADER_BYTES);
  if (head.getUint8(0) !== MAGIC0 || head.getUint8(1) !== MAGIC1) throw new PositionsFrameError('positions frame: not a positions frame (bad magic)');
  const version = head.getUint8(2);
  if (version !== POSITIONS_FRAME_VERSION) throw new PositionsFrameError(`positions frame: version ${version}, this build reads ${POSITIONS_FRAME_VERSION}`);
  const flags = head.getUint8(3);
  if (flags & ~KNOWN_FLAGS) throw new PositionsFrameError(`positions frame: unknown flags ${flags}`);
  const wide = (flags & FLAG_WIDE) !== 0;
  const n = head.getUint32(4, true);
  const t = head.getFloat64(8, true);
  const seq = head.getUint32(16, true);
  const expected = positionsFrameBytes(n, wide);
  if (length !== expected) throw new PositionsFrameError(`positions frame: ${length} bytes for ${n} devices, expected ${expected}`);
  if (!Number.isFinite(t) || t < 0) throw new PositionsFrameError(`positions frame: bad time ${t}`);

  // Int32Array views need a 4-aligned offset; Node's Buffers often sit at any offset in a
  // shared pool. One copy of the frame, then views onto it.
  if (offset % 4 !== 0) {
    const copy = new Uint8Array(length);
    copy.set(new Uint8Array(buf, offset, length));
    buf = copy.buffer;
    offset = 0;
  }
  const at = offset + POSITIONS_FRAME_HEADER_BYTES;
  const lonE6 = new Int32Array(buf, at, n);
  const latE6 = new Int32Array(buf, at + 4 * n, n);
  const index = wide ? new Uint32Array(buf, at + 8 * n, n) : new Uint16Array(buf, at + 8 * n, n);
  const status = new Uint8Array(buf, at + (wide ? 12 : 10) * n, n);
  // Values no encoder writes mean the bytes are not what they claim: refuse, never draw them.
  for (let k = 0; k < n; k++) {
    if (lonE6[k]! > LON_MAX || lonE6[k]! < -LON_MAX || latE6[k]! > LAT_MAX || latE6[k]! < -LAT_MAX) throw new PositionsFrameError(`positions frame: row ${k} is off the globe`);
    if (status[k]! > MAX_STATUS) throw new PositionsFrameError(`positions frame: row ${k} has unknown status ${status[k]}`);
  }
  return { version, t, snapshot: (flags & FLAG_SNAPSHOT) !== 0, seq, count: n, index, lonE6, latE6, status };
}
