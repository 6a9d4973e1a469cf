// The server's clock on the wall. Every answer carrying `serverTime` (GET /api/stats/today,
// the `stats` push, the day's dots) sets the offset between it and this page's monotonic
// clock, performance.now(), which setting or drifting the wall PC's own clock does not move.
// The header clock and the wall's "now" and "today" are read from here, never from Date.now().
import { startOfDayCST } from '../../../server/domain/day.ts';

let offset: number | null = null;

/** `serverTime` of an answer. `sentAt`: performance.now() when its request left: the server's
 * instant is taken as the middle of the round trip, and sets the clock. Without it (a push),
 * it only ever moves the clock forward: a push is read after it was made, so one ahead of the
 * clock shows the clock behind, while one behind may just be late (replayed after a blip). */
export function noteServerTime(serverTime: number, sentAt?: number): void {
  if (!Number.isFinite(serverTime)) return;
  const now = performance.now();
  if (sentAt !== undefined) offset = serverTime - (sentAt + now) / 2;
  else if (offset === null || serverTime - now > offset) offset = serverTime - now;
}

/** Whether the server has told its time yet. */
export const serverClockKnown = (): boolean => offset !== null;

/** The server's now, epoch ms. Before its first answer, the page's own clock stands in (the
 * header clock shows it dimmed; no day is decided on it: the first load takes the server's). */
export function serverNow(): number {
  return performance.now() + (offset ?? performance.timeOrigin);
}

/** The first instant of the server's CST day now. */
export const serverDayStart = (): number => startOfDayCST(serverNow());
