// The sign-in lockout (server/auth/lockout.ts) kept in Redis, so a password guesser is
// counted the same whichever node it reaches: the same rules, each step one Lua script
// (atomic), on the app's clock (`now` is passed in, as the in-memory one takes it). Keys
// expire by themselves (forgetMs + maxMs of real time), which bounds what Redis keeps.
// Redis unreachable: the sign-in is refused with 503 (RedisUnavailable) rather than let
// through uncounted.
import type { Lockout, LockoutOptions } from '../auth/lockout.ts';
import { RedisUnavailable, type RedisLink } from './redis.ts';

const FAIL = `
local now, free, base, max, forget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local f = tonumber(redis.call('hget', KEYS[1], 'f') or '0')
local last = tonumber(redis.call('hget', KEYS[1], 'l') or '0')
if now - last > forget then f = 0 end
f = f + 1
local u = 0
if f > free then u = now + math.min(max, base * 2 ^ (f - free - 1)) end
redis.call('hset', KEYS[1], 'f', f, 'l', now, 'u', u)
redis.call('pexpire', KEYS[1], forget + max)
return f`;

export function redisLockout(link: RedisLink, o: LockoutOptions): Lockout {
  const key = (k: string) => `${link.prefix}lockout:${k}`;
  const guard = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (e) {
      throw new RedisUnavailable('sign-in lockout', e);
    }
  };
  return {
    async waitMs(k, now) {
      const [last, until] = await guard(link.commands.hmget(key(k), 'l', 'u'));
      if (last === null || now - Number(last) > o.forgetMs) return 0;
      return Math.max(0, Number(until) - now);
    },
    async fail(k, now) {
      await guard(link.commands.eval(FAIL, 1, key(k), now, o.free, o.baseMs, o.maxMs, o.forgetMs));
    },
    async clear(k) {
      await guard(link.commands.del(key(k)));
    },
  };
}
