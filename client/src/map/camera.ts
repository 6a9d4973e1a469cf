// Where the map looks. Panels call these; they never hold the map themselves.
import type { Map as MlMap, PaddingOptions } from 'maplibre-gl';
import { remPx } from '../layout/scale.ts';
import type { BBox } from '../types.ts';

let map: MlMap | null = null;

export const setCameraMap = (m: MlMap | null): void => {
  map = m;
};

/** Screen space the panels cover (the header, the columns, the bars over the map), measured
 * from the page, so a fitted area lies in the free middle of the map at any wall size. The
 * selected grid's panel sits in the left column, so it needs no room of its own. */
export function framePadding(_withGridPanel?: boolean): PaddingOptions {
  const margin = remPx(1.5);
  const rect = (sel: string): DOMRect | undefined => document.querySelector(sel)?.getBoundingClientRect();
  const w = window.innerWidth;
  const h = window.innerHeight;
  const header = rect('.wall > .header');
  const left = rect('.left-column');
  const right = rect('.right-column');
  const top = rect('.map-top');
  const bottom = rect('.map-bottom');
  const pad = {
    top: Math.max(header?.bottom ?? 0, top?.bottom ?? 0) + margin,
    bottom: (bottom ? h - bottom.top : 0) + margin,
    left: (left?.right ?? 0) + margin,
    right: (right ? w - right.left : 0) + margin,
  };
  // A screen too small for the panels still gets a frame: never more than 80 % padded away.
  const sx = Math.min(1, (0.8 * w) / (pad.left + pad.right));
  const sy = Math.min(1, (0.8 * h) / (pad.top + pad.bottom));
  return { top: pad.top * sy, bottom: pad.bottom * sy, left: pad.left * sx, right: pad.right * sx };
}

let framed = 0;
/** The zoom the wall last framed an area at (a drill, a breadcrumb, a grid): a map zoomed well
 * beyond it was zoomed in by hand. */
export const framedZoom = (): number => framed;

export function fitBbox(bbox: BBox, opts: { withGridPanel: boolean; maxZoom?: number; animate?: boolean }): void {
  if (!map) return;
  const [w, s, e, n] = bbox;
  framed = Math.min(opts.maxZoom ?? 16, map.cameraForBounds([[w, s], [e, n]], { padding: framePadding(opts.withGridPanel) })?.zoom ?? map.getZoom());
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
