// Loads what the wall shows from the server: once at start, again after every reconnect
// that Socket.IO could not recover (missed events), and when the server's day turns.
import { fetchArea, fetchDayDots, fetchLabels, fetchMeta, fetchStatsToday, fetchTicketPage } from '../api.ts';
import { signedIn, wallArea } from '../auth/session.ts';
import { FEED_CAP } from '../config.ts';
import { wallHandle } from '../map/testHandle.ts';
import { getState, namesFromMeta, setState, type LabelLevel } from '../store.ts';
import { replaceDay, showStats } from './tickets.ts';
import { settleView } from '../view.ts';

export async function loadMeta(): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const meta = await fetchMeta();
      setState({ meta, names: namesFromMeta(meta) });
      return;
    } catch (e) {
      console.warn('meta', e);
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** attempt)));
    }
  }
}

/** The account's scope as an area (its name, level and bbox): the wall's frame. */
export async function loadScope(): Promise<void> {
  await signedIn();
  for (let attempt = 0; ; attempt++) {
    try {
      const scope = await fetchArea(wallArea());
      setState({ scope });
      settleView(scope.code);
      return;
    } catch (e) {
      console.warn('scope', e);
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** attempt)));
    }
  }
}

/** The server's today afresh: its figures, every one of its tickets as a dot (no cap), and
 * the latest few in full for the feed. "Today" is the server's: the dots come for its date.
 * Answers that straddle its midnight (figures of one day, dots of another) are asked again. */
export async function resyncToday(): Promise<{ date: string; start: number }> {
  const area = wallArea();
  for (let attempt = 0; ; attempt++) {
    const [stats, got, page] = await Promise.all([fetchStatsToday(area), fetchDayDots(area), fetchTicketPage({ area, limit: FEED_CAP })]);
    if (stats.date !== got.dots.date && attempt < 2) continue;
    const t0 = performance.now();
    replaceDay(got.dots, page.items, stats);
    const applyMs = performance.now() - t0;
    wallHandle().dayDots = { count: got.dots.count, bytes: got.bytes, fetchMs: got.fetchMs, decodeMs: got.decodeMs, applyMs };
    return getState().day!;
  }
}

/** The periodic re-read of the figures (a safety net under the pushes). False when they are of
 * another day than the one shown: the caller re-syncs. */
export async function refreshStats(): Promise<boolean> {
  const stats = await fetchStatsToday(wallArea());
  const day = getState().day;
  if (day && day.date !== stats.date) return false;
  showStats(stats);
  return true;
}

const labelsInFlight = new Set<string>();

/** Label points of one level, fetched once when the zoom first needs them. */
export async function loadLabels(level: LabelLevel): Promise<void> {
  if (getState().labels[level] || labelsInFlight.has(level)) return;
  labelsInFlight.add(level);
  try {
    const list = await fetchLabels(level);
    setState((s) => ({ labels: { ...s.labels, [level]: list } }));
  } catch (e) {
    console.warn('labels', level, e);
  } finally {
    labelsInFlight.delete(level);
  }
}
