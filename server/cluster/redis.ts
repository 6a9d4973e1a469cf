// The connection to Redis when REDIS_URL is set (several nodes behind one address).
//
// Two kinds of client, because they want opposite settings:
//  - `commands`: short requests (leases, rate limits, lockout, the shared secret). No
//    offline queue and a command timeout, so while Redis is unreachable a request that
//    needs it fails at once (the routes answer 503) instead of hanging until it comes back.
//  - `blocking()`: a fresh connection for XREAD BLOCK readers (the Socket.IO adapter, the
//    positions relay). A command timeout would cut their blocking reads, and a blocking
//    read holds its connection, so each reader gets its own.
// ioredis reconnects by itself after a restart; `up()` says whether Redis answered a PING
// lately, which also notices a Redis that hangs with its TCP connection still open.
import { Redis, type RedisOptions } from 'ioredis';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export interface RedisLink {
  readonly url: string;
  /** Every key this deployment writes starts with it (REDIS_PREFIX, default `one-net:`). */
  readonly prefix: string;
  /** This process among the nodes (host, pid and a random part: a restart is a new node). */
  readonly nodeId: string;
  readonly commands: Redis;
  /** A new connection for a blocking reader (offline queue on, retried without limit
   * unless told otherwise); the caller closes it. */
  blocking(o?: Pick<RedisOptions, 'maxRetriesPerRequest'>): Redis;
  /** Redis answered a PING within the last `staleMs`. */
  up(): boolean;
  /** Called with true/false when `up()` changes. */
  onChange(f: (up: boolean) => void): void;
  close(): Promise<void>;
}

export class RedisUnavailable extends Error {
  readonly statusCode = 503;
  constructor(what: string, cause?: unknown) {
    super(`${what}: the shared state (Redis) is unreachable; try again shortly`, { cause });
  }
}

export interface RedisLinkOptions {
  prefix?: string;
  /** Per command, ms (default 2000). */
  commandTimeoutMs?: number;
  /** PING period, ms (default 1000); Redis counts as down after 3 periods without an answer. */
  pingMs?: number;
}

const reconnect = (times: number) => Math.min(100 * times, 2000);

export async function connectRedis(url: string, o: RedisLinkOptions = {}): Promise<RedisLink> {
  const prefix = o.prefix ?? process.env.REDIS_PREFIX ?? 'one-net:';
  const base: RedisOptions = { retryStrategy: reconnect, lazyConnect: true, connectionName: 'one-net' };
  const commands = new Redis(url, { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: o.commandTimeoutMs ?? 2000 });
  // An unhandled 'error' event would end the process; a reconnecting client reports here.
  commands.on('error', () => {});
  try {
    await commands.connect();
  } catch (e) {
    commands.disconnect();
    throw new Error(`REDIS_URL: cannot connect to ${redact(url)}: ${(e as Error).message}`);
  }
  const pingMs = o.pingMs ?? 1000;
  let lastPong = performance.now();
  let wasUp = true;
  const listeners: ((up: boolean) => void)[] = [];
  const up = () => commands.status === 'ready' && performance.now() - lastPong < 3 * pingMs;
  const check = () => {
    const now = up();
    if (now !== wasUp) for (const f of listeners) f((wasUp = now));
  };
  const pinger = setInterval(() => {
    commands.ping().then(() => (lastPong = performance.now()), () => {}).finally(check);
  }, pingMs);
  pinger.unref();
  commands.on('ready', () => ((lastPong = performance.now()), check()));
  commands.on('close', check);
  const readers = new Set<Redis>();
  return {
    url,
    prefix,
    nodeId: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    commands,
    blocking(ro) {
      const r = new Redis(url, { ...base, lazyConnect: false, maxRetriesPerRequest: null, ...ro });
      r.on('error', () => {});
      readers.add(r);
      r.once('end', () => readers.delete(r));
      return r;
    },
    up,
    onChange: (f) => void listeners.push(f),
    async close() {
      clearInterval(pinger);
      for (const r of readers) r.disconnect();
      await commands.quit().catch(() => commands.disconnect());
    },
  };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'REDIS_URL (not a URL)';
  }
}
