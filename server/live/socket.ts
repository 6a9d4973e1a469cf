// The live feed: Socket.IO rooms named by area code. A client sits in one area's room
// (any level, city 320400 by default); a ticket is sent to the rooms of its grid and
// of every ancestor, so each client receives exactly the tickets of its area, once.
//
// Anyone can connect, from anywhere, so everything a client sends is checked before use
// (events.ts: one gate for every event), and what the feed holds for clients is bounded
// (bounds.ts): a client that stops reading is disconnected, and the recovery buffer is
// capped by count as well as by time.
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import type { Net } from '../net/types.ts';
import { CITY_CODE } from '../net/codes.ts';
import type { Ticket } from '../domain/ticket.ts';
import { event, oneObject, Refusal, serveEvents, type LiveLog } from './events.ts';
import { boundQueues, cappedRecovery } from './bounds.ts';
import { inScope, type Principal } from '../auth/principal.ts';
import type { Authenticated } from '../auth/sessions.ts';

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
  /** Who a handshake's token (auth.token, or the session cookie) belongs to. */
  authenticate?: (token: string) => Promise<Authenticated>;
  /** Browser origins other than the server's own that may connect. */
  allowedOrigins?: string[];
  /** Socket.IO's adapter: with several nodes, the Redis streams one (server/cluster/);
   * the bounded in-memory one by default. */
  adapter?: ServerOptions['adapter'];
  /** Why this node takes no new connections now (it lost the shared state), or null. */
  refuse?: () => string | null;
}

export interface Live {
  io: Server;
  /** The events a client may send (each answered through server/live/events.ts). */
  events: string[];
  /** To every room of the ticket's area; it must carry no personal data (displays listen).
   * `change`: the timeline sequence of this change (the wall compares it with its watermark). */
  publishTicket(t: Ticket, change?: number): void;
  /** Cuts every socket of an account, display, device or key at once (disabled, revoked). */
  disconnectPrincipal(kind: string, id: string): void;
  /** Cuts the sockets of one session (signed out). */
  disconnectSession(sid: string): void;
  /** A task to a grid worker's device: `account:<username>` is that account's phone page. */
  pushTask(device: string, t: Ticket): void;
  /** A camera's status (`camera`) to the walls that show cameras in an area holding its grid. */
  publishCamera(grid: string, c: { id: string; status: string; at: number }): void;
  /** Patrol frames: the areas whose walls (on this node) asked for positions, a volatile
   * frame to them, and where a joining wall's snapshot comes from. */
  positions: {
    areas(): Iterable<string>;
    send(area: string, frame: Uint8Array): void;
    snapshotFrom(f: (area: string) => Uint8Array): void;
    /** Fixes a phone page sends over its socket (event `fixes`), as POST /api/positions. */
    fixesTo(f: (p: Principal, fixes: unknown[]) => Promise<object>): void;
  };
  close(): Promise<void>;
}

const room = (code: string) => `area:${code}`;
/** Walls that show the workers layer (handshake `auth.layers` includes 'workers'). */
const positionsRoom = (code: string) => `pos:${code}`;
/** Walls that show the cameras layer (handshake `auth.layers` includes 'cameras'). */
const camerasRoom = (code: string) => `cam:${code}`;
const principalRoom = (kind: string, id: string) => `principal:${kind}:${id}`;
const SESSION_COOKIE = 'one_net_session';

/** The session cookie's value from a Cookie header, if any. */
function cookieToken(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === SESSION_COOKIE) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Same origin as the Host the browser connected to, or an allowed one; no Origin header
 * (not a browser) is let through to authentication. */
function originAllowed(origin: string | undefined, host: string | undefined, allowed: string[]): boolean {
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function attachLive(server: HttpServer, net: Net, opts: LiveOptions = {}): Live {
  const maxQueuedPackets = opts.maxQueuedPackets ?? 2000;
  const log = opts.log ?? { warn: (o, m) => console.warn(m, o), error: (o, m) => console.error(m, o) };
  const io = new Server(server, {
    serveClient: false,
    // CORS closed: browsers may connect from the server's own origin (and listed ones) only.
    allowRequest: (req, cb) => cb(null, originAllowed(req.headers.origin, req.headers.host, opts.allowedOrigins ?? [])),
    // Socket.IO's own recovery: a wall that blips for under two minutes gets what it missed,
    // unless it missed more than half a queue (then it resyncs over HTTP, see bounds.ts).
    // The middleware runs on recovery too: a recovered socket is authenticated again.
    connectionStateRecovery: { maxDisconnectionDuration: opts.recoveryMaxMs ?? 2 * 60_000, skipMiddlewares: false },
    adapter: opts.adapter ?? cappedRecovery({ packets: opts.recoveryMaxPackets ?? 5000, replay: Math.floor(maxQueuedPackets / 2) }),
  });
  boundQueues(io.engine, { packets: maxQueuedPackets, bytes: opts.maxQueuedBytes ?? 8 * 2 ** 20 }, log);

  /** A known area code, or null: anything but a string naming an area is refused. */
  const areaOf = (v: unknown): string | null => (typeof v === 'string' && net.areas.has(v) ? v : null);

  // Authenticate on connect (and on every reconnection, recovered or not): the token in
  // the handshake's auth.token, else the session cookie. No principal, no socket.
  io.use((socket, next) => {
    const refused = opts.refuse?.();
    if (refused) return next(new Error(refused));
    const authenticate = opts.authenticate;
    if (!authenticate) return next(new Error('unauthorized: no authentication configured'));
    const given = socket.handshake.auth?.token;
    const token = typeof given === 'string' ? given : cookieToken(socket.handshake.headers.cookie);
    if (!token) return next(new Error('unauthorized: sign in first (auth.token or the session cookie)'));
    authenticate(token).then((a) => {
      if (!a.principal) return next(new Error(`unauthorized: ${a.problem ?? 'not signed in'}`));
      const p = a.principal;
      // No area asked for: the principal's own scope.
      const asked = socket.handshake.query.area ?? socket.handshake.auth?.area;
      const area = asked === undefined ? p.scope : areaOf(asked);
      if (!area) return next(new Error('area: unknown area code'));
      if (!inScope(p, area)) return next(new Error(`forbidden: area ${area} is outside the scope ${p.scope}`));
      socket.data.principal = p;
      socket.data.area = area;
      next();
    }, (e: unknown) => {
      log.error({ err: e }, 'live: authentication failed');
      next(new Error('unauthorized: internal error'));
    });
  });

  let snapshotOf: ((area: string) => Uint8Array) | null = null;
  let takeFixes: ((p: Principal, fixes: unknown[]) => Promise<object>) | null = null;
  /** Into the area's positions room, with a snapshot first. The snapshot is acknowledged, not
   * volatile: it must arrive (a volatile packet is dropped while a transport is busy), and an
   * acknowledged packet is not kept for recovery either. Frames after it are volatile. */
  function joinPositions(socket: import('socket.io').Socket, area: string) {
    socket.join(positionsRoom(area));
    if (snapshotOf) socket.timeout(30_000).emit('positions', snapshotOf(area), () => {});
  }

  const events = {
    /** `fixes {fixes: [...]}` → as POST /api/positions answers: a phone page's own positions
     * over its socket (a worker's or a device's; each fix checked alone). */
    fixes: event({
      parse(args) {
        const f = oneObject(args, 'fixes', ['fixes']).fixes;
        if (!Array.isArray(f) || f.length < 1 || f.length > 10_000) throw new Refusal('fixes: an array of 1 to 10,000 fixes');
        return f as unknown[];
      },
      async run(socket, fixes) {
        const p = socket.data.principal as Principal;
        if (p.role !== 'worker' && p.kind !== 'device') return { ok: false, message: `role ${p.role} sends no positions over the live feed` };
        if (!takeFixes) return { ok: false, message: 'fixes: patrol is not running' };
        return { ok: true, ...(await takeFixes(p, fixes)) };
      },
    }),
    /** `join {area}` → `{ ok: true, area }`: leave the current area's room for another's. */
    join: event({
      parse(args) {
        const area = areaOf(oneObject(args, 'join', ['area']).area);
        if (!area) throw new Refusal('area: unknown area code');
        return area;
      },
      run(socket, area) {
        const p = socket.data.principal as Principal;
        if (!inScope(p, area)) return { ok: false, message: `area: ${area} is outside the scope ${p.scope}` };
        socket.leave(room(socket.data.area));
        if (socket.data.positions) socket.leave(positionsRoom(socket.data.area));
        if (socket.data.cameras) socket.leave(camerasRoom(socket.data.area));
        socket.data.area = area;
        socket.join(room(area));
        if (socket.data.positions) joinPositions(socket, area);
        if (socket.data.cameras) socket.join(camerasRoom(area));
        return { ok: true, area };
      },
    }),
  };

  io.on('connection', (socket) => {
    const p = socket.data.principal as Principal;
    socket.join(principalRoom(p.kind, p.id));
    if (p.sid) socket.join(`session:${p.sid}`);
    let kept: string | undefined;
    if (socket.recovered) {
      // Rooms come back with the session; the scope may have narrowed since: keep only
      // rooms still inside it, and the area the client had joined.
      for (const r of [...socket.rooms]) if (r.startsWith('area:') && !inScope(p, r.slice(5))) socket.leave(r);
      kept = [...socket.rooms].find((r) => r.startsWith('area:'));
      if (kept) socket.data.area = kept.slice(5);
    }
    if (!kept) socket.join(room(socket.data.area));
    const layers = socket.handshake.auth?.layers;
    socket.data.positions = Array.isArray(layers) && layers.includes('workers');
    if (socket.data.positions) {
      for (const r of [...socket.rooms]) if (r.startsWith('pos:')) socket.leave(r);
      joinPositions(socket, socket.data.area);
    }
    // A recovered session brings its old rooms back: the area may have changed since.
    for (const r of [...socket.rooms]) if (r.startsWith('cam:')) socket.leave(r);
    socket.data.cameras = Array.isArray(layers) && layers.includes('cameras');
    if (socket.data.cameras) socket.join(camerasRoom(socket.data.area));
    serveEvents(socket, events, log);
  });

  return {
    io,
    events: Object.keys(events),
    publishTicket(t, change) {
      const g = t.grid.code; // its own room and its community's, street's, district's, city's
      io.to([room(CITY_CODE), room(g.slice(0, 6)), room(g.slice(0, 9)), room(g.slice(0, 12)), room(g)]).emit('ticket', change === undefined ? t : { ...t, change });
    },
    publishCamera(g, c) {
      io.to([camerasRoom(CITY_CODE), camerasRoom(g.slice(0, 6)), camerasRoom(g.slice(0, 9)), camerasRoom(g.slice(0, 12)), camerasRoom(g)]).emit('camera', c);
    },
    disconnectPrincipal(kind, id) {
      io.in(principalRoom(kind, id)).disconnectSockets(true);
    },
    disconnectSession(sid) {
      io.in(`session:${sid}`).disconnectSockets(true);
    },
    pushTask(device, t) {
      const target = device.startsWith('account:') ? principalRoom('account', device.slice(8)) : principalRoom('device', device);
      io.to(target).emit('task', { ticket: t });
    },
    positions: {
      *areas() {
        for (const r of io.of('/').adapter.rooms.keys()) if (r.startsWith('pos:')) yield r.slice(4);
      },
      send(area, frame) {
        io.local.to(positionsRoom(area)).volatile.emit('positions', frame);
      },
      snapshotFrom(f) {
        snapshotOf = f;
      },
      fixesTo(f) {
        takeFixes = f;
      },
    },
    // The HTTP server is Fastify's to close; here only the transports end. Clients see a
    // transport close (not a server disconnect) and so reconnect by themselves.
    async close() {
      io.engine.close();
    },
  };
}
