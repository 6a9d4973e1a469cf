// Loads what the wall shows from the server: once at start, again after every
// reconnect (missed events), and when the day rolls over.
import { fetchArea, fetchLabels, fetchMeta, fetchStatsToday, fetchTicketsSince, startOfTodayIso } from '../api.ts';
import { signedIn, wallArea } from '../auth/session.ts';
import { getState, namesFromMeta, setState, type LabelLevel } from '../store.ts';
import { replaceTickets } from './tickets.ts';

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
      return;
    } catch (e) {
      console.warn('scope', e);
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** attempt)));
    }
  }
}

/** Fetches today's tickets and counts and replaces what the store has. */
export async function resyncToday(): Promise<void> {
  const from = startOfTodayIso();
  const area = wallArea();
  const [items, stats] = await Promise.all([fetchTicketsSince(area, from), fetchStatsToday(area)]);
  replaceTickets(items, stats);
}

/** The periodic re-read of the counts; a new date means a new day: reload everything. */
export async function refreshStats(): Promise<boolean> {
  const stats = await fetchStatsToday(wallArea());
  const current = getState().stats;
  if (current && current.date !== stats.date) return false;
  setState({ stats });
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
