// Repeated failed sign-ins: per username (whether it exists or not, so the answer tells
// nothing) and per address. After `free` failures each further one locks for twice as
// long as the last, from `baseMs` up to `maxMs`; a success clears the username's count.
// In memory, per process, by default; with REDIS_URL the same rules are kept in Redis
// (server/cluster/lockout-redis.ts) so every node counts the same failures. Asynchronous
// for that reason.

export interface LockoutOptions {
  free: number;
  baseMs: number;
  maxMs: number;
  /** Failures are forgotten after this long without one. */
  forgetMs: number;
}

export const DEFAULT_LOCKOUT: LockoutOptions = { free: 5, baseMs: 30_000, maxMs: 15 * 60_000, forgetMs: 60 * 60_000 };

interface Entry {
  failures: number;
  lastAt: number;
  lockedUntil: number;
}

export interface Lockout {
  /** Ms until `key` may try again; 0 when it may. */
  waitMs(key: string, now: number): Promise<number>;
  fail(key: string, now: number): Promise<void>;
  clear(key: string): Promise<void>;
}

export function createLockout(o: LockoutOptions = DEFAULT_LOCKOUT, maxKeys = 100_000): Lockout {
  const entries = new Map<string, Entry>();
  return {
    async waitMs(key, now) {
      const e = entries.get(key);
      if (!e) return 0;
      if (now - e.lastAt > o.forgetMs) {
        entries.delete(key);
        return 0;
      }
      return Math.max(0, e.lockedUntil - now);
    },
    async fail(key, now) {
      let e = entries.get(key);
      if (!e || now - e.lastAt > o.forgetMs) e = { failures: 0, lastAt: now, lockedUntil: 0 };
      e.failures++;
      e.lastAt = now;
      if (e.failures > o.free) e.lockedUntil = now + Math.min(o.maxMs, o.baseMs * 2 ** (e.failures - o.free - 1));
      entries.delete(key); // most recent last, so the oldest go first when full
      entries.set(key, e);
      if (entries.size > maxKeys) entries.delete(entries.keys().next().value!);
    },
    async clear(key) {
      entries.delete(key);
    },
  };
}
