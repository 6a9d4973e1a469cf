// The simulated people working the loop (六步闭环) on the tickets the simulator reported:
// each ticket's next step (server/sim/plan.ts) is a timed job on the scheduler, taken through
// the HTTP API by the account whose job it is, with the version it last saw. On 200 it plans
// the next; on 409 (someone else moved the ticket — a dispatcher at the console, the deadline
// clock's 督办) it reads the ticket and its timeline again and re-plans from there; on 429 or
// a server error it tries again later; on 400/403/404 it logs and lets the ticket go. At most
// `maxTickets` are followed: beyond, the oldest is let go (it stays where it is).
import type { Ticket } from '../domain/ticket.ts';
import type { Category, Source } from '../domain/ticket.ts';
import { defaultWorkClock, type WorkClock } from '../domain/workclock.ts';
import type { SimAccounts } from './accounts.ts';
import { KEY, RetryLater, type Reply, type SimClient } from './client.ts';
import type { Scheduler } from './schedule.ts';
import type { SimPhotos } from './photos.ts';
import { mulberry32, subSeed } from './random.ts';
import { drawFate, freshProgress, nextStep, noteDone, progressFromTimeline, seenOf, type Fate, type Progress, type SimCatalogue, type Step, type TicketSeen, type TimelineItem } from './plan.ts';

export type SimLogFn = (level: 'info' | 'warn', msg: string, obj?: Record<string, unknown>) => void;

export interface LoopActorOptions {
  client: SimClient;
  scheduler: Scheduler;
  catalogue: SimCatalogue;
  accounts: SimAccounts;
  /** Whether the integration's API key is there (else the dispatcher records ratings). */
  hasKey: boolean;
  photos: SimPhotos;
  seed: number;
  /** Simulated ms of people's time per real ms. */
  speed: number;
  /** The server's clock, and the real ms until it shows instant `at`. */
  now: () => number;
  realMsUntil: (at: number) => number;
  clock?: WorkClock;
  maxTickets: number;
  log?: SimLogFn;
  /** A task was pushed to grid phone `device` at the ticket's place (the phone simulator walks it there). */
  onAssigned?: (device: string, lon: number, lat: number) => void;
}

export interface ActorStats {
  adopted: number;
  finished: number;
  following: number;
  dropped: { capacity: number; refused: number; failed: number };
  conflicts: number;
  /** Successful steps by action (photo-before / photo-after for uploads). */
  steps: Record<string, number>;
  /** The lights the server showed in its answers, counted per answer. */
  lights: Record<string, number>;
}

export interface LoopActor {
  adopt(view: Ticket, ordinal: number, report: { category: Category; source: Source }): void;
  stats(): ActorStats;
  /** The ids followed now (oldest first). */
  following(): string[];
}

interface Tracked {
  id: string;
  ordinal: number;
  view: TicketSeen;
  fate: Fate;
  progress: Progress;
  rand: () => number;
  /** Bumped at each scheduling: a job of an older generation is stale. */
  gen: number;
  conflicts: number;
  retries: number;
}

export function createLoopActor(o: LoopActorOptions): LoopActor {
  const clock = o.clock ?? defaultWorkClock;
  const tickets = new Map<string, Tracked>();
  const stats: ActorStats = { adopted: 0, finished: 0, following: 0, dropped: { capacity: 0, refused: 0, failed: 0 }, conflicts: 0, steps: {}, lights: {} };
  let lastId: string | null = null;
  let droppedSinceCompact = 0;

  const realDelay = (s: Step) => ('simMs' in s.when ? s.when.simMs / o.speed : Math.max(0, o.realMsUntil(s.when.serverAt)) + 1);

  function seen(view: TicketSeen) {
    if (view.light) stats.lights[view.light] = (stats.lights[view.light] ?? 0) + 1;
  }

  function drop(tr: Tracked, why: keyof ActorStats['dropped'], msg?: string) {
    if (tickets.get(tr.id) !== tr) return;
    tickets.delete(tr.id);
    stats.dropped[why]++;
    if (msg) o.log?.('warn', `simulator: let ${tr.id} go: ${msg}`);
    if (++droppedSinceCompact > Math.max(100, o.maxTickets / 4)) {
      droppedSinceCompact = 0;
      o.scheduler.compact();
    }
  }

  function schedule(tr: Tracked, step: Step, delayMs: number) {
    const gen = ++tr.gen;
    o.scheduler.after(delayMs, () => run(tr, step), () => tickets.get(tr.id) === tr && tr.gen === gen);
  }

  function plan(tr: Tracked) {
    const step = nextStep(tr.view, tr.fate, tr.progress, tr.rand, o.catalogue, clock);
    if (!step) {
      tickets.delete(tr.id);
      stats.finished++;
      return;
    }
    schedule(tr, step, realDelay(step));
  }

  /** Who takes a step: the username (or the API key), or null when the simulator has no such account. */
  function who(step: Step, view: TicketSeen): string | null {
    switch (step.who) {
      case 'dispatcher': return o.accounts.dispatcher;
      case 'handler': return (view.department && o.accounts.handlers[view.department]) || null;
      case 'worker': return o.accounts.workers[view.district.code] ?? null;
      case 'integration': return o.hasKey ? KEY : o.accounts.dispatcher;
    }
  }

  function photoForm(tr: Tracked, kind: 'before' | 'after'): FormData {
    const list = o.photos[kind];
    const f = new FormData();
    f.append('kind', kind);
    f.append('file', new Blob([new Uint8Array(list[tr.ordinal % list.length])], { type: 'image/jpeg' }), `${kind}.jpg`);
    return f;
  }

  /** Reads the ticket and its timeline again (as the dispatcher, who sees them all). */
  async function reread(tr: Tracked): Promise<boolean> {
    const r = await o.client.call(o.accounts.dispatcher, 'GET', `/api/tickets/${tr.id}/timeline`, undefined, 'reread');
    if (r.status !== 200) return false;
    tr.view = seenOf(r.body.ticket as Ticket);
    tr.progress = progressFromTimeline(r.body.items as TimelineItem[], tr.progress);
    return true;
  }

  async function run(tr: Tracked, step: Step): Promise<void> {
    const user = who(step, tr.view);
    if (!user) return drop(tr, 'refused', `no simulated ${step.who} for ${step.who === 'handler' ? `department ${tr.view.department}` : tr.view.district.code}`);
    const wait = o.client.waitFor(user);
    if (wait > 0) return schedule(tr, step, wait);
    // Waiting for the server's clock: not before it shows the instant (if its pace changed).
    if ('serverAt' in step.when && o.now() < step.when.serverAt) return schedule(tr, step, realDelay(step));
    let r: Reply;
    try {
      if (step.assign) {
        const near = await o.client.call(user, 'GET', `/api/tickets/${tr.id}/nearest-workers?k=1&maxKm=3`, undefined, 'nearest');
        const w = near.status === 200 ? (near.body.items as { device: string }[])[0] : undefined;
        if (!w) {
          noteDone(tr.progress, step); // nobody online nearby: the check goes ahead unpushed
          return plan(tr);
        }
        r = await o.client.call(user, 'POST', `/api/tickets/${tr.id}/actions`, { action: 'assign', worker: w.device, note: '请前往现场核查', version: tr.view.version }, 'assign');
        if (r.status === 200) o.onAssigned?.(w.device, Number(r.body.ticket.lon), Number(r.body.ticket.lat));
      } else r = step.photo
        ? await o.client.call(user, 'POST', `/api/tickets/${tr.id}/photos`, photoForm(tr, step.photo), `photo-${step.photo}`)
        : await o.client.call(user, 'POST', `/api/tickets/${tr.id}/actions`, { ...step.body, version: tr.view.version }, step.body!.action);
    } catch (e) {
      if (e instanceof RetryLater) return schedule(tr, step, e.ms);
      if (tickets.get(tr.id) !== tr) return;
      if (++tr.retries > 5) return drop(tr, 'failed', String((e as Error).message ?? e));
      return schedule(tr, step, 1000 * 2 ** tr.retries);
    }
    if (tickets.get(tr.id) !== tr) return; // let go meanwhile
    if (r.status === 200 || r.status === 201) {
      tr.view = seenOf(r.body.ticket as Ticket);
      tr.conflicts = 0;
      tr.retries = 0;
      noteDone(tr.progress, step);
      const name = step.assign ? 'assign' : step.photo ? `photo-${step.photo}` : step.body!.action;
      stats.steps[name] = (stats.steps[name] ?? 0) + 1;
      seen(tr.view);
      return plan(tr);
    }
    if (r.status === 409) {
      stats.conflicts++;
      if (++tr.conflicts > 5) return drop(tr, 'refused', `409 five times running: ${r.body?.message}`);
      if (!(await reread(tr))) return drop(tr, 'failed', 'could not read it again after a 409');
      if (tickets.get(tr.id) !== tr) return;
      seen(tr.view);
      return plan(tr);
    }
    if (r.status === 429 || r.status >= 500) {
      if (++tr.retries > 5) return drop(tr, 'failed', `${r.status} five times running`);
      return schedule(tr, step, r.retryAfterMs ?? 1000 * 2 ** tr.retries);
    }
    return drop(tr, 'refused', `${r.status} on ${step.assign ? 'assign' : step.photo ? `photo ${step.photo}` : step.body!.action}: ${r.body?.message ?? ''}`);
  }

  return {
    adopt(view, ordinal, report) {
      while (tickets.size >= o.maxTickets) {
        const oldest = tickets.values().next().value as Tracked;
        drop(oldest, 'capacity');
      }
      const rand = mulberry32(subSeed(o.seed, ordinal));
      const tr: Tracked = {
        id: view.id, ordinal, view: seenOf(view), fate: drawFate(rand, report, o.catalogue, lastId), progress: freshProgress(), rand, gen: 0, conflicts: 0, retries: 0,
      };
      lastId = view.id;
      tickets.set(tr.id, tr);
      stats.adopted++;
      seen(tr.view);
      plan(tr);
    },
    stats: () => ({ ...stats, following: tickets.size }),
    following: () => [...tickets.keys()],
  };
}
