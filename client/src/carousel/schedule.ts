// 轮播: an unattended wall cycles through chosen views; anyone touching it pauses the turn,
// and after a quiet time it carries on. Pure: every method takes the time, so it runs on a
// fake clock in the tests and on performance.now() on the wall (carousel/bind.ts).
//   const c = new CarouselSchedule(views.length, { everyMs: 60_000, quietMs: 120_000 }, now);
//   c.touch(now)  — someone is at the wall;  c.tick(now) → the index to show, or null;
//   c.nextDueIn(now) — when to call tick again.
import type { Kpi, LayerId, Range } from '../view.ts';
import { parseView } from '../view.ts';

export interface CarouselTiming {
  /** How long each view stays up. */
  everyMs: number;
  /** How long after the last touch the turning resumes. */
  quietMs: number;
}

export class CarouselSchedule {
  index = 0;
  paused = false;
  private nextAt: number;
  private resumeAt = 0;

  constructor(
    readonly count: number,
    readonly timing: CarouselTiming,
    now: number,
  ) {
    this.nextAt = now + timing.everyMs;
  }

  /** Someone touched the wall: hold the view they are looking at, for a quiet time from now. */
  touch(now: number): void {
    this.paused = true;
    this.resumeAt = now + this.timing.quietMs;
  }

  /** Advances the clock: the view to show now when it changes, else null. After a pause the
   * view that was up stays a full interval before the next one comes. */
  tick(now: number): number | null {
    if (this.paused) {
      if (now < this.resumeAt) return null;
      this.paused = false;
      this.nextAt = now + this.timing.everyMs;
      return null;
    }
    if (this.count < 2 || now < this.nextAt) return null;
    // A late tick (a sleeping tab) moves on one view, not several.
    this.index = (this.index + 1) % this.count;
    this.nextAt = now + this.timing.everyMs;
    return this.index;
  }

  /** ms until tick has something to do. */
  nextDueIn(now: number): number {
    return Math.max(0, (this.paused ? this.resumeAt : this.nextAt) - now);
  }
}

/** One stop of the carousel: the view's fields it sets (the others stay as they are). */
export interface CarouselView {
  area: string;
  kpi?: Kpi;
  range?: Range;
  layers?: ReadonlySet<LayerId>;
}

export interface CarouselConfig {
  views: CarouselView[];
  timing: CarouselTiming;
}

const DEFAULT_EVERY_S = 60;
const DEFAULT_QUIET_S = 120;
const MIN_S = 1;

/** From the address bar: `carousel=320402,320411:overdue,320412:onTimeRate:30d:net+tickets`
 * (area[:kpi[:range[:layers joined by +]]] per stop), `every=` seconds per view (default 60),
 * `quiet=` seconds after a touch (default 120). Null when there is no carousel; a stop whose
 * area is not a code of the net is left out. */
export function parseCarousel(search: string): CarouselConfig | null {
  const q = new URLSearchParams(search);
  const raw = q.get('carousel');
  if (!raw) return null;
  const views: CarouselView[] = [];
  for (const stop of raw.split(',')) {
    const [area = '', kpi, range, layers] = stop.split(':');
    const p = new URLSearchParams({ area });
    if (kpi) p.set('kpi', kpi);
    if (range) p.set('range', range);
    if (layers) p.set('layers', layers.split('+').join(','));
    const v = parseView(p.toString());
    if (!v.area) continue;
    views.push({
      area: v.area,
      ...(kpi && v.kpi === kpi ? { kpi: v.kpi } : {}),
      ...(range && (typeof v.range !== 'string' || v.range === range) ? { range: v.range } : {}),
      ...(layers ? { layers: v.layers } : {}),
    });
  }
  if (views.length === 0) return null;
  const seconds = (name: string, fallback: number): number => {
    const n = Number(q.get(name));
    return Number.isFinite(n) && n >= MIN_S ? n : fallback;
  };
  return { views, timing: { everyMs: seconds('every', DEFAULT_EVERY_S) * 1000, quietMs: seconds('quiet', DEFAULT_QUIET_S) * 1000 } };
}
