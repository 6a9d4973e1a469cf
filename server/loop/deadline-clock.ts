// The deadline clock: lights change by themselves in time, not only when someone reads.
// Every tick it takes, in order, the yellow (80 %) and red (100 %) instants that fell since
// its mark, pushes those tickets live with their new light, and gives each one that turned
// red an automatic 督办 from the system. The mark (the last instant and ticket handled) is
// stored after each one, and a red ticket already given its 督办 for this deadline is not
// given another, so a restart neither misses a change nor repeats a notice.
// One per deployment: with several nodes it runs under a lease (server/cluster/singleton.ts),
// and `guard` (the lease's fence) is asked before each ticket is acted on, so a node that
// lost the lease stops before giving a 督办 the new holder also gives. Should two runs still
// overlap (a holder paused past its lease), the mark and the timeline check above make the
// second one find the 督办 already given.
import type { TicketStore } from '../store/types.ts';
import type { Actor } from '../domain/loop.ts';
import type { loopService } from './service.ts';
import type { Live } from '../live/socket.ts';
import type { StatsPush } from '../live/stats-push.ts';
import { CITY_CODE } from '../net/codes.ts';

const SYSTEM: Actor = { kind: 'system', id: 'system', role: 'system', scope: CITY_CODE };
const MARK = 'deadline-clock';
export const AUTO_SUPERVISE_NOTE = '超期自动督办';
/** A first start looks back this far: not over a seeded history's old deadlines. */
const FIRST_LOOKBACK_MS = 60_000;

export interface DeadlineClock {
  /** One tick at `now()`: how many lights changed and how many 督办 were given. */
  tick(): Promise<{ changed: number; supervised: number }>;
  /** Ticks every `intervalMs` from now on. */
  start(): void;
  stop(): void;
}

export interface DeadlineClockOptions {
  store: TicketStore; loop: ReturnType<typeof loopService>; live: Live; statsPush: StatsPush; now: () => number;
  intervalMs?: number; batch?: number; log?: { warn(obj: object, msg: string): void };
  /** Throws when this node may no longer act (its lease is over); asked before each ticket. */
  guard?: () => Promise<void>;
}

export function startDeadlineClock(o: DeadlineClockOptions): DeadlineClock {
  const clock = createDeadlineClock(o);
  clock.start();
  return clock;
}

export function createDeadlineClock(o: DeadlineClockOptions): DeadlineClock {
  const batch = o.batch ?? 500;
  const tick = async () => {
    const upTo = o.now();
    let mark = (await o.store.jobMark(MARK)) ?? { at: upTo - FIRST_LOOKBACK_MS, seq: 0 };
    let changed = 0, supervised = 0;
    for (;;) {
      const events = await o.store.lightEvents(mark, upTo, batch);
      for (const e of events) {
        await o.guard?.();
        const r = await o.store.get(e.seq);
        // Still the instant this ticket's light changes at (a later action may have moved it).
        if (r && (e.kind === 'red' ? r.deadlineAt : r.yellowAt) === e.at) {
          changed++;
          if (e.kind === 'red' && !(await alreadySupervised(e.seq, e.at))) {
            const done = await o.loop.apply(r, { action: 'supervise', note: AUTO_SUPERVISE_NOTE }, SYSTEM);
            if (done.ok) supervised++;
            else o.log?.warn({ ticket: r.seq, message: done.message }, 'deadline clock: 督办 not applied');
          } else {
            o.live.publishTicket(o.loop.view(r, 'none'));
            o.statsPush.touch(r.gridCode);
          }
        }
        mark = { at: e.at, seq: e.seq };
        await o.store.setJobMark(MARK, mark);
      }
      if (events.length < batch) break;
    }
    if (mark.at < upTo) await o.store.setJobMark(MARK, { at: upTo, seq: Number.MAX_SAFE_INTEGER });
    return { changed, supervised };
  };
  const alreadySupervised = async (seq: number, deadline: number) =>
    (await o.store.timeline(seq)).some((t) => t.role === 'system' && t.action === 'supervise' && t.at >= deadline);
  let busy = false;
  let timer: NodeJS.Timeout | undefined;
  return {
    tick,
    start() {
      timer ??= setInterval(() => {
        if (busy) return;
        busy = true;
        tick().catch((e: unknown) => o.log?.warn({ err: e }, 'deadline clock: tick failed')).finally(() => (busy = false));
      }, o.intervalMs ?? 10_000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
