// Picks the labels that fit on screen without overlapping, in rule order, on a
// spatial hash of 64-px cells. Runs on moveend, not per frame: a few ms for thousands.
import { uiScale } from '../layout/scale.ts';
import type { Map as MlMap } from 'maplibre-gl';
import type { LabelLevel } from '../store.ts';
import type { Label, LonLat } from '../types.ts';
import { LABEL_RULES } from './labelRules.ts';

export interface PlacedLabel {
  code: string;
  name: string;
  position: LonLat;
  size: number;
  color: [number, number, number, number];
}

const CELL = 64;
/** Space around a name, per level: fine levels get more air so the wall stays calm. */
const PAD: Record<LabelLevel, number> = { district: 8, street: 8, community: 12, grid: 16 };
const OFFSET = CELL * 8; // keeps boxes near the edges at positive cell indexes

/** Screen rectangles the panels cover (elements marked data-occludes), in map pixels. */
function occluded(map: MlMap): number[][] {
  const origin = map.getCanvas().getBoundingClientRect();
  return [...document.querySelectorAll('[data-occludes]')].map((el) => {
    const r = el.getBoundingClientRect();
    return [r.left - origin.left + OFFSET, r.top - origin.top + OFFSET, r.right - origin.left + OFFSET, r.bottom - origin.top + OFFSET];
  });
}

export function declutter(map: MlMap, labels: Partial<Record<LabelLevel, Label[]>>): PlacedLabel[] {
  const zoom = map.getZoom();
  const canvas = map.getCanvas();
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  const bounds = map.getBounds();
  const [w, s, e, n] = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()];
  const cells = new Map<number, number[][]>();
  const out: PlacedLabel[] = [];

  const collides = (box: number[]): boolean => {
    for (let cx = Math.floor(box[0]! / CELL); cx <= Math.floor(box[2]! / CELL); cx++) {
      for (let cy = Math.floor(box[1]! / CELL); cy <= Math.floor(box[3]! / CELL); cy++) {
        for (const o of cells.get(cx * 4096 + cy) ?? []) {
          if (box[0]! < o[2]! && box[2]! > o[0]! && box[1]! < o[3]! && box[3]! > o[1]!) return true;
        }
      }
    }
    return false;
  };
  const insert = (box: number[]): void => {
    for (let cx = Math.floor(box[0]! / CELL); cx <= Math.floor(box[2]! / CELL); cx++) {
      for (let cy = Math.floor(box[1]! / CELL); cy <= Math.floor(box[3]! / CELL); cy++) {
        const key = cx * 4096 + cy;
        const list = cells.get(key);
        if (list) list.push(box);
        else cells.set(key, [box]);
      }
    }
  };

  for (const box of occluded(map)) insert(box);

  // Sizes are design pixels (1080 high): a 4K wall draws them twice as big, as its panels.
  const k = uiScale();
  for (const rule of LABEL_RULES) {
    const pad = PAD[rule.level] * k;
    const size = rule.size * k;
    if (zoom < rule.minZoom || zoom >= rule.maxZoom) continue;
    for (const l of labels[rule.level] ?? []) {
      const [lon, lat] = l.label;
      if (lon < w || lon > e || lat < s || lat > n) continue;
      const p = map.project(l.label);
      const halfW = (l.name.length * size) / 2 + pad;
      const halfH = size / 2 + pad;
      if (p.x - halfW < 0 || p.x + halfW > width || p.y - halfH < 0 || p.y + halfH > height) continue;
      const box = [p.x - halfW + OFFSET, p.y - halfH + OFFSET, p.x + halfW + OFFSET, p.y + halfH + OFFSET];
      if (collides(box)) continue;
      insert(box);
      out.push({ code: l.code, name: l.name, position: l.label, size, color: rule.color });
    }
  }
  return out;
}
