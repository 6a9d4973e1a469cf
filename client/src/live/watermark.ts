// What a snapshot already holds. The wall reads snapshots — today's figures (GET
// /api/stats/today, the `stats` push) and today's dots (GET /api/tickets/day-dots) — each with
// its `watermark`: the last change (the server's global change sequence) it includes. Live
// `ticket` events carry `change`, the sequence of the change they announce:
//   - change ≤ watermark: already in the snapshot → ignored;
//   - change > watermark: news → applied;
//   - no change (a light turned by the deadline clock: time passed, no new state) → applied;
// and never a version older than the one held (a stale light queued behind a re-sync).
// Pure: the socket bridge (socket.ts, tickets.ts) and the tests use these.

export interface LiveChange {
  change?: number;
  version: number;
}

/** Whether a live ticket event moves what a snapshot read at `watermark` shows, given the
 * version of the ticket the wall holds (undefined: it holds none). */
export function isNews(ev: LiveChange, watermark: number, heldVersion?: number): boolean {
  if (ev.change !== undefined && ev.change <= watermark) return false;
  return heldVersion === undefined || ev.version >= heldVersion;
}

export interface FiguresMark {
  date: string;
  watermark: number;
}

/** Whether figures replace the ones shown: those of a later day, or of the same day read at
 * the same or a later watermark (equal: time passed, e.g. more tickets overdue now). */
export function replacesFigures(shown: FiguresMark | null, next: FiguresMark): boolean {
  if (!shown) return true;
  if (next.date !== shown.date) return next.date > shown.date;
  return next.watermark >= shown.watermark;
}
