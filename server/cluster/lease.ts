// A lease in Redis: one holder at a time for a named piece of work, for `ttlMs` at a time,
// renewed by its holder. Three small Lua scripts keep each step atomic:
//   acquire: if nobody holds the key, INCR the fencing counter and SET key "<owner>#<token>" PX ttl
//   renew:   PEXPIRE only if the key still holds our value (compare-and-extend)
//   release: DEL only if the key still holds our value (compare-and-delete)
// The token grows with every acquisition, so work done under an old lease can be told from
// work under the current one. A holder never trusts Redis alone to tell it that it lost the
// lease (it may be unable to reach Redis at all): `validUntil` is counted on its own
// monotonic clock from the moment it *sent* the last successful acquire or renew, less a
// margin for clock drift. Redis lets the key expire no earlier than that, so the old
// holder has stopped before anybody else can acquire.
import type { Redis } from 'ioredis';

const ACQUIRE = `
if redis.call('exists', KEYS[1]) == 1 then return 0 end
local t = redis.call('incr', KEYS[2])
redis.call('set', KEYS[1], ARGV[1] .. '#' .. t, 'PX', ARGV[2])
return t`;
const RENEW = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

export class FencedOut extends Error {
  constructor(name: string, token: number) {
    super(`lease ${name}: token ${token} is no longer the holder; the work stops`);
  }
}

export class Lease {
  private value: string | null = null;
  private tokenHeld = 0;
  private validUntilMs = 0;
  private readonly key: string;
  private readonly fenceKey: string;

  constructor(
    private readonly redis: Redis,
    readonly name: string,
    private readonly owner: string,
    readonly ttlMs: number,
    prefix: string,
  ) {
    this.key = `${prefix}lease:${name}`;
    this.fenceKey = `${prefix}lease:${name}:fence`;
  }

  /** The fencing token of the current holding (0 when not held). */
  get token(): number {
    return this.value ? this.tokenHeld : 0;
  }

  /** Still ours by our own clock (no Redis round trip). */
  valid(): boolean {
    return this.value !== null && performance.now() < this.validUntilMs;
  }

  /** Ms left by our own clock. */
  remainingMs(): number {
    return this.value ? Math.max(0, this.validUntilMs - performance.now()) : 0;
  }

  /** Drift allowance: 1 % of the ttl plus 5 ms (Redlock's rule of thumb). */
  private until(sentAt: number): number {
    return sentAt + this.ttlMs - Math.ceil(this.ttlMs * 0.01) - 5;
  }

  /** The token when acquired, 0 when someone else holds it. Throws when Redis fails. */
  async acquire(): Promise<number> {
    const sentAt = performance.now();
    const t = Number(await this.redis.eval(ACQUIRE, 2, this.key, this.fenceKey, this.owner, this.ttlMs));
    if (!t) return 0;
    this.tokenHeld = t;
    this.value = `${this.owner}#${t}`;
    this.validUntilMs = this.until(sentAt);
    return t;
  }

  /** True when extended; false when the key is no longer ours (then the lease is dropped
   * here too). Throws when Redis fails: the caller keeps working until `valid()` ends. */
  async renew(): Promise<boolean> {
    if (!this.value) return false;
    const sentAt = performance.now();
    const ok = Number(await this.redis.eval(RENEW, 1, this.key, this.value, this.ttlMs)) === 1;
    if (ok) this.validUntilMs = this.until(sentAt);
    else this.value = null;
    return ok;
  }

  /** Lets the next holder in at once (best effort: the key expires anyway). */
  async release(): Promise<void> {
    const v = this.value;
    this.value = null;
    if (v) await this.redis.eval(RELEASE, 1, this.key, v).catch(() => {});
  }

  /** Forgets the lease locally without telling Redis (it was lost). */
  drop(): void {
    this.value = null;
  }

  /** Before an act that must not happen twice: still valid by our clock, and Redis still
   * names this holding. Throws FencedOut otherwise (also when Redis cannot be asked). */
  async check(): Promise<void> {
    const v = this.value;
    const token = this.tokenHeld;
    if (!v || !this.valid()) throw new FencedOut(this.name, token);
    let current: string | null;
    try {
      current = await this.redis.get(this.key);
    } catch {
      throw new FencedOut(this.name, token);
    }
    if (current !== v || !this.valid()) throw new FencedOut(this.name, token);
  }
}
