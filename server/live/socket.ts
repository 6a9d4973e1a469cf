// The live feed: Socket.IO rooms named by area code. A client sits in one area's room
// (any level, city 320400 by default); a ticket is sent to the rooms of its grid and
// of every ancestor, so each client receives exactly the tickets of its area, once.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Net } from '../net/types.ts';
import { CITY_CODE } from '../net/codes.ts';
import type { Ticket } from '../domain/ticket.ts';

export interface Live {
  io: Server;
  publishTicket(t: Ticket): void;
  close(): Promise<void>;
}

const room = (code: string) => `area:${code}`;

export function attachLive(server: HttpServer, net: Net): Live {
  const io = new Server(server, {
    serveClient: false,
    cors: { origin: true },
    // Socket.IO's own recovery: a wall that blips for under two minutes gets what it missed.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: true },
  });

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

  io.on('connection', (socket) => {
    if (!socket.recovered) socket.join(room(socket.data.area));
    socket.on('join', (msg: { area?: unknown }, ack?: (r: unknown) => void) => {
      const area = areaOf(msg?.area);
      if (!area) return ack?.({ ok: false, message: 'area: unknown area code' });
      socket.leave(room(socket.data.area));
      socket.data.area = area;
      socket.join(room(area));
      ack?.({ ok: true, area });
    });
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
