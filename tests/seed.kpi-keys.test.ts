// The seed's KPI keys by number (scripts/seed/kpi-keys.ts) and its tally (kpi-tally.ts),
// against the live product's own: a step's leaves and their parents are exactly the keys
// `kpiKeys` names, for every grid and random departments, platforms, items and sources;
// and a tally fed random steps by leaves ends with the rows a brute-force sum under
// `kpiKeys` gives (what `kpiWriter` would have stored).
import { describe, expect, it } from 'vitest';
import { COUNTERS, kpiKeys, type Counts } from '../server/domain/kpi.ts';
import { loadDepartments } from '../server/domain/departments.ts';
import { loadCatalogue } from '../server/domain/catalogue.ts';
import { SOURCE_CODES } from '../server/domain/ticket.ts';
import { CITY_CODE } from '../server/net/codes.ts';
import { seedKpiKeys, type KpiKeys } from '../scripts/seed/kpi-keys.ts';
import { kpiTally } from '../scripts/seed/kpi-tally.ts';
import { theNet } from './helpers.ts';

const { net } = theNet();
const departments = loadDepartments();
const catalogue = loadCatalogue(departments);
const grids = [...net.areas.values()].filter((a) => a.code.length === 15).map((a) => a.code);
const values = {
  department: departments.list.map((d) => d.code), platform: departments.platforms.map((p) => p.code),
  item: catalogue.items.map((it) => it.code), source: [...SOURCE_CODES],
};
const table = seedKpiKeys(net.areas.keys(), grids, values, CITY_CODE);

let seed = 20261124;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
const maybe = <T>(xs: readonly T[]) => (rnd() < 0.2 ? null : pick(xs));
const state = (gridCode: string) => ({ gridCode, department: maybe(values.department), platform: maybe(values.platform), item: maybe(values.item) });

/** Every key the leaves stand for: each leaf and its ancestors. */
function expand(t: KpiKeys, leaves: Int32Array): string[] {
  const out: string[] = [];
  for (const leaf of leaves) for (let k = leaf; k >= 0; k = t.parents[k]) out.push(`${t.keys[k].dim} ${t.keys[k].key}`);
  return out.sort();
}

describe('seed KPI keys', () => {
  it('stand, with their parents, for exactly the keys kpiKeys names', () => {
    for (const g of grids) {
      for (let i = 0; i < 3; i++) {
        const s = state(g);
        const source = maybe(values.source);
        const want = kpiKeys(s, CITY_CODE, source).map((k) => `${k.dim} ${k.key}`).sort();
        expect(expand(table, table.leaves(s, source)), `${g} ${JSON.stringify(s)} ${source}`).toEqual(want);
      }
    }
  });

  it('answer the same leaves while a state names the same keys', () => {
    const s = state(grids[0]);
    const a = table.leaves(s, 'patrol');
    expect(table.leaves({ ...s }, 'patrol')).toBe(a);
    expect(table.leaves({ ...s, department: s.department === values.department[0] ? values.department[1] : values.department[0] }, 'patrol')).not.toBe(a);
  });

  it('sum, in the tally, to the rows a sum under kpiKeys gives', () => {
    const firstDay = 20_000, lastDay = 20_009;
    const some = grids.filter((_, i) => i % 97 === 0);
    const tally = kpiTally(table.keys, table.parents, firstDay, lastDay);
    const want = new Map<string, number[]>();
    for (let t = 0; t < 400; t++) {
      const g = pick(some);
      const source = pick(values.source);
      for (let step = 0; step < 5; step++) {
        const s = state(g);
        const day = firstDay + Math.floor(rnd() * 10);
        const counters: Partial<Counts> = {};
        if (rnd() < 0.9) counters[pick(COUNTERS)] = 1 + Math.floor(rnd() * 1e9);
        tally.add(table.leaves(s, source), day, counters);
        if (!Object.keys(counters).length) continue;
        for (const k of kpiKeys(s, CITY_CODE, source)) {
          const id = `${k.dim}\u0000${k.key}\u0000${day}`;
          const row = want.get(id) ?? new Array(COUNTERS.length).fill(0);
          COUNTERS.forEach((c, i) => (row[i] += counters[c] ?? 0));
          want.set(id, row);
        }
      }
      tally.flush();
    }
    const got = [...tally.rows()].map((r) => [`${r.dim}\u0000${r.key}\u0000${r.day}`, [...r.counts]] as const);
    const order = (a: string, b: string) => {
      const [x, y] = [a.split('\u0000'), b.split('\u0000')];
      return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : Number(x[2]) - Number(y[2]);
    };
    expect(got.map(([id]) => id)).toEqual([...want.keys()].sort(order));
    for (const [id, counts] of got) expect(counts, id).toEqual(want.get(id));
  });
});
