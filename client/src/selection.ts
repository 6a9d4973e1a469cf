// Drill-down: click on the map → the grid under the point → its panel, outline and view.
import { fetchArea, fetchGrids, fetchTicketPage, locate } from './api.ts';
import { wallArea } from './auth/session.ts';
import { CITY_CODE } from './config.ts';
import { fitBbox } from './map/camera.ts';
import { getState, setState } from './store.ts';

let token = 0;

/** Inside the account's scope (a code prefix; the city holds everything)? */
const inScope = (code: string): boolean => {
  const scope = wallArea();
  return scope === CITY_CODE || code.startsWith(scope);
};

export async function selectAt(lon: number, lat: number): Promise<void> {
  const my = ++token;
  try {
    const found = await locate(lon, lat);
    if (my !== token) return;
    if (!found?.grid) return; // outside the city: keep what is shown
    await selectGrid(found.grid.code, my);
  } catch (e) {
    console.warn('locate', e);
  }
}

export async function selectGrid(code: string, my = ++token): Promise<void> {
  // A grid outside the scope is shown (the net is public), but not its tickets.
  const outOfScope = !inScope(code);
  setState({ selection: { code, status: 'loading', area: null, geometry: null, tickets: [], outOfScope } });
  try {
    const ticketsP = outOfScope ? Promise.resolve(null) : fetchTicketPage({ area: code, limit: 20 }).catch(() => null);
    const [area, geometry] = await Promise.all([fetchArea(code), fetchGrids(code)]);
    if (my !== token) return;
    setState({ selection: { code, status: 'ready', area, geometry, tickets: [], outOfScope } });
    fitBbox(area.bbox, { withGridPanel: true, maxZoom: 16 });
    const page = await ticketsP;
    const sel = getState().selection;
    if (my !== token || !sel || sel.code !== code || !page) return;
    // Live tickets may have been prepended meanwhile: merge by id, newest first.
    const seen = new Set(sel.tickets.map((t) => t.id));
    const tickets = [...sel.tickets, ...page.items.filter((t) => !seen.has(t.id))].slice(0, 20);
    setState({ selection: { ...sel, tickets } });
  } catch (e) {
    if (my !== token) return;
    setState({ selection: { code, status: 'error', area: null, geometry: null, tickets: [], outOfScope, error: String(e) } });
  }
}

export function clearSelection(): void {
  token++;
  if (getState().selection) setState({ selection: null });
}

/** Breadcrumb: show an ancestor (district, street, community or the city) whole. */
export async function fitArea(code: string): Promise<void> {
  try {
    const area = await fetchArea(code);
    fitBbox(area.bbox, { withGridPanel: getState().selection !== null, maxZoom: 16 });
  } catch (e) {
    console.warn('area', e);
  }
}
