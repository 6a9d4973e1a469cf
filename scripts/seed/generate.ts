// The history itself, without storage: reports in time order (calendar.ts) from the
// simulator's grids, channels and categories (world.ts), each taken down its path by the
// domain (paths.ts); the timeline handed on in the order things happened (queue.ts), and the
// KPI counters summed in memory (kpi-tally.ts) and handed on at the end, in key order.
// Every draw comes from one generator seeded with `seed`: same seed and end, same output.
import { loadNet } from '../../server/net/load.ts';
import { loadDepartments } from '../../server/domain/departments.ts';
import { loadCatalogue } from '../../server/domain/catalogue.ts';
import { defaultWorkClock } from '../../server/domain/workclock.ts';
import { kpiCounts, type Dimension } from '../../server/domain/kpi.ts';
import { reportedState, reportedTimes, type LoopState, type TimelineEntry } from '../../server/domain/loop.ts';
import { SOURCE_CODES, type Source, type TicketInput } from '../../server/domain/ticket.ts';
import { dayCST } from '../../server/domain/day.ts';
import { CITY_CODE } from '../../server/net/codes.ts';
import { mulberry32 } from '../../server/sim/random.ts';
import { reportEntry } from '../../server/store/sqlite-tickets.ts';
import type { NewTicket } from '../../server/store/types.ts';
import { createWorld } from './world.ts';
import { schedule } from './calendar.ts';
import { kpiTally } from './kpi-tally.ts';
import { seedKpiKeys } from './kpi-keys.ts';
import { EntryQueue, type Pending } from './queue.ts';
import { CaseRunner } from './paths.ts';

const HOUR = 3_600_000;
/** KPI rows handed on per `batch()` (~8 MB of encoded rows). */
const KPI_BATCH = 32_768;

export interface GenerateOptions {
  count: number;
  seed: number;
  /** The history's end, epoch ms: nothing happens at or after it. */
  endMs: number;
  /** The store's last ticket sequence so far (0 in a new store): tickets get the next ones. */
  base: number;
  /** `batch()` is called after every this many tickets (and every KPI_BATCH KPI rows). */
  batch: number;
}

/** Where the history goes: tickets in sequence order, each with its state at the end. */
export interface Sink {
  ticket(t: NewTicket): void;
  /** Entries in the order they happened (ties: by ticket, then step). */
  timeline(ticket: number, e: TimelineEntry): void;
  batch(): void;
  /** Counters in the order of COUNTERS; rows in (dim, key, day) order. */
  kpi(dim: Dimension, key: string, day: number, counts: Float64Array): void;
  log(line: string): void;
}

/** Reporter of each channel: the grid's worker on patrol, gateways' keys, a dispatcher. */
function reporterOf(source: Source, workerId: string, gridCode: string): { by: string; role: string; crs: string } {
  switch (source) {
    case 'patrol': return { by: `account:${workerId}`, role: 'worker', crs: 'wgs84' };
    case 'hotline': return { by: 'key:12345-hotline', role: 'integration', crs: 'wgs84' };
    case 'citizen': return { by: 'key:citizen-app', role: 'integration', crs: 'gcj02' };
    case 'camera': return { by: 'key:video-ai', role: 'integration', crs: 'wgs84' };
    default: return { by: `account:dispatcher-${gridCode.slice(0, 6)}`, role: 'dispatcher', crs: 'wgs84' };
  }
}

export function generate(o: GenerateOptions, sink: Sink): { tickets: number; kpiRows: number } {
  const t0 = performance.now();
  const since = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  const net = loadNet();
  const departments = loadDepartments();
  const catalogue = loadCatalogue(departments);
  const clock = defaultWorkClock;
  const rand = mulberry32(o.seed);
  const world = createWorld(net, catalogue, departments, o.seed, rand);
  const sched = schedule(o.count, o.endMs, clock, rand);
  const keyTable = seedKpiKeys(net.areas.keys(), world.grids.map((g) => g.code), {
    department: departments.list.map((d) => d.code), platform: departments.platforms.map((p) => p.code),
    item: catalogue.items.map((it) => it.code), source: SOURCE_CODES,
  }, CITY_CODE);
  const tally = kpiTally(keyTable.keys, keyTable.parents, sched.firstDay, dayCST(o.endMs - 1));
  /** What a step adds to the KPIs: kpiDelta's counters under its keys (kpi-keys.ts). */
  const count = (before: LoopState | null, after: LoopState, entry: TimelineEntry, source: string) =>
    tally.add(keyTable.leaves(after, source), dayCST(entry.at), kpiCounts(before, after, entry, clock.workingMsBetween));
  const runner = new CaseRunner({ world, catalogue, departments, clock, rand, count, endMs: o.endMs });
  const queue = new EntryQueue();
  const take = (p: Pending) => sink.timeline(p.ticket, p.entry);
  const lastInGrid = new Int32Array(world.grids.length);
  let n = 0;

  for (let day = sched.firstDay; day <= sched.lastDay; day++) {
    const today = sched.day(day);
    for (let j = 0; j < today.at.length; j++) {
      const at = today.at[j];
      // Entries up to this report are final: every later one is at or after it (and at the
      // same instant, of this or a later ticket).
      queue.drain(at, take);
      const source = today.source[j];
      const g = world.pickGrid();
      const grid = world.grids[g];
      const report = world.pickReport(source);
      const [lon, lat] = world.pointIn(g);
      const input: TicketInput = { lon, lat, category: report.category, source, description: report.description };
      if ((source === 'hotline' && rand() < 0.7) || (source === 'citizen' && rand() < 0.5)) input.reporter = world.reporter();
      const who = reporterOf(source, grid.workers[0] ?? `worker-${grid.code}`, grid.code);
      const state = reportedState(grid.code, at);
      Object.assign(state, reportedTimes(state, catalogue.itemForSpineCategory(report.category)!.limits.general.verify * HOUR, clock.addWorkingMs));
      const t: NewTicket = { input, gridCode: grid.code, createdAt: at, state, reportedBy: who.by, reporterRole: who.role, crs: who.crs, searchText: world.placeNames(g) };
      if (source === 'patrol') t.clientId = world.clientId();
      const first = reportEntry(t);
      count(null, state, first, source);
      const seq = o.base + n + 1;
      const run = runner.run({ seq, gridIndex: g, source, category: report.category, item: report.item, state, earlier: lastInGrid[g] || null });
      tally.flush();
      lastInGrid[g] = seq;
      t.state = run.state;
      sink.ticket(t);
      queue.push({ at, ticket: seq, step: 0, entry: first });
      for (let k = 0; k < run.entries.length; k++) queue.push({ at: run.entries[k].at, ticket: seq, step: k + 1, entry: run.entries[k] });
      n++;
      if (n % o.batch === 0) sink.batch();
      if (n % 100_000 === 0) sink.log(`seed:history ${n} tickets, ${since()}`);
    }
  }
  queue.drainAll(take);
  sink.batch();
  sink.log(`seed:history ${n} tickets generated, ${since()}`);
  let kpiRows = 0;
  for (const r of tally.rows()) {
    sink.kpi(r.dim, r.key, r.day, r.counts);
    // In batches too, so they are written while the next ones are made.
    if (++kpiRows % KPI_BATCH === 0) sink.batch();
  }
  sink.batch();
  sink.log(`seed:history ${kpiRows} kpi rows, ${since()}`);
  return { tickets: n, kpiRows };
}
