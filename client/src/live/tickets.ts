// How the server's news changes the wall. Pure with respect to React; called by the socket
// bridge (socket.ts) and the loaders (sync.ts).
//
// Who moves what — one source per thing shown, so nothing is counted twice:
//   - the header's figures and the chart come only from the server (GET /api/stats/today and
//     the `stats` push, the same object): a newer snapshot replaces the shown one whole
//     (watermark.ts). The wall never adds a live ticket to a count itself: the pushes follow
//     every change within a second, and a local "+1" on top of them would count it twice.
//   - the map's dots come from the day's dots (their own watermark) plus the live `ticket`
//     events the dots do not hold yet (watermark.ts `isNews`);
//   - the feed and the selected grid's list come from small JSON pages plus the same events,
//     each ticket kept in its latest version.
import { FEED_CAP } from '../config.ts';
import { getState, setState, type Pulse, type Selection } from '../store.ts';
import type { LiveTicket, Ticket, TodayStats } from '../types.ts';
import type { DayDots } from './dayDots.ts';
import { isDone } from './statusColors.ts';
import { isNews, replacesFigures } from './watermark.ts';

const PULSE_MS = 2000;
/** Rings at once, at most: a burst of urgent news draws attention, not a carpet of rings. */
const MAX_PULSES = 12;

/** What earns a ring (pulseLayer.ts): news that needs someone now — a new ticket already 预警
 * or overdue or under 督办, or a ticket turning overdue. Not every arrival: at the demo's
 * rate (one a second) rings everywhere were noise. */
export function isUrgentNews(t: LiveTicket, heldBefore: boolean, redBefore: boolean): boolean {
  if (isDone(t.status)) return false;
  if (!heldBefore) return t.light === 'red' || t.light === 'yellow' || (t.supervised ?? 0) > 0;
  return t.light === 'red' && !redBefore;
}
const DAY_MS = 86_400_000;

/** Figures from the server: shown if newer than those shown (`force`: a full re-sync, where
 * a server whose store began again may count from a lower watermark). */
export function showStats(stats: TodayStats, force = false): boolean {
  if (!force && !replacesFigures(getState().stats, stats)) return false;
  setState({ stats });
  return true;
}

/** A ticket into a list kept newest first by id (ids sort as their sequences): replaces the
 * ticket's entry if this state is not older, or goes in at its place if it is among the
 * `cap` newest. The entry keeps what the live event leaves out (the reporter, for who may see it). */
export function mergeNewestFirst<T extends Ticket>(list: T[], t: Ticket, cap: number): T[] {
  const i = list.findIndex((x) => x.id === t.id);
  if (i >= 0) {
    if (t.version < list[i]!.version) return list;
    const out = list.slice();
    out[i] = { ...list[i]!, ...t };
    return out;
  }
  const at = list.findIndex((x) => x.id < t.id);
  if (at < 0 && list.length >= cap) return list; // older than every one shown
  const out = list.slice();
  out.splice(at < 0 ? out.length : at, 0, t as T);
  return out.length > cap ? out.slice(0, cap) : out;
}

/** One live ticket: a new one, or a new state of one. `day`: the CST day the wall shows. */
export function applyTicket(t: LiveTicket, day: { start: number }): void {
  const s = getState();
  const created = Date.parse(t.createdAt);
  const ofToday = created >= day.start && created < day.start + DAY_MS;

  let ticketsVersion = s.ticketsVersion;
  let pulses = s.pulses;
  const held = s.tickets.versionOf(t.id);
  if (ofToday && isNews(t, s.tickets.watermark, held)) {
    const redBefore = held !== undefined && s.tickets.lightOf(t.id) === 'red';
    s.tickets.upsert(t);
    ticketsVersion = s.tickets.version;
    if (isUrgentNews(t, held !== undefined, redBefore)) {
      const now = performance.now();
      pulses = [...s.pulses.filter((p) => now - p.t0 < PULSE_MS), { id: t.id, lon: t.lon, lat: t.lat, t0: now }].slice(-MAX_PULSES);
    }
  }
  // An old ticket moving on is not today's, but it may be in the selected grid's list.
  const feed = ofToday ? mergeNewestFirst(s.feed, t, FEED_CAP) : s.feed;
  let selection: Selection | null = s.selection;
  if (selection && t.grid.code === selection.code && !selection.outOfScope) {
    const tickets = mergeNewestFirst(selection.tickets, t, 20);
    if (tickets !== selection.tickets) selection = { ...selection, tickets };
  }
  if (ticketsVersion === s.ticketsVersion && feed === s.feed && selection === s.selection) return;
  setState({ ticketsVersion, feed, pulses, selection });
}

/** The day afresh: its dots on the map, its latest tickets in the feed, its figures. */
export function replaceDay(dots: DayDots, latest: Ticket[], stats: TodayStats): void {
  const s = getState();
  const start = Date.parse(`${dots.date}T00:00:00+08:00`);
  s.tickets.load(dots);
  const feed = latest
    .filter((t) => Date.parse(t.createdAt) >= start)
    .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, FEED_CAP);
  setState({ day: { date: dots.date, start }, ticketsVersion: s.tickets.version, feed, pulses: [] });
  showStats(stats, true);
}

export const PULSE_DURATION_MS = PULSE_MS;
