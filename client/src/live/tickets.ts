// How a ticket changes the wall: the map's buffer, today's counts, the feed, a pulse.
// Pure with respect to React; called by the socket bridge and by re-sync.
import { FEED_CAP } from '../config.ts';
import { getState, setState, type Pulse } from '../store.ts';
import type { Ticket, TodayStats } from '../types.ts';
import { statusColor } from './statusColors.ts';

const PULSE_MS = 2000;

function bumpStats(stats: TodayStats, t: Ticket, previous: string | null): TodayStats {
  const byStatus = { ...stats.byStatus };
  if (previous === null) {
    byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
    return {
      ...stats,
      reported: stats.reported + 1,
      byStatus,
      byCategory: { ...stats.byCategory, [t.category]: (stats.byCategory[t.category] ?? 0) + 1 },
      byChild: stats.byChild.map((c) => (t.grid.code.startsWith(c.code) ? { ...c, reported: c.reported + 1 } : c)),
    };
  }
  byStatus[previous] = Math.max(0, (byStatus[previous] ?? 0) - 1);
  byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
  return { ...stats, byStatus };
}

/** One live ticket (new, or a new state of one we have). */
export function applyTicket(t: Ticket, todayStartMs: number): void {
  const s = getState();
  const known = s.tickets.has(t.id);
  if (!known && Date.parse(t.createdAt) < todayStartMs) return; // an old ticket moving on: not today's map
  const previous = s.tickets.statusOf(t.id) ?? null;
  if (known && previous === t.status) return;
  s.tickets.upsert(t, statusColor(t.status));

  const inFeed = s.feed.findIndex((f) => f.id === t.id);
  let feed: Ticket[];
  if (inFeed >= 0) {
    feed = s.feed.slice();
    feed[inFeed] = t;
  } else if (!known) {
    feed = [t, ...s.feed.slice(0, FEED_CAP - 1)];
  } else {
    feed = s.feed;
  }

  const now = performance.now();
  const pulses: Pulse[] = known
    ? s.pulses
    : [...s.pulses.filter((p) => now - p.t0 < PULSE_MS), { id: t.id, lon: t.lon, lat: t.lat, t0: now }];

  const selection =
    s.selection && t.grid.code === s.selection.code && !known
      ? { ...s.selection, tickets: [t, ...s.selection.tickets].slice(0, 20) }
      : s.selection;

  setState({
    ticketsVersion: s.tickets.version,
    stats: s.stats ? bumpStats(s.stats, t, known ? previous : null) : s.stats,
    feed,
    pulses,
    selection,
  });
}

/** Replace today's tickets with a fresh list from the server (newest first). */
export function replaceTickets(items: Ticket[], stats: TodayStats | null): void {
  const s = getState();
  const buf = s.tickets;
  buf.clear();
  // Oldest first so slot order follows time, as live tickets will.
  for (let i = items.length - 1; i >= 0; i--) {
    const t = items[i]!;
    buf.upsert(t, statusColor(t.status));
  }
  setState({
    ticketsVersion: buf.version,
    feed: items.slice(0, FEED_CAP),
    stats: stats ?? s.stats,
  });
}

export const PULSE_DURATION_MS = PULSE_MS;
