// "Today" on the wall is the China Standard Time day (UTC+8): it turns at 16:00 UTC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfDayCST, dateCST } from '../server/domain/day.ts';
import { startLocalApp, type LocalApp } from '../scripts/local-app.ts';
import { gridOf, injectAs, report, theNet } from './helpers.ts';

let clock = Date.parse('2026-11-23T15:59:59.000Z'); // 23:59:59 in Changzhou
let t: LocalApp;
let inject: Awaited<ReturnType<typeof injectAs>>;
beforeAll(async () => {
  const { net, locator } = theNet();
  t = await startLocalApp({ net, locator, listen: false, now: () => clock });
  inject = await injectAs(t);
});
afterAll(async () => t.close());

const post = (body: unknown) => inject({ method: 'POST', url: '/api/tickets', payload: body as object });

describe('the CST day', () => {
  it('starts at 16:00 UTC of the day before', () => {
    expect(new Date(startOfDayCST(Date.parse('2026-11-23T15:59:59.999Z'))).toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(new Date(startOfDayCST(Date.parse('2026-11-23T16:00:00.000Z'))).toISOString()).toBe('2026-11-23T16:00:00.000Z');
    expect(dateCST(Date.parse('2026-11-23T15:59:59.999Z'))).toBe('2026-11-23');
    expect(dateCST(Date.parse('2026-11-23T16:00:00.000Z'))).toBe('2026-11-24');
  });

  it("today's counts start again at midnight in Changzhou", async () => {
    const g = gridOf(theNet().net, '320404');
    expect((await post(report(g.label[0], g.label[1]))).json().createdAt).toBe('2026-11-23T15:59:59.000Z');
    await post(report(g.label[0], g.label[1]));
    const before = (await inject('/api/stats/today?area=320404')).json();
    expect(before).toMatchObject({ date: '2026-11-23', reported: 2 });

    clock = Date.parse('2026-11-23T16:00:00.000Z'); // 00:00:00 on the 24th
    expect((await inject('/api/stats/today?area=320404')).json()).toMatchObject({ date: '2026-11-24', reported: 0 });
    await post(report(g.label[0], g.label[1]));
    const after = (await inject('/api/stats/today?area=320404')).json();
    expect(after).toMatchObject({ date: '2026-11-24', reported: 1, byStatus: { reported: 1 } });
    expect((await inject('/api/tickets?from=2026-11-23T16:00:00Z')).json().items).toHaveLength(1);
  });
});
