// Tickets per H3 hexagon over a range of CST days, for the heatmap (GET /api/heatmap/hex).
//   const hex = createHexDays({ store, kpi, now });  await hex.count('320402', 7, fromDay, toDay)
// Counted per request from the store's positions, with each closed day's counts memoised
// per (area, resolution). Why not counters kept as tickets are stored: they would put an H3
// call (~3 µs) in every write and into the bulk seeder, for a figure only the heatmap reads;
// a past day's counts never change once its day is over (a ticket's position and report
// instant are fixed), so the memo is as good. A memoised day is still checked against the
// KPI counters' `received` for its area and day (kept in the write's transaction): a day
// whose count differs is counted again, so the memo cannot serve a stale day.
// Cells are interned per resolution (a few thousand to ~45,000 for Changzhou), so a day is
// two Uint32Arrays and summing a month is array indexing, not string maps.
import { latLngToCell } from 'h3-js';
import type { KpiStore, TicketStore } from '../store/types.ts';
import { dayCST, dayStartMs } from '../domain/day.ts';
import { areaPrefix } from '../net/hierarchy.ts';

interface Day { n: number; ids: Uint32Array; counts: Uint32Array }

export interface HexCounts {
  total: number;
  cells: string[];
  counts: number[];
  /** Days counted from the store for this answer (the rest came from the memo). */
  counted: number;
}

export interface HexDays {
  count(area: string, res: number, fromDay: number, toDay: number): Promise<HexCounts>;
}

/** Memoised cells (all days, areas and resolutions) beyond which the oldest days are dropped: ~8 bytes each. */
const MEMO_CELLS = 4_000_000;

export function createHexDays(deps: { store: TicketStore; kpi: KpiStore; now: () => number }): HexDays {
  const interned = new Map<number, { ids: Map<string, number>; cells: string[] }>();
  const memo = new Map<string, Day>();
  let memoCells = 0;

  const cellsOf = (res: number) => {
    let t = interned.get(res);
    if (!t) interned.set(res, (t = { ids: new Map(), cells: [] }));
    return t;
  };

  function remember(key: string, d: Day): void {
    memo.set(key, d);
    memoCells += d.ids.length;
    for (const [k, old] of memo) {
      if (memoCells <= MEMO_CELLS) break;
      memo.delete(k);
      memoCells -= old.ids.length;
    }
  }

  /** Counts days [from, to) of an area from the store, one read for the run. */
  async function countDays(area: string, res: number, from: number, to: number): Promise<Day[]> {
    const p = await deps.store.positions({ area: areaPrefix(area), from: dayStartMs(from), to: dayStartMs(to) });
    const t = cellsOf(res);
    const days: Day[] = [];
    let i = 0;
    for (let day = from; day < to; day++) {
      const end = dayStartMs(day + 1);
      const byId = new Map<number, number>();
      const start = i;
      for (; i < p.count && p.at[i] < end; i++) {
        const cell = latLngToCell(p.lat[i], p.lon[i], res);
        let id = t.ids.get(cell);
        if (id === undefined) t.ids.set(cell, (id = t.cells.push(cell) - 1));
        byId.set(id, (byId.get(id) ?? 0) + 1);
      }
      days.push({ n: i - start, ids: Uint32Array.from(byId.keys()), counts: Uint32Array.from(byId.values()) });
    }
    return days;
  }

  return {
    async count(area, res, fromDay, toDay) {
      const today = dayCST(deps.now());
      const received = new Map<number, number>();
      for (const d of await deps.kpi.series('area', area, fromDay, toDay)) received.set(d.day, d.counts.received);
      const days: Day[] = new Array(toDay - fromDay);
      let counted = 0;
      // Runs of days to count: not memoised, not over yet, or not matching the counters.
      for (let day = fromDay; day < toDay;) {
        const key = `${area}|${res}|${day}`;
        const m = memo.get(key);
        if (m && day < today && m.n === (received.get(day) ?? 0)) {
          days[day - fromDay] = m;
          day++;
          continue;
        }
        let end = day + 1;
        while (end < toDay && !memo.has(`${area}|${res}|${end}`)) end++;
        const fresh = await countDays(area, res, day, end);
        for (let k = 0; k < fresh.length; k++) {
          days[day + k - fromDay] = fresh[k];
          if (day + k < today) remember(`${area}|${res}|${day + k}`, fresh[k]);
        }
        counted += fresh.length;
        day = end;
      }
      const t = cellsOf(res);
      const sum = new Uint32Array(t.cells.length);
      let total = 0;
      for (const d of days) {
        for (let k = 0; k < d.ids.length; k++) sum[d.ids[k]] += d.counts[k];
        total += d.n;
      }
      const cells: string[] = [];
      const counts: number[] = [];
      for (let id = 0; id < sum.length; id++) if (sum[id] > 0) (cells.push(t.cells[id]), counts.push(sum[id]));
      return { total, cells, counts, counted };
    },
  };
}
