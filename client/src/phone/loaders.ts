// What the phone reads from the server besides its inbox: today's patrol figures (only ever
// the server's: it saw the fixes), the item catalogue, the names of the worker's grids, and
// which grid the phone stands in. Each keeps what it had when the network is gone.
import { fetchArea, fetchCatalogue, fetchPatrolToday, locate } from './api.ts';
import { metres } from './patrol.ts';
import { getPhone, setPhone } from './state.ts';

const TODAY_EVERY_MS = 60_000;

export async function loadToday(): Promise<void> {
  try {
    const today = await fetchPatrolToday();
    setPhone({ today, todayAt: Date.now() });
  } catch {
    /* the card keeps its last figures and says when they are from */
  }
}

let todaySoon: ReturnType<typeof setTimeout> | undefined;
export function loadTodaySoon(): void {
  clearTimeout(todaySoon);
  todaySoon = setTimeout(() => void loadToday(), 1500);
}

export function startToday(): () => void {
  void loadToday();
  const timer = setInterval(() => document.visibilityState === 'visible' && void loadToday(), TODAY_EVERY_MS);
  return () => clearInterval(timer);
}

export async function loadCatalogue(): Promise<void> {
  for (let attempt = 0; !getPhone().catalogue; attempt++) {
    try {
      const catalogue = await fetchCatalogue();
      setPhone({ catalogue, items: new Map(catalogue.items.map((i) => [i.code, i])) });
    } catch {
      await new Promise((r) => setTimeout(r, Math.min(30_000, 2000 * 2 ** attempt)));
    }
  }
}

/** The worker's grids by name (the codes are known at once, from the account). */
export async function loadGrids(codes: string[]): Promise<void> {
  setPhone({ grids: codes.map((code) => ({ code, name: code })) });
  const named = await Promise.all(codes.map((code) => fetchArea(code).then((a) => ({ code, name: a.name })).catch(() => ({ code, name: code }))));
  setPhone({ grids: named });
}

let asked: { lon: number; lat: number } | null = null;
/** Which grid the phone is in, asked again after 30 m of movement. */
export async function locateHere(): Promise<void> {
  const here = getPhone().here;
  if (!here || (asked && metres(asked, here) < 30)) return;
  asked = { lon: here.lon, lat: here.lat };
  try {
    const found = await locate(here.lon, here.lat);
    setPhone({ hereGrid: found ? found.grid : null });
  } catch {
    asked = null; // offline: ask again next time
  }
}
