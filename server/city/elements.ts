// A grid's six elements (人、地、事、物、情、组织), or an area's as sums over its grids.
// Events (事) and situations (情) are read from the ticket store; things (物) from the
// components' index; people (人), places (地) and organisations (组织) are synthetic, drawn
// from the grid's households with a stream seeded by its code (no open register of
// residents, buildings or party branches exists), so the same grid always shows the same.
// Each section says whether it is synthetic.
import type { Grid, Net } from '../net/types.ts';
import type { TicketStore } from '../store/types.ts';
import type { Status } from '../domain/ticket.ts';
import type { ComponentRegistry } from './components.ts';
import { COMPONENT_CLASSES } from './kinds.ts';
import { rngFor } from './seeded.ts';

const ELEMENTS_SEED = 60611;
/** People per household (Jiangsu, 7th census: ~2.6). */
const PER_HOUSEHOLD = 2.6;
const OPEN_STATUSES: Status[] = ['reported', 'registered', 'dispatched', 'returned', 'handling', 'feedback'];
/** The risk categories a grid's situation (情) shows. */
export const RISK_CATEGORIES = ['security', 'work_safety', 'fire_safety'] as const;

export interface GridSynthetics {
  residents: number; migrants: number;
  keyGroups: { elderlyAlone: number; disabled: number; mentalHealth: number; corrections: number };
  buildings: number; estates: number;
  partyBranches: number; enterprises: number; socialOrganisations: number;
}

const within = (r: () => number, lo: number, hi: number) => lo + r() * (hi - lo);

/** A grid's people, places and organisations, drawn from its households and unit. */
export function gridSynthetics(g: Grid): GridSynthetics {
  const r = rngFor(ELEMENTS_SEED, g.code);
  const residents = Math.round(g.households * within(r, PER_HOUSEHOLD - 0.3, PER_HOUSEHOLD + 0.3));
  const dense = g.households / Math.max(g.areaKm2, 0.01) > 3000; // flats, not village houses
  const firms = g.unit === '企业' ? 1 : g.unit === '工业园区' || g.unit === '物流园' ? Math.round(within(r, 15, 80)) : 0;
  return {
    residents,
    migrants: Math.round(residents * within(r, 0.08, 0.35)),
    keyGroups: {
      elderlyAlone: Math.round(residents * within(r, 0.015, 0.04)),
      disabled: Math.round(residents * within(r, 0.012, 0.022)),
      mentalHealth: Math.round(residents * within(r, 0.002, 0.004)),
      corrections: Math.round(residents * within(r, 0.0002, 0.001)),
    },
    buildings: g.type === 'dedicated' ? Math.round(within(r, 2, 14)) : Math.round(g.households / (dense ? within(r, 24, 60) : within(r, 1.1, 1.6))),
    estates: dense ? Math.max(1, Math.round(g.households / within(r, 250, 800))) : 0,
    partyBranches: 1, // every grid has its branch (网格党支部), regrouped with the grid
    enterprises: firms + Math.round(g.households * within(r, 0.004, 0.02)),
    socialOrganisations: Math.floor(within(r, 0, 3.5)),
  };
}

function add(a: GridSynthetics, b: GridSynthetics) {
  a.residents += b.residents; a.migrants += b.migrants;
  for (const k of Object.keys(a.keyGroups) as (keyof GridSynthetics['keyGroups'])[]) a.keyGroups[k] += b.keyGroups[k];
  a.buildings += b.buildings; a.estates += b.estates;
  a.partyBranches += b.partyBranches; a.enterprises += b.enterprises; a.socialOrganisations += b.socialOrganisations;
}

export async function elementsOf(code: string, prefix: string, deps: { net: Net; store: TicketStore; components: ComponentRegistry; now: () => number }) {
  const { net, store, components } = deps;
  const c = components.data();
  const sums: GridSynthetics = { residents: 0, migrants: 0, keyGroups: { elderlyAlone: 0, disabled: 0, mentalHealth: 0, corrections: 0 }, buildings: 0, estates: 0, partyBranches: 0, enterprises: 0, socialOrganisations: 0 };
  const byClass = COMPONENT_CLASSES.map((k) => ({ code: k.code, name: k.name, total: 0, normal: 0, damaged: 0, missing: 0 }));
  let grids = 0;
  c.gridCodes.forEach((gc, k) => {
    if (!gc.startsWith(prefix)) return;
    grids++;
    add(sums, gridSynthetics(net.areas.get(gc) as Grid));
    for (let j = c.gridStart[k]; j < c.gridStart[k + 1]; j++) {
      const i = c.byGrid[j];
      const row = byClass[c.cls[i] - 1];
      row.total++;
      const s = components.state(i);
      if (s === 0) row.normal++; else if (s === 1) row.damaged++; else row.missing++;
    }
  });
  const now = deps.now();
  const [counts, risks, overdue] = await Promise.all([
    store.count({ area: prefix }, prefix.length),
    Promise.all(RISK_CATEGORIES.map(async (category) => ({ category, open: await store.countWhere({ area: prefix, category, statuses: OPEN_STATUSES }) }))),
    store.overdue(prefix, now),
  ]);
  return {
    code, grids,
    people: { synthetic: true, residents: sums.residents, migrants: sums.migrants, keyGroups: sums.keyGroups },
    places: { synthetic: true, buildings: sums.buildings, estates: sums.estates },
    events: { synthetic: false, total: counts.total, byStatus: counts.byStatus },
    things: { synthetic: true, total: byClass.reduce((n, r) => n + r.total, 0), byClass },
    situations: { synthetic: false, risks, overdue },
    organisations: { synthetic: true, partyBranches: sums.partyBranches, enterprises: sums.enterprises, socialOrganisations: sums.socialOrganisations },
  };
}
