// The HTTP server's own limits, so idle or slow connections cannot use up the process's
// file descriptors and stop health checks:
// - a connection must send its request headers within `headersTimeoutMs` (a connection
//   that sends nothing is closed as idle after as long) and finish the request within
//   `requestTimeoutMs`; checked every `checkIntervalMs`;
// - a kept-alive connection is closed after `keepAliveTimeoutMs` without a request;
// - at `cullAt` open connections, every idle one (no request in progress, not upgraded
//   to a WebSocket, older than a 50 ms grace) is closed; at `maxConnections` new ones are
//   refused. Socket.IO's WebSockets are never culled; long-polling requests are in
//   progress. (Node's closeIdleConnections() would also close a connection accepted a
//   moment ago whose request has not been read yet, e.g. a health check's.)
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { readFileSync } from 'node:fs';

export interface ConnectionLimits {
  maxConnections: number;
  cullAt: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  checkIntervalMs: number;
}

/** The process's open-file limit (Linux), or null where it can't be read. */
function openFileLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export function defaultLimits(): ConnectionLimits {
  // Leave room for the store, the net's files, logs and outgoing connections.
  const fds = openFileLimit() ?? 4096;
  const maxConnections = Math.max(64, Math.min(50_000, fds - 256));
  return {
    maxConnections,
    cullAt: Math.floor(maxConnections * 0.8),
    headersTimeoutMs: 15_000,
    requestTimeoutMs: 60_000,
    keepAliveTimeoutMs: 10_000,
    checkIntervalMs: 2_000,
  };
}

/** Options for http.createServer (Fastify's `http` option). */
export function httpServerOptions(l: ConnectionLimits) {
  return { headersTimeout: l.headersTimeoutMs, requestTimeout: l.requestTimeoutMs, connectionsCheckingInterval: l.checkIntervalMs };
}

/** A connection younger than this is not culled: its first request may be on its way. */
const CULL_GRACE_MS = 50;

/** Connection cap and idle culling on the listening server. Idle means: an HTTP
 * connection with no request in progress and not upgraded (Socket.IO's WebSockets leave
 * the list when they upgrade). Node's own `maxConnections` would refuse the newest
 * connection (a health check) while thousands of idle ones stay; here the oldest idle
 * ones make room instead, and the newcomer is refused only if none is idle. */
export function limitConnections(server: Server, l: ConnectionLimits): { open(): number } {
  const idle = new Map<Socket, number>(); // socket → idle since; oldest first
  const busy = new WeakMap<Socket, number>();
  let total = 0;
  let scheduled = false;

  const evictIdle = (olderThan: number, atMost: number) => {
    let n = 0;
    for (const [socket, since] of idle) {
      if (n >= atMost || since > olderThan) break;
      idle.delete(socket);
      socket.destroy();
      n++;
    }
    return n;
  };
  const cull = () => {
    scheduled = false;
    evictIdle(performance.now() - CULL_GRACE_MS, Infinity);
  };

  server.on('connection', (socket: Socket) => {
    total++;
    socket.once('close', () => {
      total--;
      idle.delete(socket);
    });
    const over = total - l.maxConnections; // sockets destroyed above are still counted until 'close'
    if (over > 0 && evictIdle(Infinity, over) < over) {
      socket.destroy();
      return;
    }
    idle.set(socket, performance.now());
    if (total >= l.cullAt && !scheduled) {
      scheduled = true;
      setTimeout(cull, CULL_GRACE_MS);
    }
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    idle.delete(socket);
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const n = (busy.get(socket) ?? 1) - 1;
      busy.set(socket, n);
      if (n === 0 && !socket.destroyed) idle.set(socket, performance.now()); // kept alive: newest idle
    });
  });
  server.on('upgrade', (req: IncomingMessage) => idle.delete(req.socket));
  // Node's headersTimeout only covers a request that has begun: a connection that never
  // sends a byte would stay forever. Swept here with the kept-alive ones.
  const sweep = setInterval(() => evictIdle(performance.now() - l.headersTimeoutMs, Infinity), l.checkIntervalMs).unref();
  server.once('close', () => clearInterval(sweep));
  return { open: () => total };
}
