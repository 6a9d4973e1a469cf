// The wall is drawn at 1920×1080 and scaled by the root font size (layout.css): what is
// sized in CSS pixels outside CSS (deck.gl's pixel radii, ECharts' fonts) multiplies by this
// so it keeps its proportion on a 4K or tiled wall.

let cached = 0;
if (typeof window !== 'undefined') window.addEventListener('resize', () => (cached = 0));

/** CSS pixels per design pixel: 1 at 1080 px high, 2 at 2160. Read once per window size
 * (the map's layers ask on every frame they animate). */
export function uiScale(): number {
  if (typeof document === 'undefined') return 1;
  if (cached > 0) return cached;
  const px = parseFloat(getComputedStyle(document.documentElement).fontSize);
  cached = Number.isFinite(px) && px > 0 ? px / 16 : 1;
  return cached;
}

/** A size given in rem, in CSS pixels now. */
export const remPx = (rem: number): number => rem * 16 * uiScale();
