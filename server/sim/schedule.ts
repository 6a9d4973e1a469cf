// The simulator's scheduler: timed jobs in a binary min-heap, driven by one timer, run at
// most `maxInFlight` at a time (a job is one HTTP exchange, or a short sequence of them), so
// the simulator never floods the server however many steps fall due at once: due jobs wait
// in the heap for a slot. A job may carry `live()`: a job whose ticket was dropped from the
// simulation is skipped when it comes up, and `compact()` clears such jobs out early.
// Times are real milliseconds on a monotonic clock.

export interface Scheduler {
  /** Runs `run` once `delayMs` real ms have passed and a slot is free. */
  after(delayMs: number, run: () => Promise<void>, live?: () => boolean): void;
  /** Jobs waiting (due or not) and jobs running. */
  pending(): number;
  running(): number;
  /** The most jobs that ever ran at once. */
  peakRunning(): number;
  /** Drops waiting jobs that are no longer live. */
  compact(): void;
  stop(): void;
}

interface Job {
  at: number;
  seq: number;
  run: () => Promise<void>;
  live?: () => boolean;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export function createScheduler(o: { maxInFlight: number; clock?: () => number; onError?: (e: unknown) => void }): Scheduler {
  const clock = o.clock ?? (() => performance.now());
  const heap: Job[] = [];
  let seq = 0;
  let running = 0;
  let peak = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;

  const before = (a: Job, b: Job) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  function up(i: number) {
    const j = heap[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(j, heap[p])) break;
      heap[i] = heap[p];
      i = p;
    }
    heap[i] = j;
  }
  function down(i: number) {
    const j = heap[i];
    const n = heap.length;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && before(heap[c + 1], heap[c])) c++;
      if (!before(heap[c], j)) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = j;
  }
  function pop(): Job {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      down(0);
    }
    return top;
  }

  function arm() {
    if (stopped || heap.length === 0 || running >= o.maxInFlight) return;
    const at = heap[0].at;
    if (timer && timerAt <= at) return;
    clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      pump();
    }, Math.min(MAX_TIMER_MS, Math.max(0, at - clock())));
    timer.unref();
  }

  function pump() {
    if (stopped) return;
    const t = clock();
    while (running < o.maxInFlight && heap.length > 0 && heap[0].at <= t) {
      const job = pop();
      if (job.live && !job.live()) continue;
      running++;
      peak = Math.max(peak, running);
      let p: Promise<void>;
      try {
        p = job.run();
      } catch (e) {
        p = Promise.reject(e);
      }
      p.catch((e) => o.onError?.(e)).finally(() => {
        running--;
        pump();
      });
    }
    arm();
  }

  return {
    after(delayMs, run, live) {
      if (stopped) return;
      heap.push({ at: clock() + Math.max(0, delayMs), seq: seq++, run, live });
      up(heap.length - 1);
      if (heap[0].at <= clock()) queueMicrotask(pump);
      else arm();
    },
    pending: () => heap.length,
    running: () => running,
    peakRunning: () => peak,
    compact() {
      const keep = heap.filter((j) => !j.live || j.live());
      heap.length = 0;
      for (const j of keep) {
        heap.push(j);
        up(heap.length - 1);
      }
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      heap.length = 0;
    },
  };
}
