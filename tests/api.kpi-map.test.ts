// GET /api/kpi/map: the choropleth's figures per child area, on a seeded year of history
// (3,000 tickets to 2026-11-20, seed 7). Every child's figures equal GET /api/kpi?area=<child>
// for the same range, and its open count equals a count of its open tickets; a street's
// account reads only under its street; bad input is a 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedHistory } from '../scripts/seed/history.ts';
import { startLocalApp, type LocalApp } from '../scripts/local-app.ts';
import { dayCST, dayStartMs } from '../server/domain/day.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import { STATUS_CODES } from '../server/domain/ticket.ts';
import { CLOSED_STATUSES } from '../server/domain/open311.ts';
import type { Grid } from '../server/net/types.ts';
import { theNet } from './helpers.ts';

const END_DATE = '2026-11-20';
const END = dayStartMs(dayCST(Date.parse(`${END_DATE}T00:00:00+08:00`)) + 1);
const RANGE = 'from=2026-10-01&to=2026-11-20';
let dir: string;
let t: LocalApp;
let admin: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'one-net-kpimap-'));
  await seedHistory({ dir, count: 3_000, seed: 7, endMs: END });
  t = await startLocalApp({ dir, net: theNet().net, locator: theNet().locator, listen: false, now: () => END - 60_000 });
  admin = (await t.as('admin')).headers;
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, headers = admin) => t.app.inject({ url, headers });
const OPEN = STATUS_CODES.filter((s) => !CLOSED_STATUSES.includes(s));

describe('GET /api/kpi/map', () => {
  // The city, a district, its busiest street and that street's busiest community.
  it('answers, per child of every level, what /api/kpi answers for that child', async () => {
    const areas = [CITY_CODE];
    for (let i = 0; i < 3; i++) {
      const res = await get(`/api/kpi/map?area=${areas[i]}&${RANGE}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ area: areas[i], from: '2026-10-01', to: '2026-11-20' });
      expect(body.children.map((c: { code: string }) => c.code)).toEqual(theNet().net.areas.get(areas[i])!.children);
      const busiest = [...body.children].sort((a, b) => b.received - a.received)[0];
      areas.push(busiest.code);
      expect(busiest.received).toBeGreaterThan(0);
      let open = 0;
      for (const c of body.children) {
        const k = (await get(`/api/kpi?area=${c.code}&${RANGE}`)).json();
        expect(c, c.code).toMatchObject({
          received: k.received, registered: k.registered, closed: k.closed, supervised: k.supervised,
          closureRate: k.closureRate, onTimeRate: k.onTimeRate, overdueNow: k.overdueNow,
        });
        expect(c.open, c.code).toBe(await t.store.countWhere({ area: c.code, statuses: OPEN }));
        const households = [...theNet().net.areas.values()].filter((a) => a.level === 'grid' && a.code.startsWith(c.code)).reduce((n, g) => n + (g as Grid).households, 0);
        expect(c.households).toBe(households);
        expect(c.perThousandHouseholds).toBeCloseTo((c.received / households) * 1000, 2);
        open += c.open;
      }
      // The seeded year leaves open tickets: the open counts are not all zero.
      if (i === 0) expect(open).toBeGreaterThan(0);
    }
    // A community's grids.
    const grids = (await get(`/api/kpi/map?area=${areas[3]}&${RANGE}`)).json();
    expect(grids.children.length).toBe(theNet().net.areas.get(areas[3])!.children.length);
    expect(grids.children.every((c: { code: string }) => c.code.length === 15)).toBe(true);
  }, 60_000);

  it('keeps a street account to its street', async () => {
    const street = [...theNet().net.areas.values()].find((a) => a.level === 'street' && a.code.startsWith('320402'))!;
    const leader = (await t.as('leader', street.code)).headers;
    expect((await get(`/api/kpi/map?area=${street.code}&${RANGE}`, leader)).statusCode).toBe(200);
    const own = (await get(`/api/kpi/map?${RANGE}`, leader)).json();
    expect(own.area).toBe(street.code);
    for (const other of ['320404', CITY_CODE, '320402']) {
      const res = await get(`/api/kpi/map?area=${other}&${RANGE}`, leader);
      expect(res.statusCode, other).toBe(403);
    }
    expect((await get(`/api/kpi/map?area=320402`, (await t.as('worker', street.code)).headers)).statusCode).toBe(403);
  });

  it('answers bad input with a 4xx naming the field', async () => {
    const cases: [string, number, RegExp][] = [
      ['area=abc', 400, /area/],
      ['area=320499', 404, /area/],
      ['from=2026-13-01', 400, /from/],
      ['to=2026-02-30', 400, /to/],
      ['from=2026-11-20&to=2026-11-01', 400, /from/],
      ['colour=red', 400, /colour|additional/],
      [`area=${(theNet().net.areas.get('320402001')!.children.map((c) => theNet().net.areas.get(c)!.children[0]))[0]}`, 400, /area/],
    ];
    for (const [q, status, field] of cases) {
      const res = await get(`/api/kpi/map?${q}`);
      expect(res.statusCode, q).toBe(status);
      expect(res.json(), q).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.stringMatching(field) });
    }
  });
});
