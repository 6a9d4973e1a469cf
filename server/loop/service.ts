// Acting on a ticket, the same for every caller (the actions route, the deadline clock):
// decide with the loop (server/domain/loop.ts), store the new state with its timeline
// entry and KPI counters in one transaction if the ticket has not moved meanwhile, then
// push it live (without personal data) and mark its areas' figures for the next `stats`.
import type { AppDeps } from '../routes/deps.ts';
import type { TicketRecord } from '../domain/ticket.ts';
import type { TicketInput } from '../domain/ticket.ts';
import { act, reportedState, reportedTimes, type Action, type Actor, type Context, type Outcome } from '../domain/loop.ts';
import { kpiDelta } from '../domain/kpi.ts';
import { CITY_CODE } from '../net/codes.ts';
import { ticketView } from '../routes/ticket-view.ts';
import { locationOf } from '../net/hierarchy.ts';

/** The names a search finds a ticket's place by: its grid, community, street, district. */
const placeNames = (net: AppDeps['net'], gridCode: string) => Object.values(locationOf(net, gridCode)).map((a) => a.name).join(' ');

export type Applied = { ok: true; ticket: TicketRecord; change: number } | { ok: false; status: 400 | 403 | 409; message: string };

export function loopService(deps: Pick<AppDeps, 'net' | 'store' | 'live' | 'now' | 'catalogue' | 'departments' | 'clock' | 'statsPush'> & Partial<Pick<AppDeps, 'patrol' | 'components'>>) {
  const { store, live, now, catalogue, departments, clock, statsPush } = deps;
  const view = ticketView(deps);
  return {
    view,
    /** Stores a report (its grid already found, its point in WGS-84) with its `report` entry
     * and counters; pushes it live unless it is a retry of one stored before. */
    async report(input: TicketInput, gridCode: string, reporter: Pick<Actor, 'kind' | 'id' | 'role'>, o: { clientId?: string; crs?: string; observedAt?: number } = {}) {
      const t = now();
      const state = reportedState(gridCode, t);
      Object.assign(state, reportedTimes(state, view.verifyLimitMs(input.category), clock.addWorkingMs));
      const reportedBy = `${reporter.kind}:${reporter.id}`;
      const entry = { at: t, actor: reportedBy, role: reporter.role, action: 'report' as const, from: null, to: 'reported' as const, note: null, data: null };
      const stored = await store.insert({
        input, gridCode, createdAt: t, state, reportedBy, reporterRole: reporter.role, clientId: o.clientId, crs: o.crs, observedAt: o.observedAt,
        searchText: placeNames(deps.net, gridCode),
        kpi: kpiDelta(null, state, entry, CITY_CODE, clock.workingMsBetween, input.source),
      });
      if (stored.created) {
        deps.components?.ticketChanged(stored.record);
        live.publishTicket(view(stored.record, 'none'), stored.change); // rooms a display can join: no personal data
        statsPush.touch(gridCode);
      }
      return stored;
    },
    async apply(r: TicketRecord, action: Action, actor: Actor): Promise<Applied> {
      const ctx: Context = {
        actor, now: now(),
        item: (code) => catalogue.byCode.get(code),
        workingMsBetween: clock.workingMsBetween,
        addWorkingMs: clock.addWorkingMs,
        department: (code) => departments.byCode.get(code),
      };
      const o: Outcome = act(r, action, ctx);
      if (!o.ok) return o;
      const stored = await store.transition(r.seq, r.version, o.next, o.entry, kpiDelta(r, o.next, o.entry, CITY_CODE, clock.workingMsBetween, r.source));
      if (stored === 'conflict') return { ok: false, status: 409, message: `version: the ticket changed while ${action.action} was decided; reload it and try again` };
      const after: TicketRecord = { ...r, ...o.next };
      const shown = view(after, 'none');
      live.publishTicket(shown, stored.change);
      statsPush.touch(after.gridCode);
      deps.patrol?.taskChanged(after);
      deps.components?.ticketChanged(after);
      // 智能推送: the task reaches the worker's phone at once.
      if (action.action === 'assign') live.pushTask(action.worker, shown);
      return { ok: true, ticket: after, change: stored.change };
    },
  };
}
