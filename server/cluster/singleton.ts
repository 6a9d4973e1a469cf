// Work that must run on exactly one node of a deployment at a time (the simulators, the
// deadline clock, track housekeeping):
//
//   const running = singletons.runOnce('deadline-clock', (fence) => { clock.start(); return () => clock.stop(); });
//
// Without Redis (one node) `runOnce` starts the work at once: the product behaves as it
// always did. With Redis each node contends for the work's lease (lease.ts) every third of
// its ttl; the holder runs the work and renews, the others wait. The holder stops the work
// when a renewal says the lease is someone else's, or when its own clock says the lease
// ran out (it could not renew: Redis gone, a partition, a long pause), which is before
// Redis lets another node take it. Work whose acts must not be repeated calls
// `fence.check()` before each one: it throws once this holding is over, so a node that
// lost the lease mid-way stops before acting, even if its timers have not fired yet.
import { FencedOut, Lease } from './lease.ts';
import type { RedisLink } from './redis.ts';

export interface Fence {
  /** This holding's fencing token (grows with each acquisition; 0 on a single node). */
  readonly token: number;
  /** Still held, by this node's clock. */
  valid(): boolean;
  /** Throws FencedOut unless still held (asks Redis). */
  check(): Promise<void>;
}

export type Stop = () => void | Promise<void>;
export type Job = (fence: Fence) => Stop | Promise<Stop>;

export interface Running {
  /** Is this node running the work now? */
  held(): boolean;
  /** Settles once the first attempt is over: started here, or found running elsewhere. */
  readonly started: Promise<void>;
  /** Stops the work here (if running) and lets another node take it. */
  stop(): Promise<void>;
}

export interface Singletons {
  runOnce(name: string, start: Job): Running;
  /** Stops every job of this node and releases their leases. */
  close(): Promise<void>;
}

type Log = (level: 'info' | 'warn' | 'error', msg: string, obj?: object) => void;
const quiet: Log = () => {};

const ALWAYS: Fence = { token: 0, valid: () => true, check: async () => {} };

/** One node: every job runs here, now. */
export function localSingletons(): Singletons {
  const all = new Set<Running>();
  return {
    runOnce(name, start) {
      let stopFn: Stop | null = null;
      let stopped = false;
      const started = Promise.resolve()
        .then(() => start(ALWAYS))
        .then((s) => void (stopped ? s() : (stopFn = s)), (e: unknown) => console.error(`  ${name}: not started: ${(e as Error).message}`));
      const r: Running = {
        held: () => !stopped && stopFn !== null,
        started,
        async stop() {
          stopped = true;
          all.delete(r);
          await started.catch(() => {});
          await stopFn?.();
          stopFn = null;
        },
      };
      all.add(r);
      return r;
    },
    async close() {
      await Promise.all([...all].map((r) => r.stop()));
    },
  };
}

export interface RedisSingletonOptions {
  /** Lease time (default 10 s): a lost node's work stops within it, another takes over after it. */
  ttlMs?: number;
  log?: Log;
}

/** Several nodes: each job under a lease in Redis. */
export function redisSingletons(link: RedisLink, o: RedisSingletonOptions = {}): Singletons {
  const ttlMs = o.ttlMs ?? 10_000;
  const log = o.log ?? quiet;
  const all = new Set<Running>();

  function runOnce(name: string, start: Job): Running {
    const lease = new Lease(link.commands, name, link.nodeId, ttlMs, link.prefix);
    let stopFn: Stop | null = null;
    let starting = false;
    let closed = false;
    let round: NodeJS.Timeout | undefined;
    let watchdog: NodeJS.Timeout | undefined;

    /** Stops the work here; `why` for the log. A lost lease is forgotten first (so the
     * work's fence fails at once); a stop asked for releases it after the work stopped. */
    async function lose(why: string, release = false) {
      const s = stopFn;
      stopFn = null;
      clearTimeout(watchdog);
      if (!release) lease.drop();
      if (s) {
        log(release ? 'info' : 'warn', `singleton ${name}: stopped here (${why})`, { token: lease.token });
        try {
          await s();
        } catch (e) {
          log('error', `singleton ${name}: stopping failed`, { err: e });
        }
      }
      if (release) await lease.release();
    }

    /** Fires when our own clock says the lease is over, whatever Redis is doing. */
    function armWatchdog() {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        if (stopFn && !lease.valid()) void lose('lease ran out without a renewal');
        else if (stopFn) armWatchdog();
      }, lease.remainingMs() + 1);
      watchdog.unref();
    }

    async function tryAcquire() {
      const token = await lease.acquire();
      if (!token) return;
      armWatchdog();
      starting = true;
      const fence: Fence = {
        token,
        valid: () => lease.token === token && lease.valid(),
        check: async () => {
          if (lease.token !== token) throw new FencedOut(name, token);
          await lease.check();
        },
      };
      try {
        const s = await start(fence);
        if (closed || !fence.valid()) {
          await s();
          if (closed) await lease.release();
        } else {
          stopFn = s;
          log('info', `singleton ${name}: running on this node`, { token });
        }
      } catch (e) {
        log('error', `singleton ${name}: did not start`, { err: e });
        await lease.release();
      } finally {
        starting = false;
      }
    }

    async function step() {
      if (closed || starting) return;
      try {
        if (stopFn) {
          if (await lease.renew()) armWatchdog();
          else await lose('another node holds the lease');
        } else {
          await tryAcquire();
        }
      } catch (e) {
        // Redis unreachable: keep working until the lease runs out by our clock (the watchdog).
        if (stopFn) log('warn', `singleton ${name}: lease not renewed`, { err: (e as Error).message });
      }
    }

    let current: Promise<void> = Promise.resolve();
    const loop = () => {
      void (current = step()).finally(() => {
        if (closed) return;
        // The holder renews every third of the lease; the others ask at least every second,
        // so a released lease (a node shutting down) is taken over within a second.
        round = setTimeout(loop, Math.max(50, Math.floor(stopFn ? ttlMs / 3 : Math.min(ttlMs / 3, 1000))));
        round.unref();
      });
    };
    loop();

    const r: Running = {
      held: () => stopFn !== null && lease.valid(),
      started: current.then(() => {}),
      async stop() {
        closed = true;
        all.delete(r);
        clearTimeout(round);
        await current; // a start under way finishes (and, seeing `closed`, stops again)
        await lose('stopped', true);
      },
    };
    all.add(r);
    return r;
  }

  return {
    runOnce,
    async close() {
      await Promise.all([...all].map((r) => r.stop()));
    },
  };
}
