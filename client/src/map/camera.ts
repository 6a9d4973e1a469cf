// Where the map looks. Panels call these; they never hold the map themselves.
import type { Map as MlMap, PaddingOptions } from 'maplibre-gl';
import type { BBox } from '../types.ts';

let map: MlMap | null = null;

export const setCameraMap = (m: MlMap | null): void => {
  map = m;
};

/** Screen space the overlaid panels cover, so what we fit to is not hidden under them. */
export function framePadding(withGridPanel: boolean): PaddingOptions {
  return { top: 130, bottom: 50, left: withGridPanel ? 660 : 60, right: 560 };
}

export function fitBbox(bbox: BBox, opts: { withGridPanel: boolean; maxZoom?: number; animate?: boolean }): void {
  if (!map) return;
  const [w, s, e, n] = bbox;
  map.fitBounds(
    [
      [w, s],
      [e, n],
    ],
    {
      padding: framePadding(opts.withGridPanel),
      maxZoom: opts.maxZoom ?? 16,
      duration: opts.animate === false ? 0 : 1200,
      essential: true,
    },
  );
}
