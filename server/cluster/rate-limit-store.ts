// @fastify/rate-limit's counters in Redis, so "30 sign-ins a minute" holds for the whole
// deployment, not per node. Its own Redis store would do the counting, but its errors reach
// Fastify as they are (a 500 naming ioredis); this one counts the same way (INCR, the window
// starting with the first request: PEXPIRE when the count is 1) and turns an unreachable
// Redis into RedisUnavailable, a 503 the client can retry.
//
//   await app.register(rateLimit, { store: redisRateLimitStore(link) })
import { RedisUnavailable, type RedisLink } from './redis.ts';

type Done = (err: Error | null, res?: { current: number; ttl: number }) => void;

const INCR = `
local n = redis.call('incr', KEYS[1])
if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) return {n, tonumber(ARGV[1])} end
local ttl = redis.call('pttl', KEYS[1])
if ttl < 0 then redis.call('pexpire', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

export function redisRateLimitStore(link: RedisLink) {
  class SharedRateLimitStore {
    constructor(_global?: unknown, private readonly key = `${link.prefix}rate:`) {}

    incr(id: string, cb: Done, timeWindow: number): void {
      (link.commands.eval(INCR, 1, this.key + id, timeWindow) as Promise<[number, number]>).then(
        ([current, ttl]) => cb(null, { current, ttl }),
        (e: unknown) => cb(new RedisUnavailable('rate limit', e)),
      );
    }

    read(id: string, cb: Done): void {
      const k = this.key + id;
      Promise.all([link.commands.get(k), link.commands.pttl(k)]).then(
        ([n, ttl]) => cb(null, { current: Number(n ?? 0), ttl: Math.max(0, ttl) }),
        (e: unknown) => cb(new RedisUnavailable('rate limit', e)),
      );
    }

    /** Per route: its own counters (method and URL in the key). */
    child(route: object): SharedRateLimitStore {
      // The plugin passes the route's merged options with `routeInfo` (its types omit it).
      const r = (route as { routeInfo?: { method: string; url: string } }).routeInfo;
      return new SharedRateLimitStore(undefined, `${this.key}${r?.method ?? ''}${r?.url ?? ''}:`);
    }
  }
  return SharedRateLimitStore;
}
