// The KPI keys of a seeded history as numbers, so that a step's keys cost no string and no
// map lookup: every key a step may count under (kpiKeys, server/domain/kpi.ts), each with
// its parent, and per step only the deepest key of each chain, its leaves. The chains are
// those of kpiKeys: a grid, its community, street, district and the city (areaKeys); a
// value within the deepest area that keeps it (AREA_BOUND_LENGTHS), within the shallower
// ones, then the value alone. Every step that names a key names its parent too, so a key's
// counters are the sum of its children's: the tally adds a step to its leaves only (5 rows,
// not 16) and each key's rows into its parent's at the end (kpi-tally.ts).
// tests/seed.kpi-keys.test.ts checks that leaves and parents give back kpiKeys exactly.
import { AREA_BOUND, AREA_BOUND_LENGTHS, areaBoundKey, areaKeys, VALUE_DIMENSIONS, type Dimension } from '../../server/domain/kpi.ts';
import type { LoopState } from '../../server/domain/loop.ts';

export type ValueDimension = (typeof VALUE_DIMENSIONS)[number];
export interface KpiKey {
  dim: Dimension;
  key: string;
}
type KeyedState = Pick<LoopState, 'gridCode' | 'department' | 'platform' | 'item'>;

export interface KpiKeys {
  /** Every key the history may name. */
  keys: KpiKey[];
  /** Per key, the index of its parent in `keys`, or -1. */
  parents: Int32Array;
  /** The leaves of a ticket in state `after`, from `source`: indexes in `keys`. The same
   * array as last time while they stay the same (a ticket's steps mostly share them). */
  leaves(after: KeyedState, source: string | null): Int32Array;
}

/** `areas`: every area code; `grids`: the grid codes tickets are reported in; `values`:
 * every department, platform, item and source code. */
export function seedKpiKeys(areas: Iterable<string>, grids: readonly string[], values: Record<ValueDimension, readonly string[]>, cityCode: string): KpiKeys {
  const keys: KpiKey[] = [];
  const parent: number[] = [];
  const indexOf = new Map<string, number>();
  const add = (dim: Dimension, key: string, up: number) => {
    indexOf.set(`${dim} ${key}`, keys.length);
    keys.push({ dim, key });
    parent.push(up);
    return keys.length - 1;
  };
  const index = (dim: Dimension, key: string) => {
    const i = indexOf.get(`${dim} ${key}`);
    if (i === undefined) throw new Error(`kpi keys: no ${dim} ${key}`);
    return i;
  };

  const areaList = [...areas];
  for (const a of areaList) add('area', a, -1);
  for (const g of grids) {
    const chain = areaKeys(g, cityCode).map((a) => index('area', a));
    for (let i = 1; i < chain.length; i++) {
      if (parent[chain[i]] !== -1 && parent[chain[i]] !== chain[i - 1]) throw new Error(`kpi keys: area ${keys[chain[i]].key} under two parents`);
      parent[chain[i]] = chain[i - 1];
    }
  }

  // Per value dimension: the value alone, then within each kept area, shallowest first (a
  // key's parent is the same value within the area's prefix at the previous kept length).
  const gridOrdinal = new Map(grids.map((g, i) => [g, i]));
  const leafTables = VALUE_DIMENSIONS.map((dim) => {
    const bound = AREA_BOUND[dim];
    const lengths = [...AREA_BOUND_LENGTHS[bound]].sort((a, b) => a - b);
    const vs = values[dim];
    const global = vs.map((v) => add(dim, v, -1));
    const first = new Map<string, number>(); // per kept area, the index of its first value's key
    const firstOf = (a: string) => {
      const i = first.get(a);
      if (i === undefined) throw new Error(`kpi keys: no area ${a} keeping ${bound}`);
      return i;
    };
    lengths.forEach((length, l) => {
      for (const a of areaList) {
        if (a.length !== length) continue;
        const up = l === 0 ? -1 : firstOf(a.slice(0, lengths[l - 1]));
        first.set(a, keys.length);
        vs.forEach((v, i) => add(bound, areaBoundKey(a, v), up === -1 ? global[i] : up + i));
      }
    });
    // A grid's leaves: the values within its area at the deepest kept length.
    const deepest = lengths[lengths.length - 1];
    const gridFirst = Int32Array.from(grids, (g) => firstOf(g.slice(0, deepest)));
    return { ordinal: new Map(vs.map((v, i) => [v, i])), gridFirst };
  });
  const gridLeaf = Int32Array.from(grids, (g) => index('area', g));

  let last: [string, string | null, string | null, string | null, string | null] | null = null;
  let lastLeaves = new Int32Array(0);
  const found: number[] = [];
  return {
    keys,
    parents: Int32Array.from(parent),
    leaves(after, source) {
      if (last !== null && after.gridCode === last[0] && after.department === last[1] && after.platform === last[2] && after.item === last[3] && source === last[4]) return lastLeaves;
      last = [after.gridCode, after.department, after.platform, after.item, source];
      const g = gridOrdinal.get(after.gridCode);
      if (g === undefined) throw new Error(`kpi keys: no grid ${after.gridCode}`);
      found.length = 0;
      found.push(gridLeaf[g]);
      for (let d = 0; d < VALUE_DIMENSIONS.length; d++) {
        const v = last[d + 1];
        if (!v) continue;
        const t = leafTables[d];
        const vi = t.ordinal.get(v);
        if (vi === undefined) throw new Error(`kpi keys: no ${VALUE_DIMENSIONS[d]} ${v}`);
        found.push(t.gridFirst[g] + vi);
      }
      return (lastLeaves = Int32Array.from(found));
    },
  };
}
