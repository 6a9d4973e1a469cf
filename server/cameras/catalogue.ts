// The demo's cameras (~20,000): synthetic, drawn from a fixed seed, so every start and every
// node of a deployment holds the same ones, byte for byte. A deployment with a real camera
// register would load it into the same columns.
//
//   const c = generateCameras(net, locator.gridAt);   // ~20,000 in ~0.1 s
//   c.ids[i], c.lon[i], c.lat[i], c.grid[i], OWNERS[c.owner[i]] …
//
// Where: grids drawn in proportion to their households (a dedicated grid — school, hospital,
// market — counts as 150), so cameras are denser where people live (households per km²);
// a uniform point in the grid's bbox kept only when the net's own locator puts it in that
// grid (the border rule of geo/grid-index.ts), so "inside its grid" means what the rest of
// the product means by it. Who owns it: mostly the police's 雪亮工程, then communities'
// estate cameras, then 城管's. Ids: GB/T 28181 (domain/camera-id.ts).
import type { Grid, Net } from '../net/types.ts';
import { CAMERA_OWNERS, CAMERA_TYPES, cameraId, OWNER_CODING, type CameraOwner } from '../domain/camera-id.ts';
import { mulberry32, weightedPicker } from '../sim/random.ts';

export const CAMERA_SEED = 28181;
export const CAMERA_COUNT = 20_000;

export interface CameraCatalogue {
  count: number;
  ids: string[];
  names: string[];
  grid: string[];
  lon: Float64Array;
  lat: Float64Array;
  /** Index into CAMERA_OWNERS. */
  owner: Uint8Array;
  /** Index into CAMERA_TYPES. */
  type: Uint8Array;
  byId: Map<string, number>;
}

// Owner mix per grid type, and type mix per owner (bullet, dome, PTZ): road cameras are
// mostly bullets with PTZs at junctions; estates mostly bullets and domes, no PTZ.
const OWNER_MIX: Record<'base' | 'dedicated', number[]> = { base: [0.5, 0.2, 0.3], dedicated: [0.45, 0.1, 0.45] };
const TYPE_MIX: Record<CameraOwner, number[]> = { police: [0.5, 0.2, 0.3], cityManagement: [0.4, 0.2, 0.4], community: [0.6, 0.4, 0] };
/** Of community bullets, older analogue ones behind an encoder (type 131, not 132). */
const ANALOGUE_SHARE = 0.3;

const PLACES: Record<CameraOwner, string[]> = {
  police: ['路口', '主干道', '公交站', '桥头', '路段中段', '十字路口', '丁字路口', '沿河道路'],
  cityManagement: ['广场', '菜场', '沿街商铺', '背街小巷', '垃圾中转站', '停车场', '绿地'],
  community: ['小区东门', '小区西门', '小区南门', '小区北门', '地下车库', '楼道口', '健身场地', '非机动车棚'],
};

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

function pickFrom(mix: number[], r: number): number {
  let acc = 0;
  for (let i = 0; i < mix.length; i++) if (r < (acc += mix[i])) return i;
  return mix.length - 1;
}

export function generateCameras(net: Net, gridAt: (lon: number, lat: number) => string | null, count = CAMERA_COUNT, seed = CAMERA_SEED): CameraCatalogue {
  const rand = mulberry32(seed);
  const grids = net.features.grid.features.map((f) => net.areas.get(f.properties.code) as Grid);
  const pickGrid = weightedPicker(grids.map((g) => (g.type === 'dedicated' ? Math.max(g.households, 150) : Math.max(g.households, 20))), rand);
  const ids: string[] = [];
  const names: string[] = [];
  const gridOf: string[] = [];
  const lon = new Float64Array(count);
  const lat = new Float64Array(count);
  const owner = new Uint8Array(count);
  const type = new Uint8Array(count);
  const serials = new Map<string, number>();
  const perPlace = new Map<string, number>();

  /** A point of the grid by the locator's rule, or null after 40 tries (a sliver of a grid). */
  const pointIn = (g: Grid): [number, number] | null => {
    const [w, s, e, n] = g.bbox;
    for (let k = 0; k < 40; k++) {
      const x = round6(w + rand() * (e - w));
      const y = round6(s + rand() * (n - s));
      if (gridAt(x, y) === g.code) return [x, y];
    }
    return gridAt(g.label[0], g.label[1]) === g.code ? g.label : null;
  };

  let i = 0;
  while (i < count) {
    const g = grids[pickGrid()];
    const at = pointIn(g);
    if (!at) continue;
    const o = pickFrom(OWNER_MIX[g.type], rand());
    const ownerCode = CAMERA_OWNERS[o];
    const t = pickFrom(TYPE_MIX[ownerCode], rand());
    const analogue = CAMERA_TYPES[t] === 'bullet' && ownerCode === 'community' && rand() < ANALOGUE_SHARE;
    const c = OWNER_CODING[ownerCode];
    const prefix = `${g.code.slice(0, 6)}${c.baseUnit}${c.industry}${analogue ? '131' : '132'}${c.network}`;
    const serial = (serials.get(prefix) ?? 0) + 1;
    serials.set(prefix, serial);
    const id = cameraId({ district: g.code.slice(0, 6), baseUnit: c.baseUnit, industry: c.industry, type: analogue ? '131' : '132', network: c.network, serial });
    const community = net.areas.get(g.code.slice(0, 12))?.name.replace(/(社区|村|居委会)$/, '') ?? '';
    const placeList = PLACES[ownerCode];
    const place = g.type === 'dedicated' && g.unit && ownerCode === 'community' ? `${g.unit}门口` : placeList[Math.floor(rand() * placeList.length)];
    const key = `${community}${place}`;
    const n = (perPlace.get(key) ?? 0) + 1;
    perPlace.set(key, n);
    ids.push(id);
    names.push(`${key}${n}号`);
    gridOf.push(g.code);
    lon[i] = at[0];
    lat[i] = at[1];
    owner[i] = o;
    type[i] = t;
    i++;
  }
  return { count, ids, names, grid: gridOf, lon, lat, owner, type, byId: new Map(ids.map((id, j) => [id, j])) };
}
