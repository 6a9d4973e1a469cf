// The live feed: Socket.IO rooms named by area code. A client sits in one area's room
// (any level, city 320400 by default); a ticket is sent to the rooms of its grid and
// of every ancestor, so each client receives exactly the tickets of its area, once.
//
// Anyone can connect, from anywhere, so everything a client sends is checked before use
// (events.ts: one gate for every event), and what the feed holds for clients is bounded
// (bounds.ts): a client that stops reading is disconnected, and the recovery buffer is
// capped by count as well as by time.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Net } from '../net/types.ts';
import { CITY_CODE } from '../net/codes.ts';
import type { Ticket } from '../domain/ticket.ts';
import { event, oneObject, Refusal, serveEvents, type LiveLog } from './events.ts';
import { boundQueues, cappedRecovery } from './bounds.ts';

export type { LiveLog } from './events.ts';

export interface LiveOptions {
  /** Packets waiting for one client before it is disconnected (default 2000). */
  maxQueuedPackets?: number;
  /** The same in bytes, strings counted by length (default 8 MiB). */
  maxQueuedBytes?: number;
  /** Broadcasts kept for clients that reconnect, all areas together (default 5000). */
  recoveryMaxPackets?: number;
  /** How long a disconnected client's session is kept (default two minutes). */
  recoveryMaxMs?: number;
  /** Handler failures and evictions; pino's (app.log) fits. Default: the console. */
  log?: LiveLog;
}

export interface Live {
  io: Server;
  publishTicket(t: Ticket): void;
  close(): Promise<void>;
}

const room = (code: string) => `area:${code}`;

export function attachLive(server: HttpServer, net: Net, opts: LiveOptions = {}): Live {
  const maxQueuedPackets = opts.maxQueuedPackets ?? 2000;
  const log = opts.log ?? { warn: (o, m) => console.warn(m, o), error: (o, m) => console.error(m, o) };
  const io = new Server(server, {
    serveClient: false,
    cors: { origin: true },
    // Socket.IO's own recovery: a wall that blips for under two minutes gets what it missed,
    // unless it missed more than half a queue (then it resyncs over HTTP, see bounds.ts).
    connectionStateRecovery: { maxDisconnectionDuration: opts.recoveryMaxMs ?? 2 * 60_000, skipMiddlewares: true },
    adapter: cappedRecovery({ packets: opts.recoveryMaxPackets ?? 5000, replay: Math.floor(maxQueuedPackets / 2) }),
  });
  boundQueues(io.engine, { packets: maxQueuedPackets, bytes: opts.maxQueuedBytes ?? 8 * 2 ** 20 }, log);

  /** A known area code, or null: anything but a string naming an area is refused. */
  const areaOf = (v: unknown): string | null => (typeof v === 'string' && net.areas.has(v) ? v : null);

  io.use((socket, next) => {
    // No area asked for: the whole city. (Scoping accounts by area will narrow this.)
    const asked = socket.handshake.query.area ?? socket.handshake.auth?.area;
    const area = asked === undefined ? CITY_CODE : areaOf(asked);
    if (!area) return next(new Error('area: unknown area code'));
    socket.data.area = area;
    next();
  });

  const events = {
    /** `join {area}` → `{ ok: true, area }`: leave the current area's room for another's. */
    join: event({
      parse(args) {
        const area = areaOf(oneObject(args, 'join', ['area']).area);
        if (!area) throw new Refusal('area: unknown area code');
        return area;
      },
      run(socket, area) {
        socket.leave(room(socket.data.area));
        socket.data.area = area;
        socket.join(room(area));
        return { ok: true, area };
      },
    }),
  };

  io.on('connection', (socket) => {
    if (!socket.recovered) socket.join(room(socket.data.area));
    serveEvents(socket, events, log);
  });

  return {
    io,
    publishTicket(t) {
      const g = t.grid.code; // its own room and its community's, street's, district's, city's
      io.to([room(CITY_CODE), room(g.slice(0, 6)), room(g.slice(0, 9)), room(g.slice(0, 12)), room(g)]).emit('ticket', t);
    },
    // The HTTP server is Fastify's to close; here only the transports end. Clients see a
    // transport close (not a server disconnect) and so reconnect by themselves.
    async close() {
      io.engine.close();
    },
  };
}
