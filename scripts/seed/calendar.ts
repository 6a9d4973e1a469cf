// When a seeded history's reports come in: how many per CST day and channel, and at which
// instants, in time order. Daily rhythm per channel (grid workers patrol by day, the 12345
// hotline and cameras also by night), weekends and public holidays lower (the working-day
// clock's calendar, server/domain/workclock.ts), a summer bump and a slow growth over the
// year as the net is used more. The counts add up to exactly `count`.
import { dayCST, dayStartMs } from '../../server/domain/day.ts';
import type { WorkClock } from '../../server/domain/workclock.ts';
import type { Source } from '../../server/domain/ticket.ts';
import { SOURCE_MIX } from '../../server/sim/reports.ts';
import type { Rand } from './world.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Weight of each CST hour 0–23, per channel. */
const HOURS: Record<Source, number[]> = {
  patrol: [0, 0, 0, 0, 0, 0.02, 0.1, 0.6, 1.6, 2.2, 2.0, 1.4, 0.5, 0.9, 1.8, 2.0, 1.7, 1.0, 0.4, 0.2, 0.15, 0.1, 0.04, 0.01],
  hotline: [0.3, 0.2, 0.12, 0.1, 0.1, 0.2, 0.5, 1.0, 1.8, 2.1, 2.0, 1.6, 1.1, 1.3, 1.8, 1.9, 1.7, 1.4, 1.1, 1.0, 0.9, 0.75, 0.6, 0.45],
  citizen: [0.25, 0.15, 0.1, 0.08, 0.08, 0.15, 0.4, 0.9, 1.3, 1.5, 1.5, 1.4, 1.3, 1.2, 1.3, 1.4, 1.4, 1.5, 1.6, 1.7, 1.6, 1.3, 0.9, 0.5],
  camera: [0.5, 0.4, 0.35, 0.3, 0.3, 0.4, 0.7, 1.2, 1.5, 1.5, 1.4, 1.3, 1.3, 1.3, 1.4, 1.4, 1.5, 1.6, 1.5, 1.3, 1.1, 0.9, 0.7, 0.6],
  department: [0, 0, 0, 0, 0, 0, 0, 0.05, 0.4, 1.6, 2.0, 1.8, 0.3, 0.3, 1.5, 2.0, 1.8, 1.0, 0.2, 0.02, 0, 0, 0, 0],
};
/** Weekday factors (Sunday first) on working days. */
const WEEKDAY = [0.9, 1.08, 1.03, 1.0, 1.0, 0.95, 0.9];
/** Days off: weekends and public holidays, per channel. */
const WEEKEND: Record<Source, number> = { patrol: 0.35, hotline: 0.75, citizen: 0.9, camera: 1.0, department: 0.1 };
const HOLIDAY: Record<Source, number> = { patrol: 0.2, hotline: 0.55, citizen: 0.7, camera: 0.9, department: 0.05 };

const SOURCES = SOURCE_MIX.map((s) => s[0]);
const cumulative = (w: number[]) => w.reduce<number[]>((acc, x) => (acc.push((acc.at(-1) ?? 0) + x), acc), []);
const CUM = Object.fromEntries(SOURCES.map((s) => [s, cumulative(HOURS[s])])) as Record<Source, number[]>;

/** Share of a channel's day that lies before `msIntoDay`. */
function elapsedShare(s: Source, msIntoDay: number): number {
  const h = Math.floor(msIntoDay / HOUR);
  if (h >= 24) return 1;
  const c = CUM[s];
  return ((h > 0 ? c[h - 1] : 0) + (HOURS[s][h] * (msIntoDay - h * HOUR)) / HOUR) / c[23];
}

/** An instant of the day by the channel's profile, within the first `share` of it. */
function instantIn(s: Source, dayStart: number, share: number, rand: Rand): number {
  const c = CUM[s];
  const x = rand() * share * c[23];
  let h = 0;
  while (h < 23 && c[h] <= x) h++;
  const before = h > 0 ? c[h - 1] : 0;
  return dayStart + h * HOUR + Math.floor(((x - before) / HOURS[s][h]) * HOUR);
}

export interface Schedule {
  firstDay: number;
  lastDay: number;
  /** Reports per day (index: day − firstDay). */
  perDay: Int32Array;
  /** The reports of one day, in time order. */
  day(day: number): { at: Float64Array; source: Source[] };
}

/** `count` reports over the 12 months of CST days ending with the one holding `endMs`
 * (exclusive: nothing at or after `endMs`). */
export function schedule(count: number, endMs: number, clock: WorkClock, rand: Rand): Schedule {
  const lastDay = dayCST(endMs - 1);
  const firstDay = lastDay - 364;
  const n = lastDay - firstDay + 1;
  const share = Object.fromEntries(SOURCE_MIX) as Record<Source, number>;
  // Expected reports per (day, channel); allocated to whole numbers by largest remainder.
  const w = new Float64Array(n * SOURCES.length);
  let total = 0;
  for (let d = 0; d < n; d++) {
    const start = dayStartMs(firstDay + d);
    const weekday = (((firstDay + d + 4) % 7) + 7) % 7; // day 0 was a Thursday
    const work = clock.isWorkday(start);
    const holiday = !work && weekday >= 1 && weekday <= 5;
    const season = 1 + 0.08 * Math.sin((2 * Math.PI * (dayOfYear(start) - 100)) / 365);
    const trend = 0.92 + (0.16 * d) / n;
    SOURCES.forEach((s, k) => {
      const off = work ? WEEKDAY[weekday] : holiday ? HOLIDAY[s] : WEEKEND[s];
      const part = start + DAY > endMs ? elapsedShare(s, endMs - start) : 1;
      total += w[d * SOURCES.length + k] = share[s] * off * season * trend * part;
    });
  }
  const cells = new Int32Array(w.length);
  const rest: number[] = [];
  let given = 0;
  for (let i = 0; i < w.length; i++) {
    const x = (w[i] / total) * count;
    cells[i] = Math.floor(x);
    given += cells[i];
    rest.push(i);
  }
  const frac = (i: number) => (w[i] / total) * count - cells[i];
  rest.sort((a, b) => frac(b) - frac(a) || a - b);
  for (let j = 0; given < count; j++, given++) cells[rest[j % rest.length]]++;
  const perDay = new Int32Array(n);
  for (let d = 0; d < n; d++) for (let k = 0; k < SOURCES.length; k++) perDay[d] += cells[d * SOURCES.length + k];

  return {
    firstDay, lastDay, perDay,
    day(day) {
      const d = day - firstDay;
      const start = dayStartMs(day);
      const list: { at: number; s: number }[] = [];
      SOURCES.forEach((s, k) => {
        const part = start + DAY > endMs ? elapsedShare(s, endMs - start) : 1;
        for (let j = cells[d * SOURCES.length + k]; j > 0; j--) list.push({ at: Math.min(instantIn(s, start, part, rand), endMs - 1), s: k });
      });
      list.sort((a, b) => a.at - b.at || a.s - b.s);
      return { at: Float64Array.from(list, (x) => x.at), source: list.map((x) => SOURCES[x.s]) };
    },
  };
}

function dayOfYear(ms: number): number {
  const d = new Date(ms + 8 * HOUR);
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY);
}
