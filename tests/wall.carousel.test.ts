// The carousel's schedule (client/src/carousel/schedule.ts) on a fake clock, and its stops
// read from the URL; the map's density rule (client/src/map/ticketDensity.ts) and the
// ticket buffer's split of a busy day into dots and the aggregated rest.
import { describe, expect, it } from 'vitest';
import { CarouselSchedule, parseCarousel } from '../client/src/carousel/schedule.ts';
import { DOT_BUDGET, DOT_ZOOM, dotThreshold, GREEN, haloBreathes, HALO_MAX, RED, YELLOW } from '../client/src/map/ticketDensity.ts';
import { TicketBuffer } from '../client/src/live/ticketBuffer.ts';

describe('the carousel on a fake clock', () => {
  const timing = { everyMs: 60_000, quietMs: 120_000 };

  it('turns through its views every interval and round again', () => {
    const c = new CarouselSchedule(3, timing, 0);
    expect(c.tick(59_999)).toBeNull();
    expect(c.nextDueIn(59_999)).toBe(1);
    expect(c.tick(60_000)).toBe(1);
    expect(c.tick(119_999)).toBeNull();
    expect(c.tick(120_000)).toBe(2);
    expect(c.tick(180_000)).toBe(0);
  });

  it('holds while someone touches the wall and resumes a quiet time after the last touch', () => {
    const c = new CarouselSchedule(3, timing, 0);
    c.touch(50_000);
    expect(c.paused).toBe(true);
    expect(c.tick(60_000)).toBeNull(); // due, but someone is there
    c.touch(100_000); // a second touch moves the resume on
    expect(c.nextDueIn(100_000)).toBe(120_000);
    expect(c.tick(219_999)).toBeNull();
    expect(c.paused).toBe(true);
    expect(c.tick(220_000)).toBeNull(); // resumes: the view they left stays a full interval
    expect(c.paused).toBe(false);
    expect(c.index).toBe(0);
    expect(c.tick(279_999)).toBeNull();
    expect(c.tick(280_000)).toBe(1);
  });

  it('moves on one view after a long sleep, not several; a single view never turns', () => {
    const c = new CarouselSchedule(4, timing, 0);
    expect(c.tick(10 * 60_000)).toBe(1);
    expect(c.tick(10 * 60_000 + 1)).toBeNull();
    const one = new CarouselSchedule(1, timing, 0);
    expect(one.tick(600_000)).toBeNull();
  });

  it('reads its stops and timing from the URL, leaving out what is not a view', () => {
    const c = parseCarousel('?carousel=320402,320411:overdue,320412001:onTimeRate:30d:net%2Btickets,banana,320404:nokpi&every=20&quiet=45');
    expect(c?.timing).toEqual({ everyMs: 20_000, quietMs: 45_000 });
    expect(c?.views.map((v) => v.area)).toEqual(['320402', '320411', '320412001', '320404']);
    expect(c?.views[1]).toEqual({ area: '320411', kpi: 'overdue' });
    expect(c?.views[2]?.range).toBe('30d');
    expect([...(c?.views[2]?.layers ?? [])].sort()).toEqual(['net', 'tickets']);
    expect(c?.views[3]).toEqual({ area: '320404' }); // an unknown KPI is not set
    expect(parseCarousel('?carousel=320402&every=0')?.timing).toEqual({ everyMs: 60_000, quietMs: 120_000 });
    expect(parseCarousel('?area=320402')).toBeNull();
    expect(parseCarousel('?carousel=x,y')).toBeNull();
  });
});

describe('a busy day on the map at city zoom', () => {
  const tally = (green: number, yellow: number, red: number, done: number) => ({ open: [0, green, yellow, red], done });

  it('draws every ticket when zoomed in or when there are few', () => {
    expect(dotThreshold(DOT_ZOOM, tally(30_000, 8_000, 4_000, 44_000))).toBeNull();
    expect(dotThreshold(10, tally(500, 200, 100, DOT_BUDGET - 800))).toBeNull();
  });

  it('keeps the worst lights as dots within the budget and aggregates the rest', () => {
    expect(dotThreshold(10, tally(700, 200, 100, 3_000))).toBe(GREEN); // all open ones fit
    expect(dotThreshold(10, tally(30_000, 800, 300, 3_000))).toBe(YELLOW);
    expect(dotThreshold(10, tally(30_000, 8_000, 300, 3_000))).toBe(RED);
    expect(dotThreshold(10, tally(30_000, 8_000, 4_000, 44_000))).toBe(RED); // overdue always, over budget
  });

  it('lets the overdue halo breathe only where halos can be told apart', () => {
    expect(haloBreathes(10, HALO_MAX)).toBe(true);
    expect(haloBreathes(10, HALO_MAX + 1)).toBe(false);
    expect(haloBreathes(DOT_ZOOM, 4_000)).toBe(true);
    expect(haloBreathes(DOT_ZOOM, 0)).toBe(false);
  });

  it('splits the buffer: open tickets at or past the threshold as dots with their colours, every other as a position', () => {
    const buf = new TicketBuffer(4);
    const lights = ['green', 'yellow', 'red', null, 'green'] as const;
    const statuses = ['handling', 'handling', 'handling', 'closed', 'rejected'];
    lights.forEach((light, i) => buf.upsert({ id: `T${String(i + 1).padStart(10, '0')}`, lon: 119 + i, lat: 31 + i, status: statuses[i]!, light, version: 1 }));
    expect(buf.count).toBe(5);
    expect([...buf.tally().open]).toEqual([0, 1, 1, 1]);
    expect(buf.tally().done).toBe(2);
    const { dots, rest } = buf.split(YELLOW);
    expect(dots.length).toBe(2);
    expect([...dots.positions]).toEqual([120, 32, 121, 33]);
    expect([...dots.fill.subarray(4, 7)]).toEqual([255, 84, 84]); // the red one, red
    expect(rest.length).toBe(3);
    expect([...rest.positions]).toEqual([119, 31, 0, 122, 34, 0, 123, 35, 0]);
    expect(buf.split(YELLOW)).toBe(buf.split(YELLOW)); // cached while nothing changed
    expect(buf.split(RED).dots.length).toBe(1);
  });
});
