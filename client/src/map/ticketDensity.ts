// When a day's tickets are too many to tell apart (the simulator's demo day is 86,400; the
// real city makes 2,500–4,000), the map draws one by one only what needs attention and
// aggregates the rest. Pure, so the rule is tested without a map:
//   - zoomed in to street level (DOT_ZOOM) or with few tickets (DOT_BUDGET), every ticket is
//     a dot, as before;
//   - else the open tickets are dots worst light first — overdue always, then 预警, then the
//     ones within their limit — as long as the dots stay within the budget; everything else
//     (finished ones, and open ones the budget leaves out) goes into hexagons (ticketLayers.ts);
//   - the overdue halo breathes only when the overdue dots can be told apart: at street
//     level, or when they are few. Hundreds of breathing halos were the "pulsing blob".
import { LIGHT_CODES } from '../live/statusColors.ts';

/** From this zoom a street fills the map: dots there are seen one by one. */
export const DOT_ZOOM = 12.5;
/** Dots the city view can hold legibly on a 1080-high wall (more is a carpet, not dots). */
export const DOT_BUDGET = 1500;
/** Breathing halos the city view can hold before they merge into one. */
export const HALO_MAX = 150;

export const GREEN = LIGHT_CODES.indexOf('green');
export const YELLOW = LIGHT_CODES.indexOf('yellow');
export const RED = LIGHT_CODES.indexOf('red');

export interface Tally {
  /** Open tickets per light, LIGHT_CODES order (no light counted as green). */
  open: ArrayLike<number>;
  done: number;
}

/** null: every ticket a dot. Else the mildest light drawn as a dot; the rest aggregate. */
export function dotThreshold(zoom: number, t: Tally): number | null {
  let total = t.done;
  for (let l = 0; l < t.open.length; l++) total += t.open[l]!;
  if (zoom >= DOT_ZOOM || total <= DOT_BUDGET) return null;
  let threshold = RED; // overdue: always one by one, however many
  let n = t.open[RED] ?? 0;
  for (let l = YELLOW; l >= GREEN; l--) {
    n += t.open[l] ?? 0;
    if (n > DOT_BUDGET) break;
    threshold = l;
  }
  return threshold;
}

/** Whether the overdue halo breathes at this zoom with this many overdue tickets. */
export const haloBreathes = (zoom: number, overdue: number): boolean => overdue > 0 && (zoom >= DOT_ZOOM || overdue <= HALO_MAX);
