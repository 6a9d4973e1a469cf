// What the simulated people do with a ticket, and when: pure decisions, no I/O.
// A ticket's fate (reject it? fix it on the spot? return it, escalate it, extend it, let it
// run late, send it back for rework, how the reporter rates it…) is drawn once, in a fixed
// order, from the ticket's own seeded generator; `nextStep` then reads the ticket as the
// API shows it and what has been done so far, and answers the next step: who, what, when.
// Because it starts from the ticket's state, the same function re-plans a ticket someone
// else moved meanwhile (a 409).
//
// When: human steps take simulated time (`simMs`, compressed by the simulator's speed);
// a step that is late on purpose waits for an instant on the server's own working-day
// clock (`serverAt`): past 80 % of the limit (yellow) or past the deadline (red), so the
// lights on the wall are the server's, not the simulator's idea of them.
import type { Level, Step as LimitStep } from '../domain/catalogue.ts';
import type { Category, Source, Ticket } from '../domain/ticket.ts';
import type { WorkClock } from '../domain/workclock.ts';
import { logUniform } from './random.ts';
import { ITEM_PREFIXES } from './reports.ts';

/** What the simulator keeps of a ticket as the API last showed it. */
export type TicketSeen = Pick<Ticket, 'id' | 'status' | 'version' | 'item' | 'level' | 'department' | 'tier' | 'createdAt' | 'registeredAt'
  | 'deadline' | 'light' | 'extensionPending' | 'satisfaction' | 'selfHandled'> & { district: { code: string } };

export const seenOf = (t: Ticket): TicketSeen => ({
  id: t.id, status: t.status, version: t.version, item: t.item, level: t.level, department: t.department, tier: t.tier, createdAt: t.createdAt,
  registeredAt: t.registeredAt, deadline: t.deadline, light: t.light, extensionPending: t.extensionPending, satisfaction: t.satisfaction,
  selfHandled: t.selfHandled, district: { code: t.district.code },
});

/** What the simulator reads of a catalogue item (GET /api/catalogue). */
export interface SimItem {
  code: string;
  category: string;
  department: string;
  selfHandle: boolean;
  evidence: { before: boolean; after: boolean };
  limits: Record<Level, Record<LimitStep, number>>;
}

export interface SimCatalogue {
  items: SimItem[];
  byCode: Map<string, SimItem>;
  departments: string[];
}

export function simCatalogue(items: SimItem[]): SimCatalogue {
  return { items, byCode: new Map(items.map((i) => [i.code, i])), departments: [...new Set(items.map((i) => i.department))].sort() };
}

export type Late = 'yellow' | 'red' | null;
export type RejectReason = 'invalid' | 'duplicate' | 'out_of_scope';

export interface Fate {
  item: string;
  level: Level;
  /** A grid worker fixes it on the spot (自处置): patrol reports of items that allow it. */
  selfHandle: boolean;
  reject: { reason: RejectReason; duplicateOf?: string } | null;
  lateVerify: Late;
  /** The department returns it once (退回); it is re-dispatched there or elsewhere. */
  returns: boolean;
  redispatchTo: string | null;
  escalate: boolean;
  extension: { hours: number; approve: boolean } | null;
  remind: boolean;
  lateHandle: Late;
  /** The first check fails (返工). */
  rework: boolean;
  checkBy: 'worker' | 'dispatcher';
  /** The reporter's satisfaction on the return visit (回访), and who records it. */
  rating: { satisfaction: number; by: 'dispatcher' | 'integration' } | null;
  /** An unsatisfied reporter's case is reopened (重办). */
  reopen: boolean;
}

/** Shares (a demo's guess: most cases go straight through). */
export const SHARES = {
  selfHandleItem: 0.4, selfHandle: 0.8, reject: 0.07, lateVerifyYellow: 0.04, lateVerifyRed: 0.03, returns: 0.07, escalate: 0.03,
  extension: 0.05, approve: 0.7, remind: 0.08, lateHandleYellow: 0.05, lateHandleRed: 0.04, rework: 0.08, checkByWorker: 0.75,
  rated: 0.7, ratedByDispatcher: 0.6, reopen: 0.6,
} as const;
const SATISFACTION: [number, number][] = [[5, 0.55], [4, 0.25], [3, 0.1], [2, 0.06], [1, 0.04]];
const LEVELS: [Level, number][] = [['general', 0.86], ['major', 0.11], ['serious', 0.03]];

function pick<T>(rand: () => number, xs: [T, number][]): T {
  let x = rand() * xs.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of xs) if ((x -= w) < 0) return v;
  return xs[xs.length - 1][0];
}

/** The items a report of this category may be registered as, with weights (catch-alls less). */
export function candidateItems(cat: SimCatalogue, category: Category): SimItem[] {
  const prefixes = ITEM_PREFIXES[category] ?? [];
  const found = cat.items.filter((i) => prefixes.some((p) => i.code.startsWith(p)));
  return found.length ? found : cat.items;
}

export function drawFate(rand: () => number, report: { category: Category; source: Source }, cat: SimCatalogue, lastId: string | null): Fate {
  const candidates = candidateItems(cat, report.category);
  const selfItems = candidates.filter((i) => i.selfHandle);
  // Every draw is made whatever the branch, so one decision never shifts the others.
  const u = Array.from({ length: 24 }, rand);
  const item = report.source === 'patrol' && selfItems.length && u[0] < SHARES.selfHandleItem
    ? selfItems[Math.floor(u[1] * selfItems.length)]
    : pick(() => u[1], candidates.map((i): [SimItem, number] => [i, i.code.includes('-99-') ? 1 : 3]));
  const selfHandle = report.source === 'patrol' && item.selfHandle && u[2] < SHARES.selfHandle;
  const reason = pick<RejectReason>(() => u[4], [['invalid', 0.4], ['duplicate', 0.35], ['out_of_scope', 0.25]]);
  const others = cat.departments.filter((d) => d !== item.department);
  return {
    item: item.code,
    level: selfHandle ? 'general' : pick(() => u[5], LEVELS),
    selfHandle,
    reject: !selfHandle && u[3] < SHARES.reject
      ? (reason === 'duplicate' && lastId ? { reason, duplicateOf: lastId } : { reason: reason === 'duplicate' ? 'invalid' : reason })
      : null,
    lateVerify: u[6] < SHARES.lateVerifyYellow ? 'yellow' : u[6] < SHARES.lateVerifyYellow + SHARES.lateVerifyRed ? 'red' : null,
    returns: u[7] < SHARES.returns,
    redispatchTo: u[8] < 0.5 && others.length ? others[Math.floor(u[9] * others.length)] : null,
    escalate: u[10] < SHARES.escalate,
    extension: u[11] < SHARES.extension ? { hours: [8, 16, 24, 40][Math.floor(u[12] * 4)], approve: u[13] < SHARES.approve } : null,
    remind: u[14] < SHARES.remind,
    lateHandle: u[15] < SHARES.lateHandleYellow ? 'yellow' : u[15] < SHARES.lateHandleYellow + SHARES.lateHandleRed ? 'red' : null,
    rework: u[16] < SHARES.rework,
    checkBy: u[17] < SHARES.checkByWorker ? 'worker' : 'dispatcher',
    rating: u[18] < SHARES.rated ? { satisfaction: pick(() => u[19], SATISFACTION), by: u[20] < SHARES.ratedByDispatcher ? 'dispatcher' : 'integration' } : null,
    reopen: u[21] < SHARES.reopen,
  };
}

/** What has been done to a ticket so far (what its fate has used up). */
export interface Progress {
  before: number;
  after: number;
  feedbacks: number;
  returned: boolean;
  escalated: boolean;
  extensionAsked: boolean;
  /** Approved extension hours (the case limit grows by them). */
  extensionHours: number;
  reminded: boolean;
  lateDone: boolean;
  reworked: boolean;
  reopened: boolean;
  /** The feedback round (`feedbacks`) whose on-site check was pushed to a phone (assign); -1: none. */
  assignedFor: number;
}

export const freshProgress = (): Progress => ({
  before: 0, after: 0, feedbacks: 0, returned: false, escalated: false, extensionAsked: false, extensionHours: 0,
  reminded: false, lateDone: false, reworked: false, reopened: false, assignedFor: -1,
});

export interface TimelineItem {
  action: string;
  role: string;
  data: Record<string, unknown> | null;
}

/** Progress as a ticket's timeline shows it (after someone else moved it), kept where the
 * timeline cannot tell. */
export function progressFromTimeline(items: TimelineItem[], prev: Progress): Progress {
  const p = freshProgress();
  p.lateDone = prev.lateDone;
  for (const e of items) {
    switch (e.action) {
      case 'attach': if (e.data?.kind === 'before') p.before++; else p.after++; break;
      case 'feedback': p.feedbacks++; break;
      case 'return': p.returned = true; break;
      case 'escalate': p.escalated = true; break;
      case 'request_extension': p.extensionAsked = true; break;
      case 'approve_extension': p.extensionHours += Number(e.data?.hours ?? 0); break;
      case 'remind': p.reminded = true; break;
      case 'supervise': if (e.role !== 'system') p.lateDone = true; break;
      case 'check': if (e.data?.pass === false) p.reworked = true; break;
      case 'reopen': p.reopened = true; break;
      case 'assign': p.assignedFor = p.feedbacks; break;
    }
  }
  return p;
}

export type Who = 'dispatcher' | 'handler' | 'worker' | 'integration';
export type When = { simMs: number } | { serverAt: number };

export interface Step {
  who: Who;
  when: When;
  /** An upload (POST /api/tickets/:id/photos) instead of an action. */
  photo?: 'before' | 'after';
  /** An action (POST /api/tickets/:id/actions), without its version. */
  body?: { action: string } & Record<string, unknown>;
  /** The reminder or 督办 a ticket late in handling waited for. */
  late?: true;
  /** Push the on-site check to the nearest online grid phone (assign, 智能推送). */
  assign?: true;
}

/** Progress after `s` succeeded. */
export function noteDone(p: Progress, s: Step): void {
  if (s.photo === 'before') p.before++;
  if (s.photo === 'after') p.after++;
  if (s.late) p.lateDone = true;
  if (s.assign) p.assignedFor = p.feedbacks;
  const b = s.body;
  switch (b?.action) {
    case 'return': p.returned = true; break;
    case 'escalate': p.escalated = true; break;
    case 'request_extension': p.extensionAsked = true; break;
    case 'approve_extension': p.extensionHours += Number(b.hours ?? 0); break;
    case 'remind': p.reminded = true; break;
    case 'feedback': p.feedbacks++; break;
    case 'check': if (b.pass === false) p.reworked = true; break;
    case 'reopen': p.reopened = true; break;
  }
}

const MIN = 60_000;
const HOUR = 3_600_000;
const NOTES: Record<RejectReason, string> = { invalid: '经核实情况不属实', duplicate: '与已上报事件重复', out_of_scope: '不属于网格化服务管理事项，已告知诉求渠道' };

/** An instant on the server's working-day clock: inside the yellow band (92 % of the limit,
 * pauses included) or past the deadline by a tenth of the limit. */
function lateAt(late: 'yellow' | 'red', start: number, deadline: number, limitMs: number, clock: WorkClock): number {
  if (late === 'red') return clock.addWorkingMs(deadline, 0.1 * limitMs);
  const withPauses = clock.workingMsBetween(start, deadline);
  return clock.addWorkingMs(start, Math.max(0, withPauses - 0.08 * limitMs));
}

/** The case's limit in working ms: every step after verification, approved extensions included. */
const caseLimitMs = (item: SimItem, level: Level, extensionHours: number) =>
  (item.limits[level].dispatch + item.limits[level].accept + item.limits[level].handle + item.limits[level].check + extensionHours) * HOUR;

/** The next step for ticket `t`, or null when the simulated people are done with it. */
export function nextStep(t: TicketSeen, fate: Fate, p: Progress, rand: () => number, cat: SimCatalogue, clock: WorkClock): Step | null {
  const mins = (lo: number, hi: number): When => ({ simMs: logUniform(rand, lo, hi) * MIN });
  const item = cat.byCode.get(t.item ?? fate.item) ?? cat.byCode.get(fate.item);
  if (!item) return null;
  const level = (t.level as Level | null) ?? fate.level;
  const deadline = t.deadline ? Date.parse(t.deadline) : null;

  switch (t.status) {
    case 'reported': {
      if (fate.selfHandle) {
        if (item.evidence.before && p.before === 0) return { who: 'worker', when: mins(2, 15), photo: 'before' };
        if (item.evidence.after && p.after === 0) return { who: 'worker', when: mins(10, 45), photo: 'after' };
        return { who: 'worker', when: mins(1, 5), body: { action: 'self_handle', item: item.code, note: '网格员现场处置完毕' } };
      }
      const created = Date.parse(t.createdAt);
      const when: When = fate.lateVerify && deadline !== null
        ? { serverAt: lateAt(fate.lateVerify, created, deadline, clock.workingMsBetween(created, deadline), clock) }
        : mins(5, 60);
      const body = fate.reject
        ? { action: 'reject', reason: fate.reject.reason, note: NOTES[fate.reject.reason], ...(fate.reject.duplicateOf ? { duplicateOf: fate.reject.duplicateOf } : {}) }
        : { action: 'verify', item: fate.item, level: fate.level, note: '核实属实，予以立案' };
      return { who: 'dispatcher', when, body };
    }
    case 'registered':
      return { who: 'dispatcher', when: p.escalated ? mins(15, 60) : mins(3, 30), body: { action: 'dispatch' } };
    case 'returned':
      return { who: 'dispatcher', when: mins(10, 45), body: { action: 'dispatch', ...(fate.redispatchTo ? { department: fate.redispatchTo } : {}), note: '重新派遣' } };
    case 'dispatched':
      if (fate.returns && !p.returned && !p.reopened) return { who: 'handler', when: mins(10, 60), body: { action: 'return', note: '经核实不属本部门职责，请重新派遣' } };
      return { who: 'handler', when: mins(10, 90), body: { action: 'accept' } };
    case 'handling': {
      if (t.extensionPending) {
        const approve = fate.extension?.approve ?? true;
        return { who: 'dispatcher', when: mins(10, 60), body: approve ? { action: 'approve_extension' } : { action: 'deny_extension', note: '理由不充分，请按期办结' } };
      }
      if (fate.escalate && !p.escalated && t.tier !== 'city') return { who: 'dispatcher', when: mins(30, 120), body: { action: 'escalate', note: '超出本级处置权限，提请上级协调' } };
      if (fate.extension && !p.extensionAsked) return { who: 'handler', when: mins(30, 180), body: { action: 'request_extension', hours: fate.extension.hours, note: '需协调多部门联合处置，申请延期' } };
      if (fate.remind && !p.reminded) return { who: 'dispatcher', when: mins(60, 240), body: { action: 'remind', note: '请抓紧处置' } };
      const registered = t.registeredAt ? Date.parse(t.registeredAt) : null;
      if (fate.lateHandle && !p.lateDone && deadline !== null && registered !== null) {
        const at = lateAt(fate.lateHandle, registered, deadline, caseLimitMs(item, level, p.extensionHours), clock);
        return fate.lateHandle === 'yellow'
          ? { who: 'dispatcher', when: { serverAt: at }, late: true, body: { action: 'remind', note: '即将超期，请抓紧处置' } }
          : { who: 'dispatcher', when: { serverAt: at }, late: true, body: { action: 'supervise', note: '已超期，请立即处置并反馈' } };
      }
      // The work itself: a share of the item's handling limit, or a little after a late reminder.
      const work: When = fate.lateHandle && p.lateDone && p.feedbacks === 0 ? mins(30, 120) : { simMs: logUniform(rand, 0.15, 0.6) * item.limits[level].handle * HOUR };
      const photoDone = p.after > p.feedbacks;
      if (item.evidence.after && !photoDone) return { who: 'handler', when: work, photo: 'after' };
      return { who: 'handler', when: photoDone ? mins(2, 10) : work, body: { action: 'feedback', note: '已处置完毕，现场已恢复' } };
    }
    case 'feedback': {
      // A check on site is first pushed to the nearest phone, which walks there (智能推送).
      if (fate.checkBy === 'worker' && p.assignedFor !== p.feedbacks) return { who: 'dispatcher', when: mins(2, 10), assign: true };
      const pass = !(fate.rework && !p.reworked);
      return { who: fate.checkBy, when: mins(20, 180), body: { action: 'check', pass, note: pass ? '现场核查已整改到位' : '现场核查未整改到位，返工' } };
    }
    case 'closed':
      if (fate.rating && t.satisfaction === null && !t.selfHandled) {
        return { who: fate.rating.by, when: mins(60, 24 * 60), body: { action: 'rate', satisfaction: fate.rating.satisfaction, note: '回访' } };
      }
      if (t.satisfaction !== null && t.satisfaction <= 2 && fate.reopen && !p.reopened) {
        return { who: 'dispatcher', when: mins(30, 120), body: { action: 'reopen', note: '回访群众不满意，重新办理' } };
      }
      return null;
    default:
      return null;
  }
}
