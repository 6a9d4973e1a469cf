// The grid teams around the phone carriers (workers.ts): urban base grid "4+X" = a liaison
// cadre (网格联络员) + a grid leader (网格长) + a full-time worker + 1 or more part-time
// workers + X volunteers; village base grid "3+X" (no full-time worker); dedicated grid
// "2+X" = leader + part-time worker(s) + X volunteers. In C市 3,967 cadres serve as
// liaisons, fewer than its 4,982 base grids, so one cadre serves a run of neighbouring base
// grids of one community. Everything here is synthetic and drawn from streams keyed
// `team <grid>` and `liaisons <community>`, never from the community's stream, so that
// adding the teams left every boundary, household figure and phone carrier as it was.
import type { Worker } from '../../server/net/types.ts';
import { maskedPhone, personName } from './naming.ts';
import type { Rng } from './random.ts';

/** Cadres serving as grid liaisons in C市 (the field report). */
export const LIAISON_CADRES = 3967;
/** One part-time worker per started this many households, at least one per grid. */
export const PART_TIME_HOUSEHOLDS = 400;

const int = (rng: Rng, n: number) => Math.floor(rng() * n);

/** The named members of a grid's team who carry no phone, and its number of volunteers. */
export interface GridTeamDraw {
  members: Worker[];
  volunteers: number;
}

/**
 * The rest of a grid's team, given its phone carriers: a leader, part-time workers until
 * there is one per started 400 households (at least one), and volunteers, more where more
 * households live. New members are numbered on after the carriers: W<grid>-<n>.
 */
export function gridTeam(gridCode: string, type: 'base' | 'dedicated', urban: boolean, households: number, carriers: Worker[], rng: Rng): GridTeamDraw {
  const partTime = Math.max(1, Math.ceil(households / PART_TIME_HOUSEHOLDS));
  const carried = carriers.filter((w) => w.role === 'part_time').length;
  const roles: Worker['role'][] = ['leader', ...new Array<Worker['role']>(Math.max(0, partTime - carried)).fill('part_time')];
  const members = roles.map((role, i) => ({
    id: `W${gridCode}-${carriers.length + i + 1}`,
    name: personName(rng),
    role,
    grid: gridCode,
    phone: maskedPhone(rng),
    carriesPhone: false,
  }));
  const volunteers = type === 'dedicated' ? 1 + int(rng, 4)
    : urban ? 2 + Math.floor(households / 100) + int(rng, 3)
      : 1 + Math.floor(households / 150) + int(rng, 3);
  return { members, volunteers };
}

/**
 * Liaison cadres per community: one where there is a base grid, and the rest shared by the
 * base grids beyond the first (largest remainder, ties to the lower index), LIAISON_CADRES
 * in all. Each quota is below the community's spare grids, so no cadre is left without one.
 */
export function liaisonCounts(baseCounts: number[], total = LIAISON_CADRES): number[] {
  const spare = baseCounts.map((n) => n - 1);
  const spareSum = spare.reduce((a, b) => a + b, 0);
  const extra = total - baseCounts.length;
  if (extra < 0 || extra > spareSum) throw new Error(`cannot give ${total} liaisons to ${baseCounts.length} communities`);
  const quota = spare.map((n) => (n * extra) / spareSum);
  const out = quota.map((q) => 1 + Math.floor(q));
  const left = total - out.reduce((a, b) => a + b, 0);
  quota.map((q, i) => ({ i, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.i - b.i)
    .slice(0, left).forEach((e) => out[e.i]++);
  return out;
}

/**
 * A community's liaison cadres: its base grids, in code order (west→east, north→south, so
 * runs are neighbours), cut into `n` runs as even as can be; cadre k serves run k.
 * Ids L<community>-<k>; `grid` is the first grid of the run, `grids` the run.
 */
export function liaisons(communityCode: string, baseGrids: string[], n: number, rng: Rng): Worker[] {
  const out: Worker[] = [];
  let start = 0;
  for (let k = 0; k < n; k++) {
    const end = Math.round(((k + 1) * baseGrids.length) / n);
    const grids = baseGrids.slice(start, end);
    start = end;
    out.push({ id: `L${communityCode}-${k + 1}`, name: personName(rng), role: 'liaison', grid: grids[0], grids, phone: maskedPhone(rng), carriesPhone: false });
  }
  return out;
}
