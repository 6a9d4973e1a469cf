// A ticket's light and deadline now (DOMAIN.md: green within the limit, yellow past 80 %,
// red overdue), on the working-day clock. Before registration the verification step's own
// limit runs from the report; from registration the case's limit (every later step, plus
// approved extensions) runs, paused time not counted; a closed case keeps the light it
// closed with. Pure: `now` is an argument.
import type { TicketRecord } from './ticket.ts';
import { lightOf, type Light, type WorkClock } from './workclock.ts';

export interface LightNow {
  light: Light | null;
  /** When the running limit ends (epoch ms), pauses so far included; null when none runs. */
  deadline: number | null;
}

export function lightNow(r: TicketRecord, now: number, clock: WorkClock, verifyLimitMs: number): LightNow {
  if (r.status === 'rejected') return { light: null, deadline: null };
  if (r.status === 'reported' || r.registeredAt === null || r.limitMs === null) {
    const start = r.stepStartedAt ?? r.createdAt;
    return { light: lightOf({ start, limitWorkingMs: verifyLimitMs, now }, clock), deadline: clock.addWorkingMs(start, verifyLimitMs) };
  }
  const end = r.closedAt ?? now;
  const paused = r.pausedMs + (r.pausedSince !== null ? clock.workingMsBetween(r.pausedSince, end) : 0);
  const deadline = clock.addWorkingMs(r.registeredAt, r.limitMs + paused);
  if (r.status === 'closed') return { light: r.onTime === false ? 'red' : 'green', deadline };
  return { light: lightOf({ start: r.registeredAt, limitWorkingMs: r.limitMs, now, pausedWorkingMs: paused }, clock), deadline };
}
