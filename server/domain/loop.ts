// The closed loop (六步闭环) as a state machine: pure, no I/O. Given a ticket's loop state,
// an action and who is acting, `act` answers the next state and the timeline entry, or why
// not (403: not this actor's to do; 409: not from this state; 400: the action's input).
//
//   reported ─verify→ registered ─dispatch→ dispatched ─accept→ handling ─feedback→ feedback ─check(pass)→ closed
//      │                 ▲   │                  │                 ▲  │                   │
//      ├─reject→ rejected│   └─escalate (tier+1, back to registered)  └─check(fail): rework┘
//      └─self_handle→ closed (a grid worker's 自处置)   returned ←return─┘      closed ─reopen (once)→ dispatched
//
// Along the way: 催办 remind and 督办 supervise (counted), 延期 request/approve/deny (the
// clock is paused while a request waits), 评价 rate after closing. Time limits run in
// working hours from registration; the caller's clock (server/domain/workclock.ts) turns
// them into instants, so this file only adds and compares working milliseconds.
import type { Principal } from '../auth/principal.ts';
import type { Status } from './ticket.ts';
import type { Level, Step } from './catalogue.ts';

export { LEVEL_CODES, type Level, type Step } from './catalogue.ts';
/** Where a case is handled (四级联动): it moves up when it is beyond a level's power. */
export const TIERS = ['community', 'street', 'district', 'city'] as const;
export type Tier = (typeof TIERS)[number];

/** What the loop needs to know of a catalogue item. */
export interface ItemRules {
  code: string;
  department: string;
  platform: string;
  selfHandle: boolean;
  /** Working hours per step, per information level. */
  limits: Record<Level, Record<Step, number>>;
  evidence: { before: boolean; after: boolean };
}

export const REJECT_REASONS = ['invalid', 'duplicate', 'out_of_scope'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The loop's part of a ticket: everything an action reads or changes. */
export interface LoopState {
  status: Status;
  /** Optimistic concurrency: each transition increments it; a stale one is a 409. */
  version: number;
  gridCode: string;
  item: string | null;
  level: Level | null;
  platform: string | null;
  department: string | null;
  tier: Tier;
  reportedAt: number;
  registeredAt: number | null;
  /** The step now running and when it started (its own limit runs from there). */
  step: Step | null;
  stepStartedAt: number | null;
  /** Working ms allowed from registration to closing, approved extensions included. */
  limitMs: number | null;
  /** Working ms not counted (extension requests waiting), and since when if one waits now. */
  pausedMs: number;
  pausedSince: number | null;
  extensionHours: number | null;
  reminded: number;
  supervised: number;
  rework: number;
  escalated: number;
  reopened: boolean;
  selfHandled: boolean;
  satisfaction: number | null;
  rejectReason: RejectReason | null;
  duplicateOf: string | null;
  closedAt: number | null;
  /** Closed within its limit (the on-time rate's numerator), set when it closes. */
  onTime: boolean | null;
  /** Photos on the ticket, by kind (content hashes). */
  photos: { before: number; after: number };
  /** When the running limit turns the light yellow (80 %) and red (100 %); null when no
   * limit runs (closed, rejected, or paused while an extension request waits). Stored so
   * the deadline clock finds the tickets whose light changes, and "overdue now" is a query. */
  yellowAt: number | null;
  deadlineAt: number | null;
  /** The grid worker's device a task was pushed to (assign), if any. */
  assignee: string | null;
}

export type Action =
  | { action: 'verify'; item: string; level: Level; note?: string }
  | { action: 'reject'; reason: RejectReason; duplicateOf?: string; note: string }
  | { action: 'dispatch'; department?: string; platform?: string; note?: string }
  | { action: 'accept'; note?: string }
  | { action: 'return'; note: string }
  | { action: 'request_extension'; hours: number; note: string }
  | { action: 'approve_extension'; note?: string }
  | { action: 'deny_extension'; note: string }
  | { action: 'remind'; note?: string }
  | { action: 'supervise'; note: string }
  | { action: 'escalate'; note: string }
  | { action: 'feedback'; note: string }
  | { action: 'check'; pass: boolean; note?: string }
  | { action: 'self_handle'; item: string; note: string }
  | { action: 'rate'; satisfaction: number; note?: string }
  | { action: 'reopen'; note: string }
  /** A task pushed to a grid worker's phone (智能推送): 核实 on site for a report, 核查 for a result. */
  | { action: 'assign'; worker: string; note?: string }
  /** A photo uploaded (POST /api/tickets/:id/photos): evidence before or after handling. */
  | { action: 'attach'; kind: 'before' | 'after'; photo: string; note?: string };

export type ActionName = Action['action'];

/** Who acts: a principal, or the product itself (the deadline clock's automatic 督办). */
export type Actor = Pick<Principal, 'kind' | 'id' | 'role' | 'scope' | 'department' | 'grids'> | { kind: 'system'; id: 'system'; role: 'system'; scope: string };

export interface Context {
  actor: Actor;
  now: number;
  /** An item of the catalogue by code. */
  item(code: string): ItemRules | undefined;
  /** Working ms in [a, b), and the instant `ms` working ms after `start`: the working-day clock. */
  workingMsBetween(a: number, b: number): number;
  addWorkingMs(start: number, ms: number): number;
  /** Whether a department code exists (a dispatcher may change the suggestion). */
  department(code: string): { platform: string } | undefined;
}

export interface TimelineEntry {
  at: number;
  actor: string;
  role: string;
  action: ActionName | 'report';
  from: Status | null;
  to: Status;
  note: string | null;
  /** What the action set (item, level, department, hours, pass, satisfaction…). */
  data: Record<string, unknown> | null;
}

export type Outcome =
  | { ok: true; next: LoopState; entry: TimelineEntry }
  | { ok: false; status: 400 | 403 | 409; message: string };

const OPEN: Status[] = ['registered', 'dispatched', 'returned', 'handling', 'feedback'];

/** For each action: the states it starts from and the roles that may take it. */
export const RULES: Record<ActionName, { from: Status[]; roles: string[]; name: string }> = {
  verify: { from: ['reported'], roles: ['dispatcher', 'admin'], name: '核实立案' },
  reject: { from: ['reported'], roles: ['dispatcher', 'admin'], name: '不予立案' },
  dispatch: { from: ['registered', 'returned'], roles: ['dispatcher', 'admin'], name: '分流交办' },
  accept: { from: ['dispatched'], roles: ['handler'], name: '签收' },
  return: { from: ['dispatched'], roles: ['handler'], name: '退回' },
  request_extension: { from: ['handling'], roles: ['handler'], name: '申请延期' },
  approve_extension: { from: ['handling'], roles: ['dispatcher', 'admin'], name: '批准延期' },
  deny_extension: { from: ['handling'], roles: ['dispatcher', 'admin'], name: '驳回延期' },
  remind: { from: OPEN, roles: ['dispatcher', 'admin'], name: '催办' },
  supervise: { from: OPEN, roles: ['dispatcher', 'admin', 'system'], name: '督办' },
  escalate: { from: ['registered', 'returned', 'handling'], roles: ['dispatcher', 'admin'], name: '上报升级' },
  feedback: { from: ['handling'], roles: ['handler'], name: '结果反馈' },
  check: { from: ['feedback'], roles: ['worker', 'dispatcher', 'admin'], name: '核查' },
  self_handle: { from: ['reported'], roles: ['worker'], name: '自处置' },
  rate: { from: ['closed'], roles: ['dispatcher', 'integration', 'admin'], name: '评价' },
  reopen: { from: ['closed'], roles: ['dispatcher', 'integration', 'admin'], name: '重办' },
  assign: { from: ['reported', 'feedback'], roles: ['dispatcher', 'admin'], name: '派给网格员' },
  attach: { from: ['reported', ...OPEN], roles: ['worker', 'handler', 'dispatcher', 'admin'], name: '上传照片' },
};

const HOUR = 3_600_000;
/** Working ms from registration to closing: every step after verification. */
const caseLimitMs = (item: ItemRules, level: Level) => (['dispatch', 'accept', 'handle', 'check'] as Step[]).reduce((sum, st) => sum + item.limits[level][st], 0) * HOUR;

/** Working ms the case has used so far (pauses excluded). */
export function usedMs(s: LoopState, now: number, workingMsBetween: Context['workingMsBetween']): number {
  if (s.registeredAt === null) return 0;
  const end = s.closedAt ?? now;
  const paused = s.pausedMs + (s.pausedSince !== null ? workingMsBetween(s.pausedSince, end) : 0);
  return Math.max(0, workingMsBetween(s.registeredAt, end) - paused);
}

const refuse = (status: 400 | 403 | 409, message: string): Outcome => ({ ok: false, status, message });

/** May this actor act on this ticket at all (beyond the role): a handler only on what is
 * dispatched to their department, a worker only in their grids. */
function actorMay(s: LoopState, actor: Actor): string | null {
  if (actor.role === 'handler') {
    const dep = (actor as { department?: string }).department;
    if (!dep || s.department !== dep) return `handler: the ticket is not dispatched to your department${dep ? ` ${dep}` : ''}`;
  }
  if (actor.role === 'worker') {
    const grids = (actor as { grids?: string[] }).grids ?? [];
    if (!grids.includes(s.gridCode)) return `worker: the ticket is not in your grid${grids.length > 1 ? 's' : ''}`;
  }
  return null;
}

export function act(s: LoopState, a: Action, ctx: Context): Outcome {
  const rule = RULES[a.action];
  if (!rule) return refuse(400, `action: unknown action ${String((a as { action: unknown }).action)}`);
  if (!rule.roles.includes(ctx.actor.role)) return refuse(403, `action: ${a.action} (${rule.name}) is not for the role ${ctx.actor.role}`);
  const mayNot = actorMay(s, ctx.actor);
  if (mayNot) return refuse(403, mayNot);
  if (!rule.from.includes(s.status)) return refuse(409, `action: ${a.action} (${rule.name}) cannot be taken from ${s.status}`);

  const now = ctx.now;
  const next: LoopState = { ...s, version: s.version + 1, photos: { ...s.photos } };
  let to: Status = s.status;
  let data: Record<string, unknown> | null = null;
  const startStep = (step: Step | null) => ((next.step = step), (next.stepStartedAt = step ? now : null));

  switch (a.action) {
    case 'verify': {
      const item = ctx.item(a.item);
      if (!item) return refuse(400, `item: no catalogue item ${a.item}`);
      Object.assign(next, { item: item.code, level: a.level, platform: item.platform, department: item.department, registeredAt: now, limitMs: caseLimitMs(item, a.level) });
      to = 'registered';
      startStep('dispatch');
      data = { item: item.code, level: a.level, suggested: { department: item.department, platform: item.platform } };
      break;
    }
    case 'reject':
      if (a.reason === 'duplicate' && !a.duplicateOf) return refuse(400, 'duplicateOf: name the ticket this one duplicates');
      Object.assign(next, { rejectReason: a.reason, duplicateOf: a.reason === 'duplicate' ? a.duplicateOf : null, closedAt: now });
      to = 'rejected';
      startStep(null);
      data = { reason: a.reason, ...(a.duplicateOf ? { duplicateOf: a.duplicateOf } : {}) };
      break;
    case 'dispatch': {
      const department = a.department ?? s.department;
      if (!department) return refuse(400, 'department: no suggestion to take; name one');
      const dep = ctx.department(department);
      if (!dep) return refuse(400, `department: no department ${department}`);
      Object.assign(next, { department, platform: a.platform ?? dep.platform });
      to = 'dispatched';
      startStep('accept');
      data = { department, platform: next.platform };
      break;
    }
    case 'accept':
      to = 'handling';
      startStep('handle');
      break;
    case 'return':
      to = 'returned';
      startStep('dispatch');
      data = { department: s.department };
      break;
    case 'request_extension':
      if (s.pausedSince !== null) return refuse(409, 'request_extension: a request already waits for approval');
      Object.assign(next, { pausedSince: now, extensionHours: a.hours });
      data = { hours: a.hours };
      break;
    case 'approve_extension':
    case 'deny_extension': {
      if (s.pausedSince === null || s.extensionHours === null) return refuse(409, `${a.action}: no extension request waits`);
      const approved = a.action === 'approve_extension';
      next.pausedMs = s.pausedMs + ctx.workingMsBetween(s.pausedSince, now);
      next.pausedSince = null;
      next.extensionHours = null;
      if (approved) next.limitMs = (s.limitMs ?? 0) + s.extensionHours * HOUR;
      data = { hours: s.extensionHours, approved };
      break;
    }
    case 'remind':
      next.reminded = s.reminded + 1;
      break;
    case 'assign':
      next.assignee = a.worker;
      data = { worker: a.worker };
      break;
    case 'supervise':
      next.supervised = s.supervised + 1;
      break;
    case 'escalate': {
      const i = TIERS.indexOf(s.tier);
      if (i === TIERS.length - 1) return refuse(409, 'escalate: the case is already at the city');
      Object.assign(next, { tier: TIERS[i + 1], escalated: s.escalated + 1 });
      to = 'registered';
      startStep('dispatch');
      data = { from: s.tier, to: TIERS[i + 1] };
      break;
    }
    case 'feedback': {
      const item = s.item ? ctx.item(s.item) : undefined;
      if (item?.evidence.after && s.photos.after === 0) return refuse(409, 'feedback: this item needs a photo after handling; upload it first');
      if (s.pausedSince !== null) return refuse(409, 'feedback: an extension request still waits for approval');
      to = 'feedback';
      startStep('check');
      break;
    }
    case 'check':
      if (a.pass) {
        to = 'closed';
        close(next, now, ctx);
      } else {
        to = 'handling';
        next.rework = s.rework + 1;
        startStep('handle');
      }
      data = { pass: a.pass };
      break;
    case 'self_handle': {
      const item = ctx.item(a.item);
      if (!item) return refuse(400, `item: no catalogue item ${a.item}`);
      if (!item.selfHandle) return refuse(409, `self_handle: item ${item.code} may not be handled on the spot; report it`);
      if ((item.evidence.before && s.photos.before === 0) || (item.evidence.after && s.photos.after === 0)) {
        return refuse(409, `self_handle: item ${item.code} needs photos ${[item.evidence.before && 'before', item.evidence.after && 'after'].filter(Boolean).join(' and ')}`);
      }
      Object.assign(next, { item: item.code, level: 'general', platform: item.platform, department: item.department, registeredAt: now, limitMs: caseLimitMs(item, 'general'), selfHandled: true });
      to = 'closed';
      close(next, now, ctx);
      data = { item: item.code };
      break;
    }
    case 'rate':
      if (s.satisfaction !== null) return refuse(409, 'rate: already rated');
      next.satisfaction = a.satisfaction;
      data = { satisfaction: a.satisfaction };
      break;
    case 'attach':
      next.photos[a.kind] = s.photos[a.kind] + 1;
      data = { kind: a.kind, photo: a.photo };
      break;
    case 'reopen':
      if (s.reopened) return refuse(409, 'reopen: a case is reopened (重办) once only');
      if (s.satisfaction === null || s.satisfaction >= 3) return refuse(409, 'reopen: only an unsatisfied reporter (satisfaction 1–2) has a case reopened');
      Object.assign(next, { reopened: true, closedAt: null, onTime: null });
      to = 'dispatched';
      startStep('accept');
      break;
  }
  next.status = to;
  Object.assign(next, limitTimes(next, ctx.addWorkingMs));
  if (to === 'closed' && s.status !== 'closed') data = { ...data, onTime: next.onTime };
  return { ok: true, next, entry: { at: now, actor: ctx.actor.id, role: ctx.actor.role, action: a.action, from: s.status, to, note: a.note ?? null, data } };
}

/** The instants the case's light turns yellow and red, pauses so far included. */
export function limitTimes(s: LoopState, addWorkingMs: Context['addWorkingMs']): Pick<LoopState, 'yellowAt' | 'deadlineAt'> {
  if (!OPEN.includes(s.status) || s.registeredAt === null || s.limitMs === null || s.pausedSince !== null) return { yellowAt: null, deadlineAt: null };
  return { yellowAt: addWorkingMs(s.registeredAt, Math.ceil((s.limitMs * 4) / 5) + s.pausedMs), deadlineAt: addWorkingMs(s.registeredAt, s.limitMs + s.pausedMs) };
}

/** A report's verification limit runs from the report itself. */
export function reportedTimes(s: LoopState, verifyLimitMs: number, addWorkingMs: Context['addWorkingMs']): Pick<LoopState, 'yellowAt' | 'deadlineAt'> {
  return { yellowAt: addWorkingMs(s.reportedAt, Math.ceil((verifyLimitMs * 4) / 5)), deadlineAt: addWorkingMs(s.reportedAt, verifyLimitMs) };
}

function close(next: LoopState, now: number, ctx: Context): void {
  next.closedAt = now;
  next.step = null;
  next.stepStartedAt = null;
  next.onTime = next.limitMs === null ? null : usedMs(next, now, ctx.workingMsBetween) <= next.limitMs;
}

/** The state of a ticket just reported. */
export function reportedState(gridCode: string, reportedAt: number): LoopState {
  return {
    status: 'reported', version: 1, gridCode, item: null, level: null, platform: null, department: null, tier: 'community',
    reportedAt, registeredAt: null, step: 'verify', stepStartedAt: reportedAt, limitMs: null, pausedMs: 0, pausedSince: null,
    extensionHours: null, reminded: 0, supervised: 0, rework: 0, escalated: 0, reopened: false, selfHandled: false,
    satisfaction: null, rejectReason: null, duplicateOf: null, closedAt: null, onTime: null, photos: { before: 0, after: 0 },
    yellowAt: null, deadlineAt: null, assignee: null,
  };
}

/** The actions this actor may take now (the console shows exactly these). */
export function allowedActions(s: LoopState, actor: Actor): ActionName[] {
  return (Object.keys(RULES) as ActionName[]).filter((name) => {
    const r = RULES[name];
    if (!r.roles.includes(actor.role) || !r.from.includes(s.status)) return false;
    if (actorMay(s, actor)) return false;
    if (name === 'approve_extension' || name === 'deny_extension') return s.pausedSince !== null;
    if (name === 'request_extension') return s.pausedSince === null;
    if (name === 'rate') return s.satisfaction === null;
    if (name === 'reopen') return !s.reopened && s.satisfaction !== null && s.satisfaction < 3;
    if (name === 'escalate') return s.tier !== 'city';
    return true;
  });
}
