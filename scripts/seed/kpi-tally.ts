// The KPI counters of a seeded history, summed in memory from the same deltas the live
// store adds in each transaction (server/domain/kpi.ts `kpiDelta`), and written once at the
// end: one row per dimension, key and CST day, as `kpiWriter` would have left them.
// Rows live in Float64Array chunks (counters are integers; the *_ms sums can pass 2^31),
// found through a dense (key × day) index, and come out in the kpi table's key order.
// A ticket's deltas are first summed per (keys, day) — most of its steps name the same
// keys on one or two days — and added to the rows once per ticket (`flush`): far fewer
// visits to rows scattered over hundreds of megabytes.
import { COUNTERS, type Counter, type Dimension, type KpiDelta } from '../../server/domain/kpi.ts';

const NC = COUNTERS.length;
const CHUNK = 65_536;
const COUNTER_INDEX = Object.fromEntries(COUNTERS.map((c, i) => [c, i])) as Record<Counter, number>;
const PENDING = 16;

export interface KpiTally {
  add(d: KpiDelta): void;
  /** Adds what `add` gathered to the rows (after each ticket; `rows()` does it too). */
  flush(): void;
  /** Rows with any counter above zero, in (dim, key, day) order. */
  rows(): Generator<{ dim: Dimension; key: string; day: number; counts: Float64Array }>;
  readonly size: number;
}

/** `keys`: every (dim, key) a delta may name; `firstDay`…`lastDay`: the days it may fall on. */
export function kpiTally(keys: { dim: Dimension; key: string }[], firstDay: number, lastDay: number): KpiTally {
  const sorted = [...keys].sort((a, b) => (a.dim < b.dim ? -1 : a.dim > b.dim ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // Per dimension (no key strings made per lookup: codes hash once, as the catalogue's do).
  const indexOf = new Map<Dimension, Map<string, number>>();
  sorted.forEach((k, i) => {
    if (!indexOf.has(k.dim)) indexOf.set(k.dim, new Map());
    indexOf.get(k.dim)!.set(k.key, i);
  });
  const days = lastDay - firstDay + 1;
  const slot = new Int32Array(sorted.length * days).fill(-1);
  const chunks: Float64Array[] = [];
  let size = 0;
  // The last delta's keys: a ticket's deltas mostly name the same grid, department and item.
  let lastKeys: KpiDelta['keys'] | null = null;
  let lastIdx: number[] = [];
  // Deltas gathered since the last flush, summed per (key list, day).
  const pendingKeys: number[][] = [];
  const pendingDay = new Int32Array(PENDING);
  const pendingCounts = new Float64Array(PENDING * NC);
  const movedIdx = new Int32Array(NC);
  let pending = 0;

  function keyIndex(ks: KpiDelta['keys']): number[] {
    if (lastKeys !== null && ks.length === lastKeys.length) {
      let same = true;
      for (let i = 0; i < ks.length && same; i++) same = ks[i].key === lastKeys[i].key && ks[i].dim === lastKeys[i].dim;
      if (same) return lastIdx;
    }
    lastIdx = [];
    for (const k of ks) {
      const i = indexOf.get(k.dim)?.get(k.key);
      if (i === undefined) throw new Error(`kpi: no key ${k.dim} ${k.key} in the tally`);
      lastIdx.push(i);
    }
    lastKeys = ks;
    return lastIdx;
  }

  function flush(): void {
    for (let p = 0; p < pending; p++) {
      const idx = pendingKeys[p];
      const day = pendingDay[p];
      const from = p * NC;
      // The counters this entry moves (a step moves 1–4 of 24): found once, added to each key.
      let moved = 0;
      for (let c = 0; c < NC; c++) if (pendingCounts[from + c] !== 0) movedIdx[moved++] = c;
      for (let j = 0; j < idx.length; j++) {
        const s = idx[j] * days + day;
        let row = slot[s];
        if (row < 0) {
          row = slot[s] = size++;
          if (row % CHUNK === 0) chunks.push(new Float64Array(CHUNK * NC));
        }
        const chunk = chunks[row >>> 16];
        const base = (row & (CHUNK - 1)) * NC;
        for (let m = 0; m < moved; m++) {
          const c = movedIdx[m];
          chunk[base + c] += pendingCounts[from + c];
        }
      }
    }
    pendingCounts.fill(0, 0, pending * NC);
    pending = 0;
  }

  return {
    get size() { return size; },
    add(d) {
      let present = false;
      for (const c in d.counters) if (d.counters[c as Counter]) { present = true; break; }
      if (!present) return; // as kpiWriter: a delta of zeros writes no row
      const day = d.day - firstDay;
      if (day < 0 || day >= days) throw new Error(`kpi: day ${d.day} outside ${firstDay}…${lastDay}`);
      const idx = keyIndex(d.keys);
      let p = 0;
      while (p < pending && !(pendingKeys[p] === idx && pendingDay[p] === day)) p++;
      if (p === pending) {
        if (pending === PENDING) (flush(), (p = 0));
        pendingKeys[p] = idx;
        pendingDay[p] = day;
        pending++;
      }
      const from = p * NC;
      for (const c in d.counters) pendingCounts[from + COUNTER_INDEX[c as Counter]] += d.counters[c as Counter]!;
    },
    flush,
    *rows() {
      flush();
      for (let k = 0; k < sorted.length; k++) {
        for (let day = 0; day < days; day++) {
          const row = slot[k * days + day];
          if (row < 0) continue;
          const base = (row % CHUNK) * NC;
          yield { dim: sorted[k].dim, key: sorted[k].key, day: firstDay + day, counts: chunks[Math.floor(row / CHUNK)].subarray(base, base + NC) };
        }
      }
    },
  };
}
