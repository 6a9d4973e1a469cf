// The loop as a state machine: every legal transition, and every action from every state
// it may not start from (409), by every role it is not for (403), changing nothing.
import { describe, expect, it } from 'vitest';
import { act, allowedActions, reportedState, RULES, usedMs, type Action, type ActionName, type Actor, type Context, type ItemRules, type LoopState } from '../server/domain/loop.ts';
import { STATUS_CODES, type Status } from '../server/domain/ticket.ts';

const GRID = '320402001001001';
const T0 = Date.UTC(2026, 10, 23, 1); // 09:00 CST, a Monday
const H = 3_600_000;
const limits = (handle: number) => ({ verify: 2, dispatch: 1, accept: 2, handle, check: 8 });
const ITEMS: Record<string, ItemRules> = {
  manhole: { code: 'manhole', department: 'cgj', platform: 'zf', selfHandle: false, limits: { general: limits(24), major: limits(8), serious: limits(4) }, evidence: { before: false, after: false } },
  flyer: { code: 'flyer', department: 'cgj', platform: 'zf', selfHandle: true, limits: { general: limits(8), major: limits(4), serious: limits(2) }, evidence: { before: false, after: false } },
  photo: { code: 'photo', department: 'cgj', platform: 'zf', selfHandle: true, limits: { general: limits(8), major: limits(4), serious: limits(2) }, evidence: { before: true, after: true } },
};
const who = (role: string, extra: Partial<Actor> = {}): Actor => ({ kind: 'account', id: `${role}-1`, role, scope: '320402', ...extra } as Actor);
const dispatcher = who('dispatcher');
const handler = who('handler', { department: 'cgj' } as Partial<Actor>);
const otherHandler = who('handler', { department: 'gaj' } as Partial<Actor>);
const worker = who('worker', { grids: [GRID] } as Partial<Actor>);
const otherWorker = who('worker', { grids: ['320402001001002'] } as Partial<Actor>);

function ctx(actor: Actor, now = T0): Context {
  return {
    actor, now,
    item: (c) => ITEMS[c],
    workingMsBetween: (a, b) => Math.max(0, b - a), // round-the-clock: the working-day clock has its own tests
    addWorkingMs: (a, ms) => a + ms,
    department: (c) => ({ cgj: { platform: 'zf' }, gaj: { platform: 'zz' } } as Record<string, { platform: string }>)[c],
  };
}

/** Applies actions in order, each by its actor, failing the test on a refusal. */
function run(steps: [Actor, Action, number?][], s: LoopState = reportedState(GRID, T0)): LoopState {
  for (const [actor, a, at] of steps) {
    const o = act(s, a, ctx(actor, at ?? T0));
    if (!o.ok) throw new Error(`${a.action}: ${o.status} ${o.message}`);
    expect(o.next.version).toBe(s.version + 1);
    expect(o.entry).toMatchObject({ action: a.action, from: s.status, to: o.next.status, actor: actor.id });
    s = o.next;
  }
  return s;
}

const toHandling: [Actor, Action, number?][] = [
  [dispatcher, { action: 'verify', item: 'manhole', level: 'general' }],
  [dispatcher, { action: 'dispatch' }],
  [handler, { action: 'accept' }],
];

describe('the loop', () => {
  it('runs report → verify → dispatch → accept → feedback → check → close, on time', () => {
    const s = run([...toHandling, [handler, { action: 'feedback', note: '已更换井盖' }, T0 + 10 * H], [worker, { action: 'check', pass: true }, T0 + 12 * H]]);
    expect(s).toMatchObject({ status: 'closed', item: 'manhole', department: 'cgj', platform: 'zf', level: 'general', onTime: true, closedAt: T0 + 12 * H, limitMs: 35 * H });
  });

  it('closes late when the limit has passed, and counts rework and supervision', () => {
    let s = run([...toHandling, [dispatcher, { action: 'supervise', note: '请加快' }], [dispatcher, { action: 'remind' }], [handler, { action: 'feedback', note: 'x' }]]);
    s = run([[worker, { action: 'check', pass: false, note: '未修好' }]], s);
    expect(s).toMatchObject({ status: 'handling', rework: 1, supervised: 1, reminded: 1 });
    s = run([[handler, { action: 'feedback', note: 'y' }], [worker, { action: 'check', pass: true }, T0 + 36 * H]], s);
    expect(s).toMatchObject({ status: 'closed', onTime: false });
  });

  it('rejects with a reason; a duplicate names its original', () => {
    expect(act(reportedState(GRID, T0), { action: 'reject', reason: 'duplicate', note: '重复' }, ctx(dispatcher))).toMatchObject({ ok: false, status: 400 });
    const s = run([[dispatcher, { action: 'reject', reason: 'duplicate', duplicateOf: 'T0000000001', note: '重复' }]]);
    expect(s).toMatchObject({ status: 'rejected', rejectReason: 'duplicate', duplicateOf: 'T0000000001' });
  });

  it('a department returns a case for re-dispatch; the dispatcher may change the suggestion', () => {
    let s = run(toHandling.slice(0, 2));
    s = run([[handler, { action: 'return', note: '非本部门职责' }]], s);
    expect(s.status).toBe('returned');
    s = run([[dispatcher, { action: 'dispatch', department: 'gaj' }]], s);
    expect(s).toMatchObject({ status: 'dispatched', department: 'gaj', platform: 'zz' });
    expect(act(s, { action: 'accept' }, ctx(handler))).toMatchObject({ ok: false, status: 403 }); // not cgj's any more
    expect(run([[otherHandler, { action: 'accept' }]], s).status).toBe('handling');
  });

  it('an extension pauses the clock while it waits, and adds its hours when approved', () => {
    let s = run(toHandling);
    s = run([[handler, { action: 'request_extension', hours: 16, note: '需采购材料' }, T0 + 2 * H]], s);
    expect(act(s, { action: 'request_extension', hours: 1, note: 'again' }, ctx(handler))).toMatchObject({ ok: false, status: 409 });
    expect(act(s, { action: 'feedback', note: 'x' }, ctx(handler))).toMatchObject({ ok: false, status: 409 });
    s = run([[dispatcher, { action: 'approve_extension' }, T0 + 5 * H]], s);
    expect(s).toMatchObject({ pausedMs: 3 * H, pausedSince: null, limitMs: 51 * H });
    expect(usedMs(s, T0 + 10 * H, (a, b) => b - a)).toBe(7 * H);
    expect(act(s, { action: 'approve_extension' }, ctx(dispatcher))).toMatchObject({ ok: false, status: 409 });
  });

  it('escalates up the four levels, and no further than the city', () => {
    let s = run(toHandling.slice(0, 1));
    for (const tier of ['street', 'district', 'city']) {
      s = run([[dispatcher, { action: 'escalate', note: '超出权限' }]], s);
      expect(s).toMatchObject({ tier, status: 'registered' });
    }
    expect(act(s, { action: 'escalate', note: 'x' }, ctx(dispatcher))).toMatchObject({ ok: false, status: 409 });
    expect(s.escalated).toBe(3);
  });

  it('a grid worker handles an allowed item on the spot in their own grid, with the evidence it needs', () => {
    expect(run([[worker, { action: 'self_handle', item: 'flyer', note: '已清除' }]])).toMatchObject({ status: 'closed', selfHandled: true, onTime: true });
    expect(act(reportedState(GRID, T0), { action: 'self_handle', item: 'manhole', note: 'x' }, ctx(worker))).toMatchObject({ ok: false, status: 409 });
    expect(act(reportedState(GRID, T0), { action: 'self_handle', item: 'flyer', note: 'x' }, ctx(otherWorker))).toMatchObject({ ok: false, status: 403 });
    const noPhotos = act(reportedState(GRID, T0), { action: 'self_handle', item: 'photo', note: 'x' }, ctx(worker));
    expect(noPhotos).toMatchObject({ ok: false, status: 409, message: expect.stringContaining('before and after') });
    expect(run([[worker, { action: 'self_handle', item: 'photo', note: 'x' }]], { ...reportedState(GRID, T0), photos: { before: 1, after: 1 } }).status).toBe('closed');
  });

  it('an unsatisfied reporter has the case reopened once', () => {
    let s = run([...toHandling, [handler, { action: 'feedback', note: 'x' }], [worker, { action: 'check', pass: true }]]);
    expect(act(s, { action: 'reopen', note: 'x' }, ctx(dispatcher))).toMatchObject({ ok: false, status: 409 }); // not rated
    s = run([[dispatcher, { action: 'rate', satisfaction: 1 }], [dispatcher, { action: 'reopen', note: '问题未解决' }]], s);
    expect(s).toMatchObject({ status: 'dispatched', reopened: true, closedAt: null });
    s = run([[handler, { action: 'accept' }], [handler, { action: 'feedback', note: 'y' }], [worker, { action: 'check', pass: true }]], s);
    expect(act(s, { action: 'rate', satisfaction: 1 }, ctx(dispatcher))).toMatchObject({ ok: false, status: 409 }); // rated already
  });
});

describe('every illegal transition', () => {
  /** A state of each status, reached by legal actions. */
  const states: Record<Status, LoopState> = {
    reported: reportedState(GRID, T0),
    registered: run(toHandling.slice(0, 1)),
    rejected: run([[dispatcher, { action: 'reject', reason: 'invalid', note: 'x' }]]),
    dispatched: run(toHandling.slice(0, 2)),
    returned: run([...toHandling.slice(0, 2), [handler, { action: 'return', note: 'x' }]]),
    handling: run(toHandling),
    feedback: run([...toHandling, [handler, { action: 'feedback', note: 'x' }]]),
    closed: run([...toHandling, [handler, { action: 'feedback', note: 'x' }], [worker, { action: 'check', pass: true }]]),
  };
  const example: Record<ActionName, Action> = {
    verify: { action: 'verify', item: 'manhole', level: 'general' }, reject: { action: 'reject', reason: 'invalid', note: 'x' },
    dispatch: { action: 'dispatch' }, accept: { action: 'accept' }, return: { action: 'return', note: 'x' },
    request_extension: { action: 'request_extension', hours: 8, note: 'x' }, approve_extension: { action: 'approve_extension' },
    deny_extension: { action: 'deny_extension', note: 'x' }, remind: { action: 'remind' }, supervise: { action: 'supervise', note: 'x' },
    escalate: { action: 'escalate', note: 'x' }, feedback: { action: 'feedback', note: 'x' }, check: { action: 'check', pass: true },
    self_handle: { action: 'self_handle', item: 'flyer', note: 'x' }, rate: { action: 'rate', satisfaction: 5 }, reopen: { action: 'reopen', note: 'x' },
    attach: { action: 'attach', kind: 'after', photo: 'ab'.repeat(32) }, assign: { action: 'assign', worker: 'W320402001001001-1' },
  };
  const actorFor = (role: string) => ({ dispatcher, handler, worker, admin: who('admin'), integration: who('integration'), leader: who('leader'), display: who('display'), system: { kind: 'system', id: 'system', role: 'system', scope: '320400' } as Actor })[role]!;

  it('is a 409 from a state the action does not start from, and a 403 for a role it is not for', () => {
    let n409 = 0, n403 = 0;
    for (const name of Object.keys(RULES) as ActionName[]) {
      for (const status of STATUS_CODES) {
        const s = states[status];
        expect(s.status).toBe(status);
        for (const role of ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'display', 'integration', 'system']) {
          const o = act(s, example[name], ctx(actorFor(role)));
          // A handler acts only on what is dispatched to their department (cgj here).
          const notTheirs = role === 'handler' && s.department !== 'cgj';
          if (!RULES[name].roles.includes(role) || notTheirs) {
            expect(o, `${role} ${name} from ${status}`).toMatchObject({ ok: false, status: 403 });
            n403++;
          } else if (!RULES[name].from.includes(status)) {
            expect(o, `${role} ${name} from ${status}`).toMatchObject({ ok: false, status: 409, message: expect.stringContaining(`cannot be taken from ${status}`) });
            n409++;
          }
          if (!o.ok) expect(s).toEqual(states[status]); // nothing changed
        }
      }
    }
    expect(n409).toBeGreaterThan(80);
    expect(n403).toBeGreaterThan(400);
  });

  it('offers exactly the actions that would succeed', () => {
    for (const status of STATUS_CODES) {
      for (const actor of [dispatcher, handler, worker, otherHandler, otherWorker]) {
        const allowed = allowedActions(states[status], actor);
        for (const name of Object.keys(RULES) as ActionName[]) {
          const o = act(states[status], example[name], ctx(actor));
          // A refusal for the action's own input (400) is not about whether it is offered.
          if (o.ok || o.status !== 400) expect(allowed.includes(name), `${actor.id} ${name} from ${status}: ${o.ok ? 'ok' : o.message}`).toBe(o.ok);
        }
      }
    }
  });
});
