// One seeded ticket's way through the closed loop: every step is the real domain's `act()`
// (server/domain/loop.ts) with a system-like actor of the right role and place, at an
// instant on the working-day clock, and its KPI counters are the real `kpiCounts` under
// `kpiKeys`' keys; so states, timelines, yellow/deadline instants and counters are what
// the live product would have stored. Between steps the deadline clock is played as it
// runs live (server/loop/deadline-clock.ts): a light that turns red while the case is open
// gets one automatic 督办 from the system at the clock's next tick. Nothing happens at or
// after the history's end: a case whose next step would fall later stays where it is (the
// open tail).
import { act, type Action, type Actor, type Context, type LoopState, type TimelineEntry } from '../../server/domain/loop.ts';
import type { Catalogue, CatalogueItem, Level } from '../../server/domain/catalogue.ts';
import type { Departments } from '../../server/domain/departments.ts';
import type { WorkClock } from '../../server/domain/workclock.ts';
import type { Category, Source, Status } from '../../server/domain/ticket.ts';
import { ticketId } from '../../server/domain/ticket.ts';
import { AUTO_SUPERVISE_NOTE } from '../../server/loop/deadline-clock.ts';
import { CITY_CODE } from '../../server/net/codes.ts';
import type { Rand, World } from './world.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const OPEN = new Set<Status>(['registered', 'dispatched', 'returned', 'handling', 'feedback']);

/** How often the unusual paths are taken (shares of the tickets that reach the step). */
export const RATES = {
  /** A grid worker fixes it on the spot (自处置): patrol reports of a category with such an item. */
  selfHandle: 0.45,
  reject: { patrol: 0.012, hotline: 0.06, citizen: 0.09, camera: 0.07, department: 0.01 } as Record<Source, number>,
  verifyLate: 0.06,
  escalate: 0.02,
  escalateTwice: 0.15,
  returned: 0.04,
  /** Handling overruns the case's limit. */
  late: 0.05,
  /** …and of those, how many ask for more time first. */
  lateAsks: 0.4,
  extension: 0.015,
  approve: 0.78,
  remind: 0.08,
  supervise: 0.02,
  /** Stuck for weeks (the overdue tail). */
  stuck: 0.004,
  rework: 0.03,
  rate: { patrol: 0.15, hotline: 0.75, citizen: 0.5, camera: 0, department: 0.1 } as Record<Source, number>,
  reopen: 0.35,
};

const NOTES = {
  invalid: ['经核实不属实', '现场未发现所述问题', '信息不完整，无法核实'],
  duplicate: ['重复上报，已并入原工单', '同一问题已有工单在办'],
  out_of_scope: ['不属于网格事项受理范围，已告知反映人', '属司法程序事项，已引导通过法定途径解决'],
  returned: ['非本部门职责，请重新派遣', '地址信息有误，请核实后派遣', '事项分类不准确，请调整'],
  extension: ['需协调多部门联合处置，申请延期', '等待物资到位，申请延期', '需当事人配合，申请延期'],
  deny: ['时限内可完成，不予延期', '请按原时限办结'],
  supervise: ['请加强督办，按期办结', '群众多次反映，请重点督办'],
  escalate: ['涉及多部门，超出本级处置权限，提请上级协调', '情况复杂，上报升级'],
  feedback: ['已处置完毕', '已整改到位，详见处置后照片', '已现场处理并告知当事人', '已协调解决'],
  disputeFeedback: ['已调解完成，双方达成一致', '已上门走访并协调处理'],
  reworkCheck: ['现场核查未整改到位，退回返工', '问题仍然存在'],
  self: ['已现场劝导整改', '已自行处置完毕', '已清理完毕'],
  reopen: ['反映人不满意，重新办理'],
};

export interface PathDeps {
  world: World;
  catalogue: Catalogue;
  departments: Departments;
  clock: WorkClock;
  rand: Rand;
  /** Counts a step in the KPIs (generate.ts: kpiDelta's counters under its keys). */
  count(before: LoopState | null, after: LoopState, entry: TimelineEntry, source: string): void;
  /** The history's end: nothing happens at or after it. */
  endMs: number;
}

export interface NewCase {
  seq: number;
  gridIndex: number;
  source: Source;
  category: Category;
  item: CatalogueItem;
  /** The report's state (reportedState + its verification limit's instants). */
  state: LoopState;
  /** An earlier ticket of the same grid (a duplicate names it). */
  earlier: number | null;
}

/** Takes tickets down their paths, one at a time; made once per history (no closures per
 * ticket: the loader's keepNames makes each one cost). */
export class CaseRunner {
  private r: Run;
  private c!: NewCase;
  private worker!: Actor;
  private dispatcher!: Actor;
  private street = '';
  private limits!: CatalogueItem['limits'][Level];
  private handlerOf: string | null = null;
  private handlerNow: Actor | null = null;

  constructor(private readonly d: PathDeps) {
    this.r = new Run(d);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.d.rand() * xs.length)];
  }
  private chance(p: number): boolean {
    return this.d.rand() < p;
  }
  /** A share of a step's limit: mostly well inside it (mean ~0.37, at most 0.85), so a case
   * whose steps all take such shares closes on time. */
  private share(): number {
    return 0.05 + 0.8 * Math.pow(this.d.rand(), 1.6);
  }
  /** The instant `ms` working time after `from`, plus up to `jitterMin` minutes. */
  private after(from: number, ms: number, jitterMin = 5): number {
    return this.d.clock.addWorkingMs(from, Math.max(0, Math.round(ms))) + Math.floor(this.d.rand() * jitterMin * MINUTE) + 30_000;
  }
  private dispatcherAt(tier: LoopState['tier']): Actor {
    const g = this.c.state.gridCode;
    return this.d.world.dispatcher(tier === 'community' || tier === 'street' ? this.street : tier === 'district' ? g.slice(0, 6) : CITY_CODE);
  }
  private photo(actor: Actor, kind: 'before' | 'after', at: number): boolean {
    return this.r.do(at, actor, { action: 'attach', kind, photo: this.d.world.photo() });
  }
  /** The handler of the department the case is at now (the last one asked for, kept). */
  private handler(): Actor {
    const department = this.r.state.department!;
    if (department !== this.handlerOf) (this.handlerOf = department), (this.handlerNow = this.d.world.handler(department, this.c.state.gridCode));
    return this.handlerNow!;
  }

  /** Runs the loop for one ticket; answers its last state and the entries after the report. */
  run(c: NewCase): { state: LoopState; entries: TimelineEntry[] } {
    const { world, catalogue } = this.d;
    const r = this.r;
    r.start(c.state, c.source);
    this.c = c;
    this.worker = world.worker(c.gridIndex);
    this.street = c.state.gridCode.slice(0, 9);
    this.handlerOf = null;

    // 自处置: a grid worker's patrol finding fixed on the spot, photos before and after.
    const selfItem = c.source === 'patrol' && this.chance(RATES.selfHandle) ? world.selfHandleItem(c.category) : undefined;
    if (selfItem) {
      const t = c.state.reportedAt + 20_000 + Math.floor(this.d.rand() * 70_000);
      if (selfItem.evidence.before && !this.photo(this.worker, 'before', t)) return r.done();
      if (selfItem.evidence.after && !this.photo(this.worker, 'after', r.t + (5 + Math.floor(this.d.rand() * 35)) * MINUTE)) return r.done();
      r.do(r.t + 30_000 + Math.floor(this.d.rand() * 90_000), this.worker, { action: 'self_handle', item: selfItem.code, note: this.pick(NOTES.self) });
      return r.done();
    }

    // 核实立案 or 不予立案.
    const verifyMs = catalogue.itemForSpineCategory(c.category)!.limits.general.verify * HOUR;
    const verifyAt = this.after(c.state.reportedAt, verifyMs * (this.chance(RATES.verifyLate) ? 1 + this.d.rand() * 1.5 : this.share()));
    this.dispatcher = this.dispatcherAt('community');
    if (this.chance(RATES.reject[c.source])) {
      let reason = this.pick(REASONS[c.source]);
      if (reason === 'duplicate' && c.earlier === null) reason = 'invalid';
      r.do(verifyAt, this.dispatcher, reason === 'duplicate'
        ? { action: 'reject', reason, duplicateOf: ticketId(c.earlier!), note: this.pick(NOTES.duplicate) }
        : { action: 'reject', reason, note: this.pick(NOTES[reason]) });
      return r.done();
    }
    const level: Level = world.pickLevel(c.item);
    const limits = (this.limits = c.item.limits[level]);
    if (!r.do(verifyAt, this.dispatcher, { action: 'verify', item: c.item.code, level })) return r.done();

    // 上报升级: beyond this level's power, up one tier (rarely two).
    if (this.chance(RATES.escalate)) {
      if (!r.do(this.after(r.t, limits.dispatch * HOUR * this.share()), this.dispatcher, { action: 'escalate', note: this.pick(NOTES.escalate) })) return r.done();
      this.dispatcher = this.dispatcherAt(r.state.tier);
      if (this.chance(RATES.escalateTwice)) {
        if (!r.do(this.after(r.t, limits.dispatch * HOUR * this.share()), this.dispatcher, { action: 'escalate', note: this.pick(NOTES.escalate) })) return r.done();
        this.dispatcher = this.dispatcherAt(r.state.tier);
      }
    }
    if (!r.do(this.after(r.t, limits.dispatch * HOUR * this.share()), this.dispatcher, { action: 'dispatch' })) return r.done();
    // 退回: not this department's; dispatched again, to another department half of the time.
    if (this.chance(RATES.returned)) {
      if (!r.do(this.after(r.t, limits.accept * HOUR * this.share()), this.handler(), { action: 'return', note: this.pick(NOTES.returned) })) return r.done();
      const department = this.chance(0.5) ? world.otherDepartment(r.state.department!) : r.state.department!;
      if (!r.do(this.after(r.t, limits.dispatch * HOUR * this.share()), this.dispatcher, { action: 'dispatch', department })) return r.done();
    }
    if (!this.handled(false) || !this.checked()) return r.done();

    // 评价 (the 12345 hotline's return call, or the street's), and 重办 once when unsatisfied.
    if (this.chance(RATES.rate[c.source])) {
      const x = this.d.rand();
      const satisfaction = x < 0.6 ? 5 : x < 0.87 ? 4 : x < 0.96 ? 3 : x < 0.99 ? 2 : 1;
      const rater = c.source === 'hotline' ? world.integration('12345-hotline') : world.dispatcher(this.street);
      if (!r.do(this.after(r.t, 7.5 * HOUR * (0.3 + 2.5 * this.d.rand())), rater, { action: 'rate', satisfaction })) return r.done();
      if (satisfaction < 3 && this.chance(RATES.reopen)) {
        if (!r.do(this.after(r.t, HOUR * (0.2 + 3 * this.d.rand())), world.dispatcher(this.street), { action: 'reopen', note: this.pick(NOTES.reopen) })) return r.done();
        if (!this.handled(true) || !this.checked()) return r.done();
      }
    }
    return r.done();
  }

  /** 签收 to 结果反馈: false once past the end. */
  private handled(reopened: boolean): boolean {
    const { clock, rand, catalogue } = this.d;
    const r = this.r;
    const limits = this.limits;
    const handler = this.handler();
    if (!r.do(this.after(r.t, limits.accept * HOUR * this.share()), handler, { action: 'accept' })) return false;
    // How long handling takes: mostly well inside its limit; some overrun the whole case's
    // limit; a few are stuck for weeks.
    const caseMs = r.state.limitMs!;
    const late = !reopened && this.chance(RATES.late);
    let handleMs = limits.handle * HOUR * (reopened ? 0.1 + 0.4 * rand() : this.share());
    if (late) handleMs = Math.max(handleMs, caseMs * (1.02 + 0.8 * rand()) - (clock.workingMsBetween(r.state.registeredAt!, r.t) - r.state.pausedMs));
    if (!reopened && this.chance(RATES.stuck)) handleMs = Math.min(caseMs * (3 + 9 * rand()), 60 * clock.workdayMs);
    const start = r.t;
    // 催办 and 督办 while it is handled.
    if (this.chance(RATES.remind) && !r.do(this.after(start, handleMs * (0.2 + 0.5 * rand())), this.dispatcher, { action: 'remind' })) return false;
    if (this.chance(RATES.supervise) && !r.do(this.after(start, handleMs * (0.3 + 0.5 * rand())), this.d.world.dispatcher(this.c.state.gridCode.slice(0, 6)), { action: 'supervise', note: this.pick(NOTES.supervise) })) return false;
    // 延期: asked for, then approved or denied; the clock is paused while the request waits.
    let pausedMs = 0;
    if (!reopened && (late ? this.chance(RATES.lateAsks) : this.chance(RATES.extension))) {
      const hours = late ? Math.max(8, Math.ceil((handleMs - limits.handle * HOUR) / HOUR / 8 + 1) * 8) : 8 * (1 + Math.floor(rand() * 3));
      if (!r.do(this.after(start, Math.min(handleMs, limits.handle * HOUR) * (0.3 + 0.4 * rand())), handler, { action: 'request_extension', hours, note: this.pick(NOTES.extension) })) return false;
      const asked = r.t;
      const approved = this.chance(RATES.approve);
      if (!r.do(this.after(asked, HOUR * (0.1 + 2.5 * rand())), this.dispatcher, approved ? { action: 'approve_extension', note: '同意延期' } : { action: 'deny_extension', note: this.pick(NOTES.deny) })) return false;
      pausedMs = clock.workingMsBetween(asked, r.t);
    }
    const done = this.after(start, handleMs + pausedMs, 30);
    if (catalogue.byCode.get(r.state.item!)!.evidence.after && !this.photo(handler, 'after', done - (2 + Math.floor(rand() * 20)) * MINUTE)) return false;
    return r.do(done, handler, { action: 'feedback', note: this.pick(this.c.category === 'dispute' ? NOTES.disputeFeedback : NOTES.feedback) });
  }

  /** 核查结案, once after a 返工 now and then: false once past the end. */
  private checked(): boolean {
    const { rand, catalogue } = this.d;
    const r = this.r;
    let checkAt = this.after(r.t, this.limits.check * HOUR * this.share());
    if (this.chance(RATES.rework)) {
      if (!r.do(checkAt, this.worker, { action: 'check', pass: false, note: this.pick(NOTES.reworkCheck) })) return false;
      // Back to handling (no new 签收: check → handling), a new photo, a new feedback.
      const handler = this.handler();
      const again = this.after(r.t, this.limits.handle * HOUR * (0.1 + 0.4 * rand()), 30);
      if (catalogue.byCode.get(r.state.item!)!.evidence.after && !this.photo(handler, 'after', again - (2 + Math.floor(rand() * 20)) * MINUTE)) return false;
      if (!r.do(again, handler, { action: 'feedback', note: this.pick(NOTES.feedback) })) return false;
      checkAt = this.after(r.t, this.limits.check * HOUR * this.share());
    }
    return r.do(checkAt, this.worker, { action: 'check', pass: true });
  }
}

const REASONS: Record<Source, readonly ('invalid' | 'duplicate' | 'out_of_scope')[]> = {
  camera: ['invalid', 'invalid', 'invalid', 'duplicate'],
  hotline: ['duplicate', 'duplicate', 'invalid', 'out_of_scope'],
  citizen: ['invalid', 'duplicate', 'out_of_scope'],
  patrol: ['invalid', 'out_of_scope'],
  department: ['invalid', 'out_of_scope'],
};

/** The running case: its state, the entries so far, and the time it is at. */
class Run {
  state!: LoopState;
  /** The case's channel: its counters are kept per source too. */
  source = '';
  t = 0;
  entries: TimelineEntry[] = [];
  private ended = false;
  /** When the system last gave a 督办 (the deadline clock gives one per red light). */
  private lastAuto = -Infinity;
  private readonly ctx: Context;

  constructor(private readonly d: PathDeps) {
    const { catalogue, departments, clock } = d;
    this.ctx = {
      actor: d.world.system, now: 0,
      item: (code) => catalogue.byCode.get(code),
      workingMsBetween: clock.workingMsBetween,
      addWorkingMs: clock.addWorkingMs,
      department: (code) => departments.byCode.get(code),
    };
  }

  start(state: LoopState, source: string): void {
    this.state = state;
    this.source = source;
    this.t = state.reportedAt;
    this.entries = [];
    this.ended = false;
    this.lastAuto = -Infinity;
  }

  /** Acts at `at` (at least a second after the last step); false once past the end. */
  do(at: number, actor: Actor, action: Action): boolean {
    if (this.ended) return false;
    at = Math.max(Math.round(at), this.t + 1000);
    this.deadlineClock(Math.min(at, this.d.endMs));
    if (at >= this.d.endMs) {
      this.ended = true;
      return false;
    }
    this.apply(at, actor, action);
    return true;
  }

  done(): { state: LoopState; entries: TimelineEntry[] } {
    this.deadlineClock(this.d.endMs);
    return { state: this.state, entries: this.entries };
  }

  private apply(at: number, actor: Actor, action: Action): void {
    this.ctx.actor = actor;
    this.ctx.now = at;
    const o = act(this.state, action, this.ctx);
    if (!o.ok) throw new Error(`seed: ${action.action} by ${actor.id} refused (${o.status}): ${o.message}`);
    this.d.count(this.state, o.next, o.entry, this.source);
    this.state = o.next;
    this.entries.push(o.entry);
    this.t = at;
  }

  /** The deadline clock before `until`: a red light on an open case gets one 督办 at the
   * clock's next tick (it ticks every 10 s), unless the system gave one since it turned red. */
  private deadlineClock(until: number): void {
    const s = this.state;
    const red = s.deadlineAt;
    if (red === null || !OPEN.has(s.status) || red <= this.t || red >= until || this.lastAuto >= red) return;
    let at = red + 1 + Math.floor(this.d.rand() * 10_000);
    if (at >= until) at = red + Math.floor((until - red) / 2);
    if (at <= this.t || at >= until) return;
    this.apply(at, this.d.world.system, { action: 'supervise', note: AUTO_SUPERVISE_NOTE });
    this.lastAuto = at;
  }
}
