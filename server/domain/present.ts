// A stored ticket record as clients see it: names resolved from the net.
import type { Net } from '../net/types.ts';
import { locationOf } from '../net/hierarchy.ts';
import { ticketId, type Reporter, type Ticket, type TicketRecord } from './ticket.ts';
import type { LightNow } from './lights.ts';

/** How much of the reporter a reader sees: all of it, masked (张* · 138****5678), or none
 * (the live feed, which wall displays receive, never carries it). */
export type ReporterView = 'full' | 'masked' | 'none';

export function maskReporter(r: Reporter): Reporter {
  const phone = /^\d{11}$/.test(r.phone) ? `${r.phone.slice(0, 3)}****${r.phone.slice(7)}` : '*'.repeat(Math.max(0, r.phone.length - 2)) + r.phone.slice(-2);
  return { name: [...r.name][0] + '*'.repeat(Math.max(1, [...r.name].length - 1)), phone };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function presentTicket(net: Net, r: TicketRecord, view: ReporterView = 'none', now?: LightNow): Ticket {
  const reporter = r.reporter && view !== 'none' ? { reporter: view === 'full' ? r.reporter : maskReporter(r.reporter) } : {};
  return {
    id: ticketId(r.seq),
    createdAt: new Date(r.createdAt).toISOString(),
    lon: r.lon,
    lat: r.lat,
    category: r.category,
    description: r.description,
    source: r.source,
    status: r.status,
    version: r.version,
    item: r.item,
    level: r.level,
    platform: r.platform,
    department: r.department,
    tier: r.tier,
    step: r.step,
    registeredAt: iso(r.registeredAt),
    closedAt: iso(r.closedAt),
    light: now?.light ?? null,
    deadline: iso(now?.deadline ?? null),
    supervised: r.supervised,
    reminded: r.reminded,
    rework: r.rework,
    escalated: r.escalated,
    extensionPending: r.pausedSince !== null,
    selfHandled: r.selfHandled,
    onTime: r.onTime,
    satisfaction: r.satisfaction,
    rejectReason: r.rejectReason,
    duplicateOf: r.duplicateOf,
    assignee: r.assignee ?? null,
    ...(r.component ? { component: r.component } : {}),
    ...locationOf(net, r.gridCode),
    ...reporter,
  };
}
