// A CST day's tickets of an area as dots for the wall's map: all of them (86,400 on a busy
// demo day), in a small columnar binary rather than a capped JSON list.
//
//   GET /api/tickets/day-dots?area=320402&date=2026-11-23   → application/octet-stream
//
//   uint32 (LE)  n: the header's length in bytes
//   n bytes      the header, UTF-8 JSON, space-padded so the columns start 4-byte aligned:
//                { format, area, date, count, watermark, serverTime, statuses, lights, categories, columns }
//   columns      Float32 lon · Float32 lat · Uint32 seq · Uint32 version ·
//                Uint8 status · Uint8 light · Uint8 category · Uint8 supervised (督办 given, capped
//                at 255)     (count values each, little-endian)
//
// `columns` names each column with its type and its byte offset from the end of the header
// (4 + n), so a reader needs nothing else; status, light and category are indexes into the
// header's code lists. No personal
// data (displays read it). `watermark` is the last change the dots include: a live `ticket`
// event at or below it is already in them. `area` defaults to the caller's scope, `date` to
// the server's today.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import type { TicketDot } from '../store/types.ts';
import { READERS } from '../auth/roles.ts';
import { sendError } from '../http/errors.ts';
import { CATEGORY_CODES, STATUS_CODES } from '../domain/ticket.ts';
import { dateCST } from '../domain/day.ts';
import { areaPrefix } from '../net/hierarchy.ts';
import { loopService } from '../loop/service.ts';
import { areaCode } from './schemas.ts';

export const DAY_DOTS_FORMAT = 'day-dots/1';
/** Index 0: no limit runs (rejected). */
export const DOT_LIGHTS = ['none', 'green', 'yellow', 'red'] as const;
const DAY_MS = 86_400_000;
/** The columns in order: name, type, bytes per value (4-byte ones first, so all stay aligned). */
const COLUMNS = [['lon', 'float32', 4], ['lat', 'float32', 4], ['seq', 'uint32', 4], ['version', 'uint32', 4], ['status', 'uint8', 1], ['light', 'uint8', 1], ['category', 'uint8', 1], ['supervised', 'uint8', 1]] as const;

interface Query { area?: string; date?: string }

/** The dot's light by the stored instants, as the presented ticket's (server/domain/lights.ts);
 * -1 when the instants cannot tell (an open ticket with none stored: paused, or older rows). */
function lightIndex(d: TicketDot, now: number): number {
  const [, , , status, , , yellowAt, deadlineAt, onTime] = d;
  if (status === 'rejected') return 0;
  if (status === 'closed') return onTime === 0 ? 3 : 1;
  if (deadlineAt === null) return -1;
  return now >= deadlineAt ? 3 : yellowAt !== null && now >= yellowAt ? 2 : 1;
}

export const dayDotsRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { net, store } = deps;
  const view = loopService(deps).view;
  const statusIndex = new Map<string, number>(STATUS_CODES.map((c, i) => [c, i]));
  const categoryIndex = new Map<string, number>(CATEGORY_CODES.map((c, i) => [c, i]));

  app.get<{ Querystring: Query }>('/api/tickets/day-dots', {
    config: { access: { roles: READERS, area: (req) => (req.query as Query).area } },
    // Binary, but far from random (sequences, codes, nearby points): gzip at its fastest
    // level takes a day's 1.6 MB to about a sixth in a few ms (tests/day-dots.measure.test.ts).
    compress: { customTypes: /^application\/octet-stream$/, encodings: ['gzip', 'deflate'], zlibOptions: { level: 1 }, threshold: 2048 },
    schema: {
      summary: "A CST day's tickets of an area (default: the caller's scope; today by default) as dots for the map, in a columnar binary: "
        + 'uint32 LE header length, a JSON header (format, area, date, count, watermark, serverTime, statuses, lights, categories, columns with byte offsets), '
        + 'then Float32 lon, Float32 lat, Uint32 seq, Uint32 version, Uint8 status, Uint8 light, Uint8 category, Uint8 supervised (督办 count, capped at 255). No personal data.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          area: areaCode,
          date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a CST date, YYYY-MM-DD (default: today on the server)' },
        },
      },
    },
  }, async (req, reply) => {
    const p = req.principal!;
    const code = req.query.area ?? p.scope;
    if (!net.areas.has(code)) return sendError(reply, 404, `area: no area ${code}`);
    const now = deps.now();
    const date = req.query.date ?? dateCST(now);
    const from = Date.parse(`${date}T00:00:00+08:00`);
    if (!Number.isFinite(from) || dateCST(from) !== date) return sendError(reply, 400, `date: ${date} is not a date`);

    // The watermark first: every change up to it is in the dots read after it (a change
    // that lands in between is in both, and re-applying it on the wall changes nothing).
    const watermark = await store.lastChange();
    const dots = await store.dots({ area: areaPrefix(code), from, to: from + DAY_MS, department: p.role === 'handler' ? p.department ?? '-' : undefined });
    const n = dots.length;

    // Column offsets count from the end of the (padded) header, so the header does not
    // depend on its own length; each column starts 4-byte aligned.
    const columns: { name: string; type: 'float32' | 'uint32' | 'uint8'; offset: number }[] = [];
    let size = 0;
    for (const [name, type, bytes] of COLUMNS) {
      columns.push({ name, type, offset: size });
      size += n * bytes;
    }
    const json = Buffer.from(JSON.stringify({
      format: DAY_DOTS_FORMAT, area: code, date, count: n, watermark, serverTime: now,
      statuses: STATUS_CODES, lights: DOT_LIGHTS, categories: CATEGORY_CODES, columns,
    }));
    const headerBytes = json.length + ((4 - (json.length % 4)) % 4);
    const start = 4 + headerBytes;
    // A fresh ArrayBuffer (byte offset 0), so the typed views below are aligned.
    const out = Buffer.from(new ArrayBuffer(start + size));
    out.writeUInt32LE(headerBytes, 0);
    json.copy(out, 4);
    out.fill(0x20, 4 + json.length, start); // JSON allows trailing spaces
    const column = <T>(Type: new (b: ArrayBuffer, o: number, l: number) => T, name: string): T => new Type(out.buffer as ArrayBuffer, start + columns.find((c) => c.name === name)!.offset, n);
    const lon = column(Float32Array, 'lon');
    const lat = column(Float32Array, 'lat');
    const seq = column(Uint32Array, 'seq');
    const version = column(Uint32Array, 'version');
    const status = column(Uint8Array, 'status');
    const light = column(Uint8Array, 'light');
    const category = column(Uint8Array, 'category');
    const supervised = column(Uint8Array, 'supervised');
    for (let i = 0; i < n; i++) {
      const d = dots[i];
      seq[i] = d[0];
      lon[i] = d[1];
      lat[i] = d[2];
      status[i] = statusIndex.get(d[3]) ?? 255;
      category[i] = categoryIndex.get(d[4]) ?? 255;
      version[i] = d[5];
      supervised[i] = Math.min(d[9], 255);
      let l = lightIndex(d, now);
      if (l < 0) {
        // Rare (a paused ticket's light stands still): ask the ticket itself, as a reader would.
        const r = await store.get(d[0]);
        const shown = r ? view(r, 'none').light : null;
        l = shown === null ? 0 : DOT_LIGHTS.indexOf(shown);
      }
      light[i] = l;
    }
    return reply.header('content-type', 'application/octet-stream').header('cache-control', 'no-store').send(out);
  });
};
