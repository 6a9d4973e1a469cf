// `npm run seed:history` (scripts/seed/history.ts) on a small history: 3,000 tickets over the
// year to 2026-11-20, seed 7. The same seed and end give the same store, on the worker
// thread or not; its KPI counters equal a recount from its timelines; the loop's unusual
// paths are all there; weekends are quieter; and the server starts on it and answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedHistory, StoreNotEmptyError, type SeedResult } from '../scripts/seed/history.ts';
import { startLocalApp } from '../scripts/local-app.ts';
import { openSqliteStores } from '../server/store/sqlite.ts';
import { dateCST, dayCST, dayStartMs } from '../server/domain/day.ts';
import { loadDepartments } from '../server/domain/departments.ts';
import { loadCatalogue } from '../server/domain/catalogue.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import { theNet } from './helpers.ts';

const COUNT = 3_000;
const SEED = 7;
const END_DATE = '2026-11-20';
const END = dayStartMs(dayCST(Date.parse(`${END_DATE}T00:00:00+08:00`)) + 1); // midnight after it
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'one-net-seed-'));
  dirs.push(d);
  return d;
};
let dir: string;
let first: SeedResult;

/** Every row of every table (the FTS index's own tables included), in a stable order. */
function digest(d: string): string {
  const stores = openSqliteStores(d);
  try {
    const db = stores.db;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    const h = createHash('sha256');
    for (const name of tables) {
      h.update(`\u0000${name}\u0000`);
      const rows = (db.prepare(`SELECT * FROM "${name}"`).raw().all() as unknown[][]).map((r) => JSON.stringify(r, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
      for (const row of rows.sort()) h.update(row);
    }
    return h.digest('hex');
  } finally {
    stores.close();
  }
}

beforeAll(async () => {
  dir = tempDir();
  first = await seedHistory({ dir, count: COUNT, seed: SEED, endMs: END });
}, 120_000);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('seed:history', () => {
  it('writes the tickets asked for, and the same store for the same seed and end (worker thread or not, --fresh)', async () => {
    expect(first).toMatchObject({ seed: 'history', tickets: COUNT });
    expect(first.timeline).toBeGreaterThan(COUNT * 5);
    expect(first.kpiRows).toBeGreaterThan(1000);
    expect(first.dbBytes).toBeGreaterThan(0);
    const want = digest(dir);
    const again = tempDir();
    await seedHistory({ dir: again, count: COUNT, seed: SEED, endMs: END });
    expect(digest(again)).toBe(want);
    // On this thread, over a store deleted first: still the same.
    await seedHistory({ dir: again, count: COUNT, seed: SEED, endMs: END, fresh: true, threads: false });
    expect(digest(again)).toBe(want);
    // Another seed: another history.
    const other = tempDir();
    await seedHistory({ dir: other, count: COUNT, seed: SEED + 1, endMs: END });
    expect(digest(other)).not.toBe(want);
  }, 120_000);

  it('refuses a store that already holds tickets', async () => {
    await expect(seedHistory({ dir, count: 10, seed: SEED, endMs: END })).rejects.toBeInstanceOf(StoreNotEmptyError);
  });

  it('keeps KPI counters equal to a recount from the timelines, and plausible figures', () => {
    const stores = openSqliteStores(dir);
    try {
      const db = stores.db;
      const catalogue = loadCatalogue(loadDepartments());
      const rows = db.prepare('SELECT tl.ticket, tl.at, tl.action, tl.from_status, tl.to_status, tl.data, t.grid_code FROM timeline tl JOIN tickets t ON t.seq = tl.ticket ORDER BY tl.seq').all() as
        { ticket: number; at: number; action: string; from_status: string | null; to_status: string; data: string | null; grid_code: string }[];
      const recount = (area: string | null, department: string | null, fromDay: number, toDay: number) => {
        // The department a ticket had at each entry, replayed from the entries' data.
        const depNow = new Map<number, string | null>();
        const c = { received: 0, registered: 0, rejected: 0, closed: 0, closed_on_time: 0, supervised: 0, returned: 0, escalated: 0, reopened: 0, rework: 0 };
        for (const e of rows) {
          const data = e.data ? JSON.parse(e.data) : {};
          if (e.action === 'verify') depNow.set(e.ticket, data.suggested.department);
          if (e.action === 'self_handle') depNow.set(e.ticket, catalogue.byCode.get(data.item)!.department);
          if (e.action === 'dispatch') depNow.set(e.ticket, data.department);
          const day = dayCST(e.at);
          if (day < fromDay || day >= toDay) continue;
          if (area !== null && area !== CITY_CODE && !e.grid_code.startsWith(area)) continue;
          if (department !== null && depNow.get(e.ticket) !== department) continue;
          if (e.action === 'report') c.received++;
          if (e.action === 'verify' || e.action === 'self_handle') c.registered++;
          if (e.action === 'reject') c.rejected++;
          if (e.to_status === 'closed' && e.from_status !== 'closed') (c.closed++, data.onTime && c.closed_on_time++);
          if (e.action === 'supervise') c.supervised++;
          if (e.action === 'return') c.returned++;
          if (e.action === 'escalate') c.escalated++;
          if (e.action === 'reopen') c.reopened++;
          if (e.action === 'check' && e.to_status === 'handling') c.rework++;
        }
        return c;
      };
      const sums = db.prepare(`SELECT coalesce(sum(received), 0) AS received, coalesce(sum(registered), 0) AS registered, coalesce(sum(rejected), 0) AS rejected,
        coalesce(sum(closed), 0) AS closed, coalesce(sum(closed_on_time), 0) AS closed_on_time, coalesce(sum(supervised), 0) AS supervised,
        coalesce(sum(returned), 0) AS returned, coalesce(sum(escalated), 0) AS escalated, coalesce(sum(reopened), 0) AS reopened, coalesce(sum(rework), 0) AS rework
        FROM kpi WHERE dim = ? AND key = ? AND day >= ? AND day < ?`);
      const busiest = db.prepare('SELECT grid_code FROM tickets GROUP BY grid_code ORDER BY count(*) DESC, grid_code LIMIT 1').pluck().get() as string;
      const department = db.prepare("SELECT department FROM tickets WHERE department IS NOT NULL GROUP BY department ORDER BY count(*) DESC LIMIT 1").pluck().get() as string;
      const lastDay = dayCST(END - 1);
      const ranges = [[lastDay - 364, lastDay + 1], [lastDay - 60, lastDay - 30]];
      let compared = 0;
      for (const [from, to] of ranges) {
        for (const area of [CITY_CODE, busiest.slice(0, 6), busiest.slice(0, 9), busiest]) {
          expect(sums.get('area', area, from, to), `area ${area} ${from}…${to}`).toEqual(recount(area, null, from, to));
          compared++;
        }
        expect(sums.get('department', department, from, to), `department ${department}`).toEqual(recount(null, department, from, to));
        compared++;
      }
      expect(compared).toBe(10);

      const year = recount(CITY_CODE, null, lastDay - 364, lastDay + 1);
      expect(year.received).toBe(COUNT);
      const closure = year.closed / year.registered;
      expect(closure).toBeGreaterThanOrEqual(0.97);
      expect(closure).toBeLessThanOrEqual(1);
      expect(year.closed_on_time / year.closed).toBeGreaterThan(0.85);
    } finally {
      stores.close();
    }
  });

  it('takes every unusual path of the loop, leaves a small open tail, and is quieter at weekends', () => {
    const stores = openSqliteStores(dir);
    try {
      const db = stores.db;
      const n = (sql: string, ...p: unknown[]) => db.prepare(sql).pluck().get(...p) as number;
      for (const reason of ['invalid', 'duplicate', 'out_of_scope']) expect(n('SELECT count(*) FROM tickets WHERE reject_reason = ?', reason), reason).toBeGreaterThan(0);
      for (const action of ['self_handle', 'return', 'request_extension', 'approve_extension', 'deny_extension', 'escalate', 'remind', 'rate', 'reopen', 'attach']) {
        expect(n('SELECT count(*) FROM timeline WHERE action = ?', action), action).toBeGreaterThan(0);
      }
      expect(n("SELECT count(*) FROM timeline WHERE action = 'check' AND to_status = 'handling'"), 'rework').toBeGreaterThan(0);
      expect(n("SELECT count(*) FROM timeline WHERE action = 'supervise' AND role = 'system'"), 'automatic 督办').toBeGreaterThan(0);
      expect(n("SELECT count(*) FROM timeline WHERE action = 'supervise' AND role = 'dispatcher'"), '督办 by a dispatcher').toBeGreaterThan(0);
      expect(n("SELECT count(*) FROM tickets WHERE status = 'closed'") / COUNT).toBeGreaterThan(0.9);
      const open = n("SELECT count(*) FROM tickets WHERE status NOT IN ('closed', 'rejected')");
      expect(open).toBeGreaterThan(0);
      expect(open / COUNT).toBeLessThan(0.03);
      expect(n('SELECT count(*) FROM tickets WHERE deadline_at IS NOT NULL AND deadline_at <= ?', END), 'overdue now').toBeGreaterThan(0);
      // Each step is one act(): a version per entry after the report; the last entry says where it is.
      expect(n("SELECT count(*) FROM tickets t WHERE version != 1 + (SELECT count(*) FROM timeline WHERE ticket = t.seq AND action != 'report')")).toBe(0);
      expect(n('SELECT count(*) FROM tickets t WHERE status != (SELECT to_status FROM timeline WHERE ticket = t.seq ORDER BY seq DESC LIMIT 1)')).toBe(0);
      // Timeline sequences follow time, as in production; nothing after the end.
      expect(n('SELECT count(*) FROM timeline a JOIN timeline b ON b.seq = a.seq + 1 WHERE b.at < a.at')).toBe(0);
      expect(n('SELECT max(at) FROM timeline')).toBeLessThan(END);
      expect(n('SELECT count(*) FROM ticket_text')).toBe(COUNT);

      const perDay = db.prepare('SELECT created_at FROM tickets').pluck().all() as number[];
      const byDay = new Map<number, number>();
      for (const at of perDay) byDay.set(dayCST(at), (byDay.get(dayCST(at)) ?? 0) + 1);
      const weekday = (day: number) => new Date(dayStartMs(day) + 8 * 3_600_000).getUTCDay();
      const mean = (weekend: boolean) => {
        const days = [...Array(365).keys()].map((i) => dayCST(END - 1) - i).filter((d) => (weekday(d) === 0 || weekday(d) === 6) === weekend);
        return days.reduce((s, d) => s + (byDay.get(d) ?? 0), 0) / days.length;
      };
      expect(mean(true)).toBeLessThan(mean(false) * 0.85);
      // Nights are quiet: fewer reports 00:00–06:00 CST than 09:00–11:00.
      const hour = (at: number) => new Date(at + 8 * 3_600_000).getUTCHours();
      expect(perDay.filter((at) => hour(at) < 6).length).toBeLessThan(perDay.filter((at) => hour(at) >= 9 && hour(at) < 11).length / 2);
    } finally {
      stores.close();
    }
  });

  it('is a store the server starts on and answers /api/kpi and the queues from', async () => {
    const t = await startLocalApp({ dir, net: theNet().net, locator: theNet().locator, listen: false, now: () => END - 60_000 });
    try {
      const admin = await t.as('admin');
      const from = dateCST(dayStartMs(dayCST(END - 1) - 364));
      const kpi = await t.app.inject({ url: `/api/kpi?area=${CITY_CODE}&from=${from}&to=${END_DATE}`, headers: admin.headers });
      expect(kpi.statusCode, kpi.body).toBe(200);
      expect(kpi.json()).toMatchObject({ received: COUNT });
      expect(kpi.json().closureRate).toBeGreaterThanOrEqual(0.97);
      expect(kpi.json().overdueNow).toBeGreaterThan(0);
      const overdue = await t.app.inject({ url: '/api/queues/overdue', headers: admin.headers });
      expect(overdue.statusCode, overdue.body).toBe(200);
      expect(overdue.json().total).toBeGreaterThan(0);
      const ticket = overdue.json().items[0].ticket;
      const timeline = await t.app.inject({ url: `/api/tickets/${ticket.id}/timeline`, headers: admin.headers });
      expect(timeline.statusCode).toBe(200);
      expect(timeline.json().items[0].name).toBe('采集上报');
    } finally {
      await t.close();
    }
  }, 60_000);
});
