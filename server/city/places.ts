// Places on the wall's map, synthetic (labelled 示例 where shown; data/SOURCES.md):
// - key premises (重点场所): one per dedicated grid whose unit is a school, hospital, health
//   centre, market, shopping centre, logistics park or industrial park, at the grid's label point;
// - one-key alarm posts (一键报警柱): about one per 1,500 households of a base grid (at least
//   one per urban grid of 300+ households), drawn inside the grid from a fixed seed;
// - 党群服务中心 one per community, 便民服务中心 one per street, at the area's label point.
// ~6,000 in all: answered as columns (kdbush for the bbox), built once per net.
import KDBush from 'kdbush';
import type { Grid, Net } from '../net/types.ts';
import type { Locator } from '../geo/locator.ts';
import { rngFor } from './seeded.ts';

export const PLACE_KINDS = [
  { code: 'premise', name: '重点场所' },
  { code: 'alarm', name: '一键报警柱' },
  { code: 'party', name: '党群服务中心' },
  { code: 'service', name: '便民服务中心' },
] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number]['code'];
export const PLACE_KIND_CODES = PLACE_KINDS.map((k) => k.code) as PlaceKind[];

const KEY_UNITS = new Set(['学校', '医院', '卫生院', '农贸市场', '商业综合体', '物流园', '工业园区']);
const PLACES_SEED = 20240110;

export interface Place {
  kind: PlaceKind;
  name: string;
  /** The unit type of a key premise (学校, 医院…), else ''. */
  unit: string;
  grid: string;
  lon: number;
  lat: number;
}

export interface Places {
  list: Place[];
  query(bbox: readonly [number, number, number, number] | null, kinds: ReadonlySet<PlaceKind>): number[];
}

const cache = new WeakMap<Net, Places>();

export function placesOf(net: Net, locator: Locator): Places {
  let p = cache.get(net);
  if (!p) cache.set(net, (p = build(net, locator)));
  return p;
}

function build(net: Net, locator: Locator): Places {
  const list: Place[] = [];
  const areas = [...net.areas.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
  for (const a of areas) {
    if (a.level === 'street') {
      const grid = locator.gridAt(a.label[0], a.label[1]);
      if (grid) list.push({ kind: 'service', name: `${a.name}便民服务中心`, unit: '', grid, lon: a.label[0], lat: a.label[1] });
    } else if (a.level === 'community') {
      const grid = locator.gridAt(a.label[0], a.label[1]);
      if (grid) list.push({ kind: 'party', name: `${a.name}党群服务中心`, unit: '', grid, lon: a.label[0], lat: a.label[1] });
    } else if (a.level === 'grid') {
      const g = a as Grid;
      if (g.type === 'dedicated' && g.unit && KEY_UNITS.has(g.unit)) {
        list.push({ kind: 'premise', name: g.name.replace(/专属网格$/, ''), unit: g.unit, grid: g.code, lon: g.label[0], lat: g.label[1] });
      } else if (g.type === 'base' && g.households >= 300) {
        const rand = rngFor(PLACES_SEED, g.code);
        const posts = Math.max(1, Math.round(g.households / 1500 + rand() - 0.5));
        for (let k = 0; k < posts; k++) {
          let lon = g.label[0], lat = g.label[1];
          for (let t = 0; t < 32; t++) {
            const x = g.bbox[0] + rand() * (g.bbox[2] - g.bbox[0]), y = g.bbox[1] + rand() * (g.bbox[3] - g.bbox[1]);
            if (locator.gridAt(x, y) === g.code) { lon = x; lat = y; break; }
          }
          list.push({ kind: 'alarm', name: `${g.name}一键报警柱${k + 1}`, unit: '', grid: g.code, lon, lat });
        }
      }
    }
  }
  const index = new KDBush(list.length, 32, Float64Array);
  for (const q of list) index.add(q.lon, q.lat);
  index.finish();
  return {
    list,
    query(bbox, kinds) {
      const ids = bbox ? index.range(bbox[0], bbox[1], bbox[2], bbox[3]).sort((a, b) => a - b) : list.map((_, i) => i);
      return ids.filter((i) => kinds.has(list[i].kind));
    },
  };
}
