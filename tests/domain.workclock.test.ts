// Time limits on the working-day clock (server/domain/workclock.ts). Every expectation is
// worked out by hand from the calendar in the comment next to it; default office hours are
// 09:00–12:00 and 13:30–18:00 CST (7.5 h a day).
import { readFileSync } from 'node:fs';
import chineseDays from 'chinese-days';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CALENDAR_YEARS,
  calendarCovers,
  createWorkClock,
  defaultWorkClock as clock,
  isWorkday,
  lightOf,
  nextLightChange,
} from '../server/domain/workclock.ts';

const H = 3600_000;
const MIN = 60_000;
/** An instant given as CST wall time, e.g. cst('2026-11-20 17:00'). */
const cst = (wall: string): number => Date.parse(`${wall.replace(' ', 'T')}:00+08:00`);
/** Back to CST wall time, for readable failures. */
const wall = (ms: number): string => new Date(ms + 8 * H).toISOString().slice(0, 16).replace('T', ' ');
const add = (start: string, ms: number) => wall(clock.addWorkingMs(cst(start), ms));

describe('addWorkingMs on ordinary days', () => {
  it('crosses an ordinary weekend', () => {
    // Fri 2026-11-20 17:00: 1 h left that day (to 18:00); Sat 21 and Sun 22 are off;
    // Mon 23 from 09:00 the second hour → 10:00. (The brief guessed 10:30; with 09:00 start
    // and 1 h remaining it is 10:00 — 10:30 would need 2.5 h.)
    expect(add('2026-11-20 17:00', 2 * H)).toBe('2026-11-23 10:00');
    // Start on Saturday: counting begins Monday 09:00.
    expect(add('2026-11-21 10:00', 1 * H)).toBe('2026-11-23 10:00');
  });

  it('starts outside office hours at the next period', () => {
    expect(add('2026-11-23 12:30', 1 * H)).toBe('2026-11-23 14:30'); // lunch: from 13:30
    expect(add('2026-11-23 07:00', 1 * H)).toBe('2026-11-23 10:00'); // early: from 09:00
    expect(add('2026-11-23 19:00', 1 * H)).toBe('2026-11-24 10:00'); // evening: Tue 09:00
    expect(add('2026-11-23 23:59', 30 * MIN)).toBe('2026-11-24 09:30'); // CST midnight, not UTC's
  });

  it('splits across the lunch break and ends at the earliest instant', () => {
    // 11:30 → 12:00 is 30 min, the other 30 min from 13:30 → 14:00.
    expect(add('2026-11-23 11:30', 1 * H)).toBe('2026-11-23 14:00');
    // Exactly the morning: the limit is reached at 12:00, not at 13:30.
    expect(add('2026-11-23 09:00', 3 * H)).toBe('2026-11-23 12:00');
    expect(add('2026-11-23 09:00', 7.5 * H)).toBe('2026-11-23 18:00');
    expect(clock.addWorkingMs(cst('2026-11-23 20:00'), 0)).toBe(cst('2026-11-23 20:00'));
  });
});

describe('the 2026 Mid-autumn / National Day arrangement (chinese-days data)', () => {
  // gov.cn 2025-11 notice as held by chinese-days: 中秋 Fri 09-25..Sun 09-27 off; 国庆
  // Thu 10-01..Wed 10-07 off, with 调休 workdays Sun 09-20 and Sat 10-10.
  it('uses what the package says about those days', () => {
    expect(isWorkday(cst('2026-09-20 12:00'))).toBe(true); // Sunday, 调休 working day
    expect(isWorkday(cst('2026-09-25 12:00'))).toBe(false); // Friday, 中秋
    for (let d = 1; d <= 7; d++) expect(isWorkday(cst(`2026-10-0${d} 12:00`))).toBe(false);
    expect(isWorkday(cst('2026-10-08 12:00'))).toBe(true); // Thursday, back at work
    expect(isWorkday(cst('2026-10-10 12:00'))).toBe(true); // Saturday, 调休 working day
    expect(isWorkday(cst('2026-10-11 12:00'))).toBe(false); // ordinary Sunday
  });

  it('runs over the holiday and onto the 调休 weekend days', () => {
    // Wed 09-30 17:00: 1 h to 18:00; 10-01..10-07 off; Thu 10-08 09:00 + 1 h → 10:00.
    expect(add('2026-09-30 17:00', 2 * H)).toBe('2026-10-08 10:00');
    // Fri 10-09 17:00: 1 h; Sat 10-10 is a working day → 10:00 that Saturday
    // (the plain Monday–Friday rule would give Mon 10-12 10:00).
    expect(add('2026-10-09 17:00', 2 * H)).toBe('2026-10-10 10:00');
    // Fri 09-18 17:00: 1 h; Sat 09-19 off; Sun 09-20 is a working day → 10:00 on Sunday.
    expect(add('2026-09-18 17:00', 2 * H)).toBe('2026-09-20 10:00');
    // Thu 09-24 17:00: 1 h; Fri 09-25 中秋, weekend off → Mon 09-28 10:00.
    expect(add('2026-09-24 17:00', 2 * H)).toBe('2026-09-28 10:00');
  });

  it('a 120-hour limit across National Day', () => {
    // 120 h = 16 full days of 7.5 h from Mon 09-28 09:00. Working days: 09-28, 29, 30 (3);
    // 10-08, 09, 10 (Sat) (6); 10-12..16 (11); 10-19..23 (16) → ends Fri 10-23 18:00.
    expect(add('2026-09-28 09:00', 120 * H)).toBe('2026-10-23 18:00');
    expect(clock.workingMsBetween(cst('2026-09-28 09:00'), cst('2026-10-23 18:00'))).toBe(120 * H);
    // Only Wed 09-30 works between 09-30 00:00 and 10-08 00:00.
    expect(clock.workingMsBetween(cst('2026-09-30 00:00'), cst('2026-10-08 00:00'))).toBe(7.5 * H);
  });

  // The package's own functions build their tables in local time, so they are only right
  // when the process is at or east of UTC (see workclock.ts); cross-check there.
  const eastOfUtc = new Date(2026, 0, 1, 12).getTimezoneOffset() <= 0;
  it.runIf(eastOfUtc)('agrees with chinese-days isWorkday()/getDayDetail() on every covered day', () => {
    // What the package says about Sunday 2026-09-20 (asked as a local-noon Date):
    expect(chineseDays.getDayDetail(new Date(2026, 8, 20, 12))).toEqual({
      date: '2026-09-20',
      work: true,
      name: 'National Day,国庆节,3',
    });
    expect(chineseDays.isWorkday(new Date(2026, 9, 10, 12))).toBe(true);
    let days = 0;
    for (let y = CALENDAR_YEARS.first; y <= CALENDAR_YEARS.last; y++) {
      for (let t = Date.UTC(y, 0, 1, 4); new Date(t).getUTCFullYear() === y; t += 24 * H, days++) {
        const d = new Date(t); // 12:00 CST of that date
        const local = new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12);
        expect(isWorkday(t), d.toISOString().slice(0, 10)).toBe(chineseDays.isWorkday(local));
      }
    }
    expect(days).toBeGreaterThan(365 * 22);
  });
});

describe('calendar coverage and the Monday–Friday fallback', () => {
  it('covers the years chinese-days holds', () => {
    // chinese-days 1.5.7 holds 2004..2026 (2027 comes once the State Council announces it).
    expect(CALENDAR_YEARS.first).toBe(2004);
    expect(CALENDAR_YEARS.last).toBeGreaterThanOrEqual(2026);
    expect(calendarCovers(cst('2004-01-01 00:00'))).toBe(true);
    expect(calendarCovers(cst('2003-12-31 23:59'))).toBe(false);
    const last = CALENDAR_YEARS.last;
    // The year ends at CST midnight (16:00 UTC), not UTC midnight.
    expect(calendarCovers(Date.parse(`${last}-12-31T15:59:59.999Z`))).toBe(true);
    expect(calendarCovers(Date.parse(`${last}-12-31T16:00:00.000Z`))).toBe(false);
  });

  it('beyond the data, counts Monday to Friday and knows no holidays', () => {
    expect(calendarCovers(cst('2099-10-01 12:00'))).toBe(false);
    // Thu 2099-10-01 would be National Day, but no arrangement is known: a working day.
    expect(isWorkday(cst('2099-10-01 12:00'))).toBe(true);
    expect(isWorkday(cst('2099-10-03 12:00'))).toBe(false); // Saturday
    // Wed 2099-09-30 17:00: 1 h, then Thu 10-01 09:00 + 1 h → 10:00.
    expect(add('2099-09-30 17:00', 2 * H)).toBe('2099-10-01 10:00');
    // The first uncovered year follows the weekday rule for every day.
    const y = CALENDAR_YEARS.last + 1;
    for (let t = Date.UTC(y, 0, 1, 4); new Date(t).getUTCFullYear() === y; t += 24 * H) {
      const weekday = new Date(t).getUTCDay();
      expect(isWorkday(t)).toBe(weekday >= 1 && weekday <= 5);
    }
  });
});

describe('workingMsBetween is the inverse of addWorkingMs', () => {
  // Starts from 2025 to 2028, across covered and fallback years; limits up to 200 h.
  const instant = fc.integer({ min: cst('2025-01-01 00:00'), max: cst('2028-12-31 00:00') });
  const limit = fc.integer({ min: 0, max: 200 * H });
  const params = { seed: 20261001, numRuns: 2000 };

  it('between(s, add(s, ms)) = ms, and add gives the earliest such instant', () => {
    fc.assert(
      fc.property(instant, limit, (s, ms) => {
        const t = clock.addWorkingMs(s, ms);
        expect(clock.workingMsBetween(s, t)).toBe(ms);
        if (ms > 0) expect(clock.workingMsBetween(s, t - 1)).toBeLessThan(ms);
      }),
      params,
    );
  });

  it('add(a, between(a, b)) <= b, and between is additive', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 60 * 24 * H }), fc.integer({ min: 0, max: 60 * 24 * H }), (a, x, y) => {
        const b = a + x;
        const c = b + y;
        expect(clock.addWorkingMs(a, clock.workingMsBetween(a, b))).toBeLessThanOrEqual(b);
        expect(clock.workingMsBetween(a, c)).toBe(clock.workingMsBetween(a, b) + clock.workingMsBetween(b, c));
      }),
      params,
    );
    expect(clock.workingMsBetween(cst('2026-11-24 10:00'), cst('2026-11-23 10:00'))).toBe(0);
  });
});

describe('lights', () => {
  // Registered Mon 2026-11-23 09:00, limit 10 working hours, 1 h paused (挂起).
  // Counted = worked − 1 h. Yellow at counted 8 h (80 %) → worked 9 h: Mon gives 7.5 h,
  // Tue 09:00 + 1.5 h → Tue 10:30. Red at counted 10 h → worked 11 h: Tue 09:00 + 3.5 h =
  // 3 h to 12:00 + 30 min from 13:30 → Tue 14:00. (Unpaused, yellow would be Tue 09:30.)
  const base = { start: cst('2026-11-23 09:00'), limitWorkingMs: 10 * H, pausedWorkingMs: 1 * H };
  const at = (now: string) => ({ ...base, now: cst(now) });

  it('green → yellow at exactly 80 % → red at 100 %, the pause not counted', () => {
    expect(lightOf(at('2026-11-23 09:00'), clock)).toBe('green');
    expect(lightOf(at('2026-11-23 23:00'), clock)).toBe('green');
    expect(lightOf({ ...at('2026-11-24 10:30'), now: cst('2026-11-24 10:30') - 1 }, clock)).toBe('green');
    expect(lightOf(at('2026-11-24 10:30'), clock)).toBe('yellow');
    expect(lightOf(at('2026-11-24 12:45'), clock)).toBe('yellow'); // lunch: time stands still
    expect(lightOf({ ...at('2026-11-24 14:00'), now: cst('2026-11-24 14:00') - 1 }, clock)).toBe('yellow');
    expect(lightOf(at('2026-11-24 14:00'), clock)).toBe('red');
    expect(lightOf(at('2027-06-01 09:00'), clock)).toBe('red');
    // Without the pause the same ticket turns yellow at Tue 09:30.
    expect(lightOf({ ...at('2026-11-24 09:30'), pausedWorkingMs: 0 }, clock)).toBe('yellow');
    expect(lightOf({ ...at('2026-11-24 09:30'), pausedWorkingMs: 0, now: cst('2026-11-24 09:30') - 1 })).toBe('green');
  });

  it('nextLightChange gives exactly those instants, then null', () => {
    expect(nextLightChange(at('2026-11-23 09:00'), clock)).toBe(cst('2026-11-24 10:30'));
    expect(nextLightChange(at('2026-11-23 20:00'), clock)).toBe(cst('2026-11-24 10:30'));
    expect(nextLightChange(at('2026-11-24 10:30'), clock)).toBe(cst('2026-11-24 14:00'));
    expect(nextLightChange(at('2026-11-24 12:45'), clock)).toBe(cst('2026-11-24 14:00'));
    expect(nextLightChange(at('2026-11-24 14:00'), clock)).toBeNull();
  });

  it('the light at the announced instant is the next colour, for random tickets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: cst('2026-01-01 00:00'), max: cst('2027-12-31 00:00') }),
        fc.integer({ min: 1, max: 120 * H }),
        fc.integer({ min: 0, max: 20 * H }),
        fc.integer({ min: 0, max: 300 * H }),
        (start, limitWorkingMs, pausedWorkingMs, offset) => {
          const s = { start, limitWorkingMs, pausedWorkingMs, now: start + offset };
          const light = lightOf(s);
          const next = nextLightChange(s);
          if (light === 'red') {
            expect(next).toBeNull();
            return;
          }
          expect(next).toBeGreaterThan(s.now);
          expect(lightOf({ ...s, now: next! - 1 })).toBe(light);
          expect(lightOf({ ...s, now: next! })).not.toBe(light);
        },
      ),
      { seed: 80, numRuns: 1000 },
    );
  });
});

describe('configuration and hygiene', () => {
  it('takes other office hours and rejects nonsense', () => {
    const straight = createWorkClock({ periods: [[8 * 60, 17 * 60]] }); // 9 h, no lunch
    expect(straight.workdayMs).toBe(9 * H);
    // Fri 2026-11-20 16:00: 1 h to 17:00; Mon 08:00 + 1 h → 09:00.
    expect(wall(straight.addWorkingMs(cst('2026-11-20 16:00'), 2 * H))).toBe('2026-11-23 09:00');
    expect(() => createWorkClock({ periods: [] })).toThrow(RangeError);
    expect(() => createWorkClock({ periods: [[13 * 60, 12 * 60]] })).toThrow(RangeError);
    expect(() => createWorkClock({ periods: [[9 * 60, 12 * 60], [11 * 60, 14 * 60]] })).toThrow(RangeError);
    expect(() => clock.addWorkingMs(Number.NaN, H)).toThrow(RangeError);
    expect(() => clock.addWorkingMs(0, -1)).toThrow(RangeError);
  });

  it('never reads the real clock', () => {
    const src = readFileSync(new URL('../server/domain/workclock.ts', import.meta.url), 'utf8');
    expect(src).not.toMatch(/Date\.now|new Date\(\s*\)|performance\.now/);
  });

  it('100,000 limits of 24–120 h complete (steps by periods and days)', () => {
    let seed = 12345; // a small LCG: deterministic and cheap
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const from = cst('2025-01-01 00:00');
    const t0 = performance.now();
    let check = 0;
    for (let i = 0; i < 100_000; i++) {
      const start = from + Math.floor(rand() * 3 * 365 * 24 * H);
      check += clock.addWorkingMs(start, 24 * H + Math.floor(rand() * 96 * H)) - start;
    }
    const ms = Math.round(performance.now() - t0);
    expect(check).toBeGreaterThan(0);
    console.log(JSON.stringify({ test: 'workclock', calls: 100_000, ms }));
  });
});
