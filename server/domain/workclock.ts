// The working-day clock: ticket time limits (办理时限) count WORKING time on the real
// Chinese calendar — statutory holidays off, 调休 make-up weekends on — in China Standard
// Time, whatever the machine's TZ. Pure functions of their arguments: no I/O, no real clock.
import { createRequire } from 'node:module';
import { dateCST, startOfDayCST } from './day.ts';

const CST_OFFSET_MS = 8 * 3600_000; // same constants as day.ts (not exported there)
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

// The calendar comes from the maintained `chinese-days` package, but from its prebuilt
// table (dist/chinese-days.json: date -> holiday name, date -> 调休 workday name), not from
// its isWorkday(): the functions build their tables at load time with local-time Date
// arithmetic, so in a process west of UTC every entry shifts by a day (checked with
// TZ=America/New_York: it calls Sunday 2026-09-20 and Saturday 2026-10-10 days off). The
// JSON is keyed by plain 'YYYY-MM-DD' strings and is what those functions would read under
// UTC+8; the test cross-checks the two where the package's functions are trustworthy.
interface CalendarTable {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}
const table = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as CalendarTable;

// The package only holds years whose arrangement the State Council has announced (each
// November for the next year). Coverage is derived from the data, never typed in, so an
// `npm update` that adds a year extends it.
const years = [...Object.keys(table.holidays), ...Object.keys(table.workdays)].map((d) => Number(d.slice(0, 4)));
/** First and last calendar years the package's data covers (2004 and 2026 in chinese-days 1.5.7). */
export const CALENDAR_YEARS = Object.freeze({ first: Math.min(...years), last: Math.max(...years) });

const dayNumber = (ms: number): number => Math.round((startOfDayCST(ms) + CST_OFFSET_MS) / DAY_MS);
const cstYear = (ms: number): number => Number(dateCST(ms).slice(0, 4));

/** Whether the package's calendar data covers the CST day containing `ms`. */
export function calendarCovers(ms: number): boolean {
  const y = cstYear(ms);
  return y >= CALENDAR_YEARS.first && y <= CALENDAR_YEARS.last;
}

// One decision per CST day, computed once: the clock asks about the same few hundred days
// millions of times. Capped so a stream of absurd inputs cannot grow it without bound.
const workdayCache = new Map<number, boolean>();
const CACHE_CAP = 200_000; // ~550 years of days

/**
 * Whether the CST day containing `ms` is a working day: the package's holidays and 调休
 * workdays inside its covered years; beyond them plain Monday–Friday, because unannounced
 * holidays cannot be known (limits running into such a year are re-timed once it is).
 */
export function isWorkday(ms: number): boolean {
  const n = dayNumber(ms);
  let work = workdayCache.get(n);
  if (work === undefined) {
    const weekday = (((n + 4) % 7) + 7) % 7; // day 0 (1970-01-01) was a Thursday; 0 = Sunday
    const weekdayRule = weekday >= 1 && weekday <= 5;
    if (calendarCovers(ms)) {
      const date = dateCST(ms);
      work = date in table.workdays ? true : date in table.holidays ? false : weekdayRule;
    } else {
      work = weekdayRule;
    }
    if (workdayCache.size >= CACHE_CAP) workdayCache.clear();
    workdayCache.set(n, work);
  }
  return work;
}

/** An office period as [start, end) in minutes after CST midnight. */
export type Period = readonly [number, number];

/**
 * Default office hours: 09:00–12:00 and 13:30–18:00 CST, 7.5 h a day — a typical
 * government-office day with a 90-minute lunch break, which does not count toward a
 * limit. It is a project default, not a regulation: deployments whose departments keep
 * other hours (summer/winter timetables) pass their own with createWorkClock({ periods }).
 */
export const DEFAULT_PERIODS: readonly Period[] = [
  [9 * 60, 12 * 60],
  [13 * 60 + 30, 18 * 60],
];

export interface WorkClock {
  readonly periods: readonly Period[];
  /** Working ms in one full working day. */
  readonly workdayMs: number;
  isWorkday(ms: number): boolean;
  calendarCovers(ms: number): boolean;
  /** The earliest instant at which `ms` of working time has elapsed since `start`. */
  addWorkingMs(start: number, ms: number): number;
  /** Working time inside [a, b); 0 if b <= a. */
  workingMsBetween(a: number, b: number): number;
}

function finite(name: string, v: number): number {
  if (!Number.isFinite(v)) throw new RangeError(`${name} must be a finite number, got ${v}`);
  return v;
}

export function createWorkClock(opts: { periods?: readonly Period[] } = {}): WorkClock {
  const periods = (opts.periods ?? DEFAULT_PERIODS).map(([s, e]) => [s, e] as const);
  if (periods.length === 0) throw new RangeError('at least one office period is needed');
  periods.forEach(([s, e], i) => {
    const prevEnd = i === 0 ? 0 : periods[i - 1][1];
    if (!(Number.isInteger(s) && Number.isInteger(e) && s >= prevEnd && s < e && e <= 24 * 60)) {
      throw new RangeError(`office periods must be ordered, disjoint [start, end) minutes within the day: ${JSON.stringify(periods)}`);
    }
  });
  const spans = periods.map(([s, e]) => [s * MINUTE_MS, e * MINUTE_MS] as const); // ms after midnight
  const workdayMs = spans.reduce((sum, [s, e]) => sum + e - s, 0);

  function addWorkingMs(start: number, ms: number): number {
    finite('start', start);
    if (!(finite('ms', ms) >= 0)) throw new RangeError(`ms must be >= 0, got ${ms}`);
    if (ms === 0) return start;
    let remaining = ms;
    let day = startOfDayCST(start);
    // The first (possibly partial) day period by period; after it whole days at once, so a
    // 120-hour limit is ~16 working days of steps, not 7,200 minutes.
    if (isWorkday(day)) {
      for (const [s, e] of spans) {
        const from = Math.max(start, day + s);
        const to = day + e;
        if (from >= to) continue;
        if (remaining <= to - from) return from + remaining;
        remaining -= to - from;
      }
    }
    for (;;) {
      day += DAY_MS; // CST has no DST: every day is exactly DAY_MS long
      if (!isWorkday(day)) continue;
      if (remaining > workdayMs) {
        remaining -= workdayMs;
        continue;
      }
      for (const [s, e] of spans) {
        if (remaining <= e - s) return day + s + remaining;
        remaining -= e - s;
      }
    }
  }

  function workingMsBetween(a: number, b: number): number {
    finite('a', a);
    finite('b', b);
    if (b <= a) return 0;
    let total = 0;
    for (let day = startOfDayCST(a); day < b; day += DAY_MS) {
      if (!isWorkday(day)) continue;
      if (day >= a && day + DAY_MS <= b) {
        total += workdayMs; // a whole day inside [a, b)
        continue;
      }
      for (const [s, e] of spans) {
        const from = Math.max(a, day + s);
        const to = Math.min(b, day + e);
        if (to > from) total += to - from;
      }
    }
    return total;
  }

  return { periods, workdayMs, isWorkday, calendarCovers, addWorkingMs, workingMsBetween };
}

/** The clock with the default office hours. */
export const defaultWorkClock: WorkClock = createWorkClock();

// ---- Lights (DOMAIN.md: green within the limit, yellow past 80 %, red overdue) ----

export type Light = 'green' | 'yellow' | 'red';

export interface LimitState {
  /** When the limit started running (registration, 立案), epoch ms. */
  start: number;
  /** The time limit in working ms. */
  limitWorkingMs: number;
  now: number;
  /** Working time spent paused (e.g. 挂起, waiting on the reporter) that does not count. */
  pausedWorkingMs?: number;
}

// Yellow from 80 % of the limit on. Compared in integers (elapsed*5 >= limit*4) so "exactly
// 80 %" has no float rounding; the instant itself is the first whole ms at or past 80 %.
const yellowAt = (limit: number): number => Math.ceil((limit * 4) / 5);

function check({ start, limitWorkingMs, now, pausedWorkingMs = 0 }: LimitState) {
  finite('start', start);
  finite('now', now);
  if (!(finite('limitWorkingMs', limitWorkingMs) >= 0)) throw new RangeError('limitWorkingMs must be >= 0');
  if (!(finite('pausedWorkingMs', pausedWorkingMs) >= 0)) throw new RangeError('pausedWorkingMs must be >= 0');
  return { start, limit: limitWorkingMs, now, paused: pausedWorkingMs };
}

/** The light of a running limit at `now`: counted time = working time since start − paused. */
export function lightOf(state: LimitState, clock: WorkClock = defaultWorkClock): Light {
  const { start, limit, now, paused } = check(state);
  const counted = clock.workingMsBetween(start, now) - paused;
  if (counted >= limit) return 'red';
  if (counted >= yellowAt(limit)) return 'yellow';
  return 'green';
}

/**
 * The instant the light will next change — the 80 % instant while green, the 100 % instant
 * while yellow, null once red — assuming no further pause (a scheduler re-asks when a ticket
 * is paused or resumed). At the returned instant lightOf already gives the new colour.
 */
export function nextLightChange(state: LimitState, clock: WorkClock = defaultWorkClock): number | null {
  const { start, limit, paused } = check(state);
  const light = lightOf(state, clock);
  if (light === 'red') return null;
  return clock.addWorkingMs(start, (light === 'green' ? yellowAt(limit) : limit) + paused);
}
