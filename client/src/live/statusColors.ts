// The loop's colours, one meaning each, calm on the dark map from across the room. An open
// ticket (reported … feedback) is coloured by its light on the working-day clock — green
// within its limit, yellow past 80 %, red overdue (the map also breathes a soft halo round
// the red ones) — and a finished one (closed, rejected) by its state, muted, so what still
// needs doing stands out over what is done.
export type RGBA = readonly [number, number, number, number];

export const LIGHT_CODES = ['none', 'green', 'yellow', 'red'] as const;
export type LightCode = (typeof LIGHT_CODES)[number];
export const LIGHT_NAME: Record<string, string> = { green: '正常', yellow: '预警', red: '超期' };

const DONE = new Set(['closed', 'rejected']);
export const isDone = (status: string): boolean => DONE.has(status);

export const LIGHT_RGB: Record<'green' | 'yellow' | 'red', readonly [number, number, number]> = {
  green: [72, 199, 142],
  yellow: [245, 196, 66],
  red: [255, 84, 84],
};
/** An open ticket whose light is unknown (none sent): neutral. */
const OPEN_OTHER: RGBA = [200, 206, 216, 220];
const DONE_RGBA: Record<string, RGBA> = {
  closed: [120, 156, 146, 120],
  rejected: [118, 124, 138, 100],
};
/** Outline of an open dot, so it reads over a done one and over the fills. */
export const OPEN_LINE: RGBA = [8, 14, 26, 210];

/** The fill of a ticket's dot. */
export function dotColor(status: string, light: string | null | undefined): RGBA {
  if (isDone(status)) return DONE_RGBA[status]!;
  const rgb = light === 'green' || light === 'yellow' || light === 'red' ? LIGHT_RGB[light] : null;
  return rgb ? [rgb[0], rgb[1], rgb[2], 235] : OPEN_OTHER;
}

/** The same as a CSS colour (text and dots in the panels: full strength, readable). */
export function ticketCss(t: { status: string; light?: string | null }): string {
  if (isDone(t.status)) return t.status === 'closed' ? 'rgb(134, 176, 164)' : 'rgb(136, 144, 160)';
  const [r, g, b] = dotColor(t.status, t.light);
  return `rgb(${r}, ${g}, ${b})`;
}
