// The heatmap's points (GET /api/heatmap/points), one codec for the server and the wall:
//
//   uint32 (LE)  n: the header's length in bytes
//   n bytes      UTF-8 JSON, space-padded to a multiple of 4: { format, area, from, to, count }
//   Float32 × 2 × count   lon, lat interleaved (what deck.gl's getPosition takes as it is)
//   Uint16 × count        the CST day of each ticket's report (days since 1970-01-01 CST)
//
// Oldest first, so a time window is a binary search on `day` and a subarray of both columns:
// 10 bytes a ticket, no object per ticket on either side.
export const HEAT_POINTS_FORMAT = 'heat-points/1';

export interface HeatPointsHeader {
  format: string;
  area: string;
  /** CST dates, inclusive. */
  from: string;
  to: string;
  count: number;
}

export interface HeatPoints {
  header: HeatPointsHeader;
  /** lon, lat, lon, lat… */
  positions: Float32Array;
  days: Uint16Array;
}

/** `lon`, `lat` and `day` of `count` tickets, oldest first. */
export function encodeHeatPoints(h: Omit<HeatPointsHeader, 'format' | 'count'>, count: number, lon: ArrayLike<number>, lat: ArrayLike<number>, day: ArrayLike<number>): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify({ format: HEAT_POINTS_FORMAT, ...h, count }));
  const headerBytes = json.length + ((4 - (json.length % 4)) % 4);
  const start = 4 + headerBytes;
  const buf = new ArrayBuffer(start + count * 8 + count * 2);
  const bytes = new Uint8Array(buf);
  new DataView(buf).setUint32(0, headerBytes, true);
  bytes.set(json, 4);
  bytes.fill(0x20, 4 + json.length, start); // JSON allows trailing spaces
  const positions = new Float32Array(buf, start, count * 2);
  const days = new Uint16Array(buf, start + count * 8, count);
  for (let i = 0; i < count; i++) {
    positions[i * 2] = lon[i];
    positions[i * 2 + 1] = lat[i];
    days[i] = day[i];
  }
  return bytes;
}

/** Views over `buf` (no copy); throws on a body that is not this format. */
export function decodeHeatPoints(buf: ArrayBuffer): HeatPoints {
  if (buf.byteLength < 4) throw new Error('heat points: too short');
  const headerBytes = new DataView(buf).getUint32(0, true);
  if (headerBytes % 4 !== 0 || 4 + headerBytes > buf.byteLength) throw new Error('heat points: bad header length');
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, headerBytes))) as HeatPointsHeader;
  if (header.format !== HEAT_POINTS_FORMAT) throw new Error(`heat points: format ${header.format}`);
  const start = 4 + headerBytes;
  const n = header.count;
  if (!Number.isInteger(n) || n < 0 || start + n * 10 > buf.byteLength) throw new Error('heat points: body shorter than its count');
  return { header, positions: new Float32Array(buf, start, n * 2), days: new Uint16Array(buf, start + n * 8, n) };
}
