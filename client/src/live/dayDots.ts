// Reads GET /api/tickets/day-dots (server/routes/day-dots.ts): a uint32 LE header length, a
// JSON header naming each column with its type and byte offset from the header's end, then
// the columns. Views onto the one buffer, no copy; pure, so the tests decode with it too.

export interface DayDotsHeader {
  format: string;
  area: string;
  /** The CST date (YYYY-MM-DD) of the dots. */
  date: string;
  count: number;
  /** The last change the dots include. */
  watermark: number;
  serverTime: number;
  statuses: string[];
  lights: string[];
  categories: string[];
  columns: { name: string; type: 'float32' | 'uint32' | 'uint8'; offset: number }[];
}

export interface DayDots extends DayDotsHeader {
  lon: Float32Array;
  lat: Float32Array;
  seq: Uint32Array;
  version: Uint32Array;
  /** Indexes into `statuses`, `lights`, `categories`. */
  status: Uint8Array;
  light: Uint8Array;
  category: Uint8Array;
  /** 督办 given to the ticket (capped at 255). */
  supervised: Uint8Array;
}

const TYPES = { float32: Float32Array, uint32: Uint32Array, uint8: Uint8Array } as const;
const NEEDED = { lon: 'float32', lat: 'float32', seq: 'uint32', version: 'uint32', status: 'uint8', light: 'uint8', category: 'uint8', supervised: 'uint8' } as const;

export function decodeDayDots(buf: ArrayBuffer): DayDots {
  if (buf.byteLength < 4) throw new Error('day-dots: too short');
  const n = new DataView(buf).getUint32(0, true);
  if (4 + n > buf.byteLength) throw new Error('day-dots: header past the end');
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n))) as DayDotsHeader;
  if (header.format !== 'day-dots/1') throw new Error(`day-dots: unknown format ${header.format}`);
  const start = 4 + n;
  const out: Record<string, unknown> = { ...header };
  for (const [name, type] of Object.entries(NEEDED)) {
    const c = header.columns.find((x) => x.name === name);
    if (!c || c.type !== type) throw new Error(`day-dots: no ${type} column ${name}`);
    const Type = TYPES[type];
    if (start + c.offset + header.count * Type.BYTES_PER_ELEMENT > buf.byteLength) throw new Error(`day-dots: column ${name} past the end`);
    out[name] = new Type(buf, start + c.offset, header.count);
  }
  return out as unknown as DayDots;
}
