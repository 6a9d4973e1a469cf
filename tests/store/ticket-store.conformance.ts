// What every TicketStore must do, written once as a function of the store: SQLite
// (tests/store.conformance.test.ts) and PostgreSQL (tests/store.pg.conformance.test.ts) run
// it. A store is made fresh for each test by `make`; only the ticket and KPI stores are used.
import { describe, expect, it } from 'vitest';
import type { Stores as AllStores } from '../../server/store/types.ts';
import { act, reportedState, type Action, type Actor, type Context, type LoopState } from '../../server/domain/loop.ts';
import { kpiDelta } from '../../server/domain/kpi.ts';
import type { TicketInput, TicketRecord } from '../../server/domain/ticket.ts';

/** What the suite exercises: tickets and the KPI counters written with them. */
type Stores = Pick<AllStores, 'tickets' | 'kpi'>;

const CITY = '320400';
const G1 = '320402001001001';
const G2 = '320481100200003';
const T0 = Date.UTC(2026, 10, 23, 1);
const H = 3_600_000;
const input = (description = '井盖缺失'): TicketInput => ({ lon: 119.97, lat: 31.78, category: 'city_appearance', source: 'patrol', description });
const dispatcher: Actor = { kind: 'account', id: 'd1', role: 'dispatcher', scope: CITY };
const ctx = (now: number): Context => ({
  actor: dispatcher, now,
  item: () => ({ code: 'SR-01-001', department: 'cgj', platform: 'zf', selfHandle: false, limits: { general: { verify: 2, dispatch: 1, accept: 2, handle: 8, check: 4 }, major: { verify: 1, dispatch: 1, accept: 1, handle: 4, check: 2 }, serious: { verify: 1, dispatch: 1, accept: 1, handle: 2, check: 1 } }, evidence: { before: false, after: false } }),
  workingMsBetween: (a, b) => Math.max(0, b - a),
  addWorkingMs: (a, ms) => a + ms,
  department: () => ({ platform: 'zf' }),
});

export function ticketStoreConformance(name: string, make: () => Promise<{ stores: Stores; close(): Promise<void> }>) {
  describe(`TicketStore conformance: ${name}`, () => {
    const withStore = (f: (s: Stores) => Promise<void>) => async () => {
      const made = await make();
      try {
        await f(made.stores);
      } finally {
        await made.close();
      }
    };
    async function report(s: Stores, grid = G1, at = T0, extra: { clientId?: string; reportedBy?: string; description?: string } = {}) {
      const state = reportedState(grid, at);
      const entry = { at, actor: extra.reportedBy ?? 'account:r1', role: 'dispatcher', action: 'report' as const, from: null, to: 'reported' as const, note: null, data: null };
      return s.tickets.insert({
        input: input(extra.description), gridCode: grid, createdAt: at, state, reportedBy: extra.reportedBy ?? 'account:r1', reporterRole: 'dispatcher',
        clientId: extra.clientId, searchText: '红梅街道', kpi: kpiDelta(null, state, entry, CITY, (a, b) => b - a, 'patrol'),
      });
    }
    async function step(s: Stores, r: TicketRecord, a: Action, at: number) {
      const o = act(r, a, ctx(at));
      if (!o.ok) throw new Error(o.message);
      const res = await s.tickets.transition(r.seq, r.version, o.next, o.entry, kpiDelta(r, o.next, o.entry, CITY, (x, y) => y - x, r.source));
      if (res === 'conflict') throw new Error('conflict');
      return (await s.tickets.get(r.seq))!;
    }

    it('stores a report with its loop state, and reads it back whole', withStore(async (s) => {
      const { record, created, change } = await report(s);
      expect(created).toBe(true);
      expect(change).toBeGreaterThan(0);
      const back = await s.tickets.get(record.seq);
      expect(back).toEqual(record);
      expect(back).toMatchObject({ status: 'reported', version: 1, gridCode: G1, description: '井盖缺失', tier: 'community', photos: { before: 0, after: 0 } });
      expect(await s.tickets.total()).toBe(1);
      expect(await s.tickets.lastChange()).toBe(change);
      // Every field of the loop's state comes back, none left undefined.
      for (const k of Object.keys(reportedState(G1, T0))) expect(back).toHaveProperty(k);
      expect(Object.entries(back!).filter(([, v]) => v === undefined)).toEqual([]);
    }));

    it('stores a retried report once per reporter and client id', withStore(async (s) => {
      const a = await report(s, G1, T0, { clientId: 'key-00000001' });
      const b = await report(s, G1, T0 + 5, { clientId: 'key-00000001' });
      const c = await report(s, G1, T0 + 9, { clientId: 'key-00000001', reportedBy: 'account:r2' });
      expect(b).toMatchObject({ created: false, change: a.change });
      expect(b.record.seq).toBe(a.record.seq);
      expect(c.created).toBe(true);
      expect(await s.tickets.total()).toBe(2);
    }));

    it('stores retries sent at the same moment once, and answers them all with that ticket', withStore(async (s) => {
      const all = await Promise.all(Array.from({ length: 5 }, (_, i) => report(s, G1, T0 + i, { clientId: 'key-00000002' })));
      expect(all.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(all.map((r) => r.record.seq)).size).toBe(1);
      expect(new Set(all.map((r) => r.change)).size).toBe(1);
      expect(await s.tickets.total()).toBe(1);
    }));

    it('decides writes sent at the same moment each on its own: one conflict refuses only itself', withStore(async (s) => {
      const [a, b] = await Promise.all([report(s), report(s, G2)]);
      const o = act(a.record, { action: 'verify', item: 'SR-01-001', level: 'general' }, ctx(T0 + H));
      const p = act(b.record, { action: 'verify', item: 'SR-01-001', level: 'general' }, ctx(T0 + H));
      if (!o.ok || !p.ok) throw new Error('not verifiable');
      // Both writes on `a` were decided on version 1: whichever lands first moves past it.
      const [first, second, other] = await Promise.all([
        s.tickets.transition(a.record.seq, 1, o.next, o.entry),
        s.tickets.transition(a.record.seq, 1, o.next, o.entry),
        s.tickets.transition(b.record.seq, 1, p.next, p.entry),
      ]);
      // Exactly one of the two on `a` wins; which one is the store's (a pool's connections
      // race: PostgreSQL may run the second first).
      expect([first, second].filter((r) => r === 'conflict')).toHaveLength(1);
      expect(other).not.toBe('conflict');
      expect((await s.tickets.timeline(a.record.seq)).map((e) => e.action)).toEqual(['report', 'verify']);
      expect((await s.tickets.get(b.record.seq))!.status).toBe('registered');
    }));

    it('moves a ticket only from the version it was decided on, with its timeline entry', withStore(async (s) => {
      const { record } = await report(s);
      const o = act(record, { action: 'verify', item: 'SR-01-001', level: 'general' }, ctx(T0 + H));
      if (!o.ok) throw new Error(o.message);
      const first = await s.tickets.transition(record.seq, record.version, o.next, o.entry);
      expect(first).not.toBe('conflict');
      expect(await s.tickets.transition(record.seq, record.version, o.next, o.entry)).toBe('conflict');
      const tl = await s.tickets.timeline(record.seq);
      expect(tl.map((e) => e.action)).toEqual(['report', 'verify']);
      expect(tl[1]).toMatchObject({ from: 'reported', to: 'registered', actor: 'd1', data: { item: 'SR-01-001' } });
      expect((await s.tickets.get(record.seq))!.version).toBe(2);
    }));

    it('lists, filters, counts and searches', withStore(async (s) => {
      const a = (await report(s, G1, T0, { description: '楼道内电动车充电' })).record;
      await report(s, G2, T0 + 1);
      const c = await step(s, (await report(s, G1, T0 + 2)).record, { action: 'verify', item: 'SR-01-001', level: 'general' }, T0 + H);
      expect((await s.tickets.list({ area: '320402', limit: 10 })).map((r) => r.seq)).toEqual([c.seq, a.seq]);
      expect((await s.tickets.list({ area: '320402', limit: 1, beforeSeq: c.seq })).map((r) => r.seq)).toEqual([a.seq]);
      expect((await s.tickets.list({ statuses: ['registered'], limit: 10 })).map((r) => r.seq)).toEqual([c.seq]);
      expect(await s.tickets.countWhere({ area: '320402', statuses: ['reported'] })).toBe(1);
      expect((await s.tickets.list({ text: '电动车', limit: 10 })).map((r) => r.seq)).toEqual([a.seq]);
      expect((await s.tickets.list({ text: '充电', limit: 10 })).map((r) => r.seq)).toEqual([a.seq]);
      expect(await s.tickets.countWhere({ text: '红梅街道' })).toBe(3);
      const counts = await s.tickets.count({ area: '320402' }, 9);
      expect(counts).toMatchObject({ total: 2, byStatus: { reported: 1, registered: 1 }, byChild: { '320402001': 2 } });
    }));

    it('keeps KPI counters with each change, per area level and department', withStore(async (s) => {
      const r = (await report(s)).record;
      await step(s, r, { action: 'verify', item: 'SR-01-001', level: 'general' }, T0 + H);
      const day = Math.floor((T0 + 8 * H) / 86_400_000);
      for (const key of [CITY, '320402', '320402001', '320402001001', G1]) {
        expect(await s.kpi.total('area', key, day, day + 1), key).toMatchObject({ received: 1, registered: 1 });
      }
      expect(await s.kpi.total('department', 'cgj', day, day + 1)).toMatchObject({ received: 0, registered: 1 });
      expect(await s.kpi.total('area', '320481', day, day + 1)).toMatchObject({ received: 0 });
      expect((await s.kpi.byKey('area', day, day + 1, { prefix: '3204', length: 6, except: CITY })).map((x) => x.key)).toEqual(['320402']);
      expect((await s.kpi.series('area', CITY, day - 1, day + 2)).map((x) => x.day)).toEqual([day]);
      // Per source, and departments and sources of a district and a street (area-bound keys),
      // never mixed with a longer code's.
      expect(await s.kpi.total('source', 'patrol', day, day + 1)).toMatchObject({ received: 1, registered: 1 });
      const of = async (dim: Parameters<Stores['kpi']['ofArea']>[0], area: string) => (await s.kpi.ofArea(dim, area, day, day + 1)).map((x) => [x.key, x.counts.received, x.counts.registered]);
      expect(await of('area_department', '320402')).toEqual([['cgj', 0, 1]]);
      expect(await of('area_source', '320402001')).toEqual([['patrol', 1, 1]]);
      expect(await of('area_platform', '320402001')).toEqual([['zf', 0, 1]]);
      expect(await of('area_item', '320402')).toEqual([['SR-01-001', 0, 1]]);
      expect(await of('area_item', '320402001')).toEqual([]); // items are kept per district only
      expect(await of('area_source', '320481')).toEqual([]);
      expect(await of('area_source', '320402001001')).toEqual([]);
    }));

    it('finds the lights that change, in order, and what is overdue', withStore(async (s) => {
      const r = await step(s, (await report(s)).record, { action: 'verify', item: 'SR-01-001', level: 'general' }, T0);
      // Limit 15 h from T0: yellow at 12 h, red at 15 h (round-the-clock test clock).
      expect([r.yellowAt, r.deadlineAt]).toEqual([T0 + 12 * H, T0 + 15 * H]);
      expect(await s.tickets.lightEvents({ at: T0, seq: 0 }, T0 + 20 * H, 10)).toEqual([
        { seq: r.seq, at: T0 + 12 * H, kind: 'yellow' }, { seq: r.seq, at: T0 + 15 * H, kind: 'red' },
      ]);
      expect(await s.tickets.lightEvents({ at: T0 + 12 * H, seq: r.seq }, T0 + 20 * H, 10)).toEqual([{ seq: r.seq, at: T0 + 15 * H, kind: 'red' }]);
      expect(await s.tickets.overdue('320402', T0 + 14 * H)).toBe(0);
      expect(await s.tickets.overdue('320402', T0 + 15 * H)).toBe(1);
      expect(await s.tickets.overdue('320481', T0 + 15 * H)).toBe(0);
      // Per child: a reported ticket in another district is open, not overdue; rejected is neither.
      await report(s, G2, T0);
      await step(s, (await report(s, G2, T0)).record, { action: 'reject', reason: 'invalid', note: '不在受理范围' }, T0 + H);
      expect(await s.tickets.openByChild('3204', 6, T0 + 14 * H)).toEqual({ '320402': { open: 1, overdue: 0 }, '320481': { open: 1, overdue: 0 } });
      expect(await s.tickets.openByChild('3204', 6, T0 + 15 * H)).toEqual({ '320402': { open: 1, overdue: 1 }, '320481': { open: 1, overdue: 0 } });
      expect(await s.tickets.openByChild('320402', 9, T0 + 15 * H)).toEqual({ '320402001': { open: 1, overdue: 1 } });
      expect(await s.tickets.openByChild('320404', 9, T0 + 15 * H)).toEqual({});
      expect(await s.tickets.jobMark('clock')).toBeNull();
      await s.tickets.setJobMark('clock', { at: 5, seq: 7 });
      expect(await s.tickets.jobMark('clock')).toEqual({ at: 5, seq: 7 });
    }));

    it('keeps the component a report names, lists by it, and gives the open ones', withStore(async (s) => {
      const C = '3204020101000001';
      const state = reportedState(G1, T0);
      const named = await s.tickets.insert({ input: { ...input('井盖丢失'), component: C }, gridCode: G1, createdAt: T0, state, reportedBy: 'account:r1', reporterRole: 'dispatcher' });
      const plain = await report(s, G1, T0 + 1);
      expect((await s.tickets.get(named.record.seq))!.component).toBe(C);
      expect((await s.tickets.get(plain.record.seq))!.component).toBeUndefined();
      expect((await s.tickets.list({ component: C, limit: 10 })).map((r) => r.seq)).toEqual([named.record.seq]);
      expect(await s.tickets.openWithComponent()).toEqual([{ seq: named.record.seq, component: C, status: 'reported', description: '井盖丢失' }]);
      await step(s, named.record, { action: 'reject', reason: 'duplicate', duplicateOf: 'T0000000002', note: '重复' } as Action, T0 + H);
      expect(await s.tickets.openWithComponent()).toEqual([]);
    }));

    it('reads dots of an area and span, oldest first, and the tickets a photo is attached to', withStore(async (s) => {
      const a = (await report(s, G1, T0 + H)).record;
      await report(s, G2, T0);
      const b = (await report(s, G1, T0)).record;
      const dots = await s.tickets.dots({ area: '320402', from: T0, to: T0 + 2 * H });
      expect(dots).toEqual([[b.seq, 119.97, 31.78, 'reported', 'city_appearance', 1, null, null, null, 0], [a.seq, 119.97, 31.78, 'reported', 'city_appearance', 1, null, null, null, 0]]);
      const hash = 'a'.repeat(64);
      const attached = await step(s, b, { action: 'attach', kind: 'before', photo: hash }, T0 + H);
      await step(s, a, { action: 'attach', kind: 'before', photo: 'b'.repeat(64) }, T0 + H);
      expect(attached.photos).toEqual({ before: 1, after: 0 });
      expect(await s.tickets.ticketsWithPhoto(hash)).toEqual([b.seq]);
      expect(await s.tickets.ticketsWithPhoto('c'.repeat(64))).toEqual([]);
      expect((await s.tickets.timeline(b.seq))[1]).toMatchObject({ action: 'attach', data: { photo: hash } });
    }));

    it('keeps every counter exact under many writes at once, each acknowledged write stored once', withStore(async (s) => {
      // 24 reports over two districts, then every ticket verified while a stale duplicate of
      // each verification races it: all at once, as concurrent requests would.
      const made = await Promise.all(Array.from({ length: 24 }, (_, i) => report(s, i % 2 ? G1 : G2, T0 + i, { clientId: `k-${i}`, reportedBy: `account:r${i % 2}` })));
      expect(made.filter((m) => m.created)).toHaveLength(24);
      const again = await Promise.all(made.map((m, i) => report(s, i % 2 ? G1 : G2, T0 + i, { clientId: `k-${i}`, reportedBy: `account:r${i % 2}` })));
      expect(again.every((m, i) => !m.created && m.record.seq === made[i].record.seq && m.change === made[i].change)).toBe(true);
      const verify = (r: TicketRecord) => {
        const o = act(r, { action: 'verify', item: 'SR-01-001', level: 'general' }, ctx(T0 + H));
        if (!o.ok) throw new Error(o.message);
        return s.tickets.transition(r.seq, r.version, o.next, o.entry, kpiDelta(r, o.next, o.entry, CITY, (x, y) => y - x));
      };
      const results = await Promise.all(made.flatMap((m) => [verify(m.record), verify(m.record)]));
      expect(results.filter((r) => r === 'conflict')).toHaveLength(24);
      const changes = results.filter((r) => r !== 'conflict').map((r) => (r as { change: number }).change);
      expect(new Set(changes).size).toBe(24);
      expect(await s.tickets.lastChange()).toBe(Math.max(...changes));
      const day = Math.floor((T0 + 8 * H) / 86_400_000);
      expect(await s.kpi.total('area', CITY, day, day + 1)).toMatchObject({ received: 24, registered: 24 });
      expect(await s.kpi.total('area', '320402', day, day + 1)).toMatchObject({ received: 12, registered: 12 });
      expect(await s.kpi.total('department', 'cgj', day, day + 1)).toMatchObject({ registered: 24 });
      expect(await s.tickets.countWhere({ statuses: ['registered'] })).toBe(24);
      for (const m of made.slice(0, 3)) expect((await s.tickets.timeline(m.record.seq)).map((e) => e.action)).toEqual(['report', 'verify']);
    }));

    it('reads the positions of an area and time span as columns, oldest first', withStore(async (s) => {
      await report(s, G1, T0 + 2 * H);
      await report(s, G2, T0 + H);
      await report(s, G1, T0);
      await report(s, G1, T0 + 5 * H);
      const p = await s.tickets.positions({ area: '320402', from: T0, to: T0 + 5 * H });
      expect(p.count).toBe(2);
      expect([...p.at]).toEqual([T0, T0 + 2 * H]);
      expect([...p.lon]).toEqual([119.97, 119.97]);
      expect([...p.lat]).toEqual([31.78, 31.78]);
      expect((await s.tickets.positions({})).count).toBe(4);
      expect([...(await s.tickets.positions({ from: T0 + H })).at]).toEqual([T0 + H, T0 + 2 * H, T0 + 5 * H]);
    }));
  });
}

export type { LoopState };
