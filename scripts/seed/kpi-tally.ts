// The KPI counters of a seeded history, summed in memory from the same counters the live
// store adds in each transaction (server/domain/kpi.ts `kpiCounts`, under `kpiKeys`), and
// written once at the end: one row per dimension, key and CST day, as `kpiWriter` would
// have left them. Rows live in Float64Array chunks (counters are integers; the *_ms sums
// can pass 2^31), found through a dense (key × day) index, and come out in the kpi table's
// key order.
// A step is added to its leaves only (kpi-keys.ts: the grid, each value within its street
// or district); at the end each key's rows are added into its parent's, deepest keys first,
// which gives every key the sum of the steps that named it. And a ticket's steps are first
// summed per (leaves, day) — most of them name the same keys on one or two days — and added
// to the rows once per ticket (`flush`): far fewer visits to rows scattered over hundreds
// of megabytes.
import { COUNTERS, type Counter, type Counts, type Dimension } from '../../server/domain/kpi.ts';
import type { KpiKey } from './kpi-keys.ts';

const NC = COUNTERS.length;
const CHUNK = 65_536;
const COUNTER_INDEX = Object.fromEntries(COUNTERS.map((c, i) => [c, i])) as Record<Counter, number>;
const PENDING = 16;

export interface KpiTally {
  /** Adds a step's counters on CST day `day` under `leaves` (indexes of keys) and, at the end, their ancestors. */
  add(leaves: Int32Array, day: number, counters: Partial<Counts>): void;
  /** Adds what `add` gathered to the rows (after each ticket; `rows()` does it too). */
  flush(): void;
  /** Rows with any counter above zero, in (dim, key, day) order (once: the end). */
  rows(): Generator<{ dim: Dimension; key: string; day: number; counts: Float64Array }>;
}

/** `keys`: every key a step may name, `parents` the index of each one's parent (-1: none);
 * `firstDay`…`lastDay`: the days steps may fall on. */
export function kpiTally(keys: readonly KpiKey[], parents: Int32Array, firstDay: number, lastDay: number): KpiTally {
  const days = lastDay - firstDay + 1;
  const slot = new Int32Array(keys.length * days).fill(-1);
  const chunks: Float64Array[] = [];
  let size = 0;
  /** The offset of the row at slot `s` in its chunk, made if new (`chunk` is set to its chunk). */
  let chunk: Float64Array;
  const rowAt = (s: number): number => {
    let row = slot[s];
    if (row < 0) {
      row = slot[s] = size++;
      if (row % CHUNK === 0) chunks.push(new Float64Array(CHUNK * NC));
    }
    chunk = chunks[row >>> 16];
    return (row & (CHUNK - 1)) * NC;
  };
  // Steps gathered since the last flush, summed per (leaves, day).
  const pendingLeaves: Int32Array[] = [];
  const pendingDay = new Int32Array(PENDING);
  const pendingCounts = new Float64Array(PENDING * NC);
  const movedIdx = new Int32Array(NC);
  let pending = 0;
  let rolledUp = false;

  function flush(): void {
    for (let p = 0; p < pending; p++) {
      const leaves = pendingLeaves[p];
      const day = pendingDay[p];
      const from = p * NC;
      // The counters this entry moves (a step moves 1–4 of 24): found once, added to each key.
      let moved = 0;
      for (let c = 0; c < NC; c++) if (pendingCounts[from + c] !== 0) movedIdx[moved++] = c;
      for (let j = 0; j < leaves.length; j++) {
        const base = rowAt(leaves[j] * days + day);
        for (let m = 0; m < moved; m++) {
          const c = movedIdx[m];
          chunk[base + c] += pendingCounts[from + c];
        }
      }
    }
    pendingCounts.fill(0, 0, pending * NC);
    pending = 0;
  }

  /** Each key's rows into its parent's, children before their parents (deepest first). */
  function rollUp(): void {
    const depth = Int32Array.from(parents, (_, k) => {
      let d = 0;
      for (let p = parents[k]; p >= 0; p = parents[p]) if (++d > keys.length) throw new Error('kpi: a cycle of parents');
      return d;
    });
    const order = [...keys.keys()].filter((k) => parents[k] >= 0).sort((a, b) => depth[b] - depth[a]);
    for (const k of order) {
      const up = parents[k] * days;
      for (let day = 0; day < days; day++) {
        const row = slot[k * days + day];
        if (row < 0) continue;
        const base = rowAt(up + day);
        const into = chunk;
        const from = chunks[row >>> 16];
        const at = (row & (CHUNK - 1)) * NC;
        for (let c = 0; c < NC; c++) into[base + c] += from[at + c];
      }
    }
  }

  return {
    add(leaves, dayNumber, counters) {
      let present = false;
      for (const c in counters) if (counters[c as Counter]) { present = true; break; }
      if (!present) return; // as kpiWriter: a step of zeros writes no row
      const day = dayNumber - firstDay;
      if (day < 0 || day >= days) throw new Error(`kpi: day ${dayNumber} outside ${firstDay}…${lastDay}`);
      let p = 0;
      while (p < pending && !(pendingLeaves[p] === leaves && pendingDay[p] === day)) p++;
      if (p === pending) {
        if (pending === PENDING) (flush(), (p = 0));
        pendingLeaves[p] = leaves;
        pendingDay[p] = day;
        pending++;
      }
      const from = p * NC;
      for (const c in counters) pendingCounts[from + COUNTER_INDEX[c as Counter]] += counters[c as Counter]!;
    },
    flush,
    *rows() {
      if (rolledUp) throw new Error('kpi: the rows are rolled up once');
      rolledUp = true;
      flush();
      rollUp();
      const sorted = [...keys.keys()].sort((a, b) => {
        const x = keys[a], y = keys[b];
        return x.dim < y.dim ? -1 : x.dim > y.dim ? 1 : x.key < y.key ? -1 : x.key > y.key ? 1 : 0;
      });
      for (const k of sorted) {
        for (let day = 0; day < days; day++) {
          const row = slot[k * days + day];
          if (row < 0) continue;
          const base = (row & (CHUNK - 1)) * NC;
          yield { dim: keys[k].dim, key: keys[k].key, day: firstDay + day, counts: chunks[row >>> 16].subarray(base, base + NC) };
        }
      }
    },
  };
}
