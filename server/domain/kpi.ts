// What is measured (考核), kept as counters per day as tickets move, never recounted from
// all tickets per request. Each report and each transition adds to the counters of the
// day it happened on, for every key the ticket belongs to: its area at every level (city,
// district, street, community, grid — a code's prefixes), its department, platform and
// item once it has them. A period's KPI is the sum of its days; rates are ratios of sums.
// Pure: the store applies the deltas in the same transaction as the transition.
import type { LoopState, TimelineEntry } from './loop.ts';
import { dayCST } from './day.ts';

export const COUNTERS = [
  'received', 'registered', 'rejected', 'closed', 'closed_on_time', 'self_handled', 'rework', 'supervised', 'reminded', 'escalated',
  'reopened', 'returned', 'satisfaction_sum', 'satisfaction_n',
  'verify_ms', 'verify_n', 'dispatch_ms', 'dispatch_n', 'accept_ms', 'accept_n', 'handle_ms', 'handle_n', 'check_ms', 'check_n',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counts = Record<Counter, number>;

export type Dimension = 'area' | 'department' | 'platform' | 'item' | 'source' | AreaBoundDimension;

/** Departments, platforms, items and sources within one district or street: the same
 * counters keyed `${areaCode}/${value}` (areaBoundKey), so a district's or a street's
 * panels rank its own departments and sources. Kept at those levels only (items per
 * district only: 166 items × 67 streets × 365 days would add ~1.5 M rows a year, doubling
 * the seed's time); at community and grid level the rows would be as many as the tickets.
 * A panel below a kept level shows the figures of the level above, labelled so. */
export type AreaBoundDimension = 'area_department' | 'area_platform' | 'area_item' | 'area_source';
export const AREA_BOUND: Record<'department' | 'platform' | 'item' | 'source', AreaBoundDimension> = {
  department: 'area_department', platform: 'area_platform', item: 'area_item', source: 'area_source',
};
/** Code lengths of the levels that keep each area-bound dimension: district (6), street (9). */
export const AREA_BOUND_LENGTHS: Record<AreaBoundDimension, readonly number[]> = {
  area_department: [6, 9], area_platform: [6, 9], area_source: [6, 9], area_item: [6],
};
/** The area whose counters of `dim` stand for `area`: itself or its nearest kept ancestor. */
export const areaBoundBasis = (dim: AreaBoundDimension, area: string): string =>
  area.slice(0, Math.max(...AREA_BOUND_LENGTHS[dim].filter((l) => l <= area.length)));
/** Values are codes of [A-Za-z0-9_.-]: every key under an area sorts in [`a/`, `a/~`). */
export const areaBoundKey = (area: string, value: string) => `${area}/${value}`;
export const AREA_BOUND_END = '~';

export interface KpiDelta {
  day: number;
  counters: Partial<Counts>;
  /** The keys it counts under, per dimension. */
  keys: { dim: Dimension; key: string }[];
}

/** The area keys of a grid code: the city's code, then the district's, street's,
 * community's and the grid's own (prefixes of 6, 9, 12, 15 digits). */
export function areaKeys(gridCode: string, cityCode: string): string[] {
  return [cityCode, gridCode.slice(0, 6), gridCode.slice(0, 9), gridCode.slice(0, 12), gridCode];
}

/** The counters one step adds (a step that moves none adds no row anywhere).
 * `workingMs(a, b)`: working time between two instants. */
export function kpiCounts(before: LoopState | null, after: LoopState, entry: TimelineEntry, workingMs: (a: number, b: number) => number): Partial<Counts> {
  const c: Partial<Counts> = {};
  const add = (k: Counter, n = 1) => (c[k] = (c[k] ?? 0) + n);
  /** The step that just ended, timed from its start. */
  const stepEnded = () => {
    if (before?.step && before.stepStartedAt !== null) {
      add(`${before.step}_ms` as Counter, workingMs(before.stepStartedAt, entry.at));
      add(`${before.step}_n` as Counter);
    }
  };
  switch (entry.action) {
    case 'report': add('received'); break;
    case 'verify': add('registered'); stepEnded(); break;
    case 'reject': add('rejected'); stepEnded(); break;
    case 'dispatch': case 'accept': case 'feedback': stepEnded(); break;
    case 'return': add('returned'); stepEnded(); break;
    case 'check':
      stepEnded();
      if (after.status !== 'closed') add('rework');
      break;
    case 'self_handle': add('registered'); add('self_handled'); stepEnded(); break;
    case 'supervise': add('supervised'); break;
    case 'remind': add('reminded'); break;
    case 'escalate': add('escalated'); break;
    case 'reopen': add('reopened'); break;
    case 'rate': add('satisfaction_sum', after.satisfaction ?? 0); add('satisfaction_n'); break;
    default: break;
  }
  if (after.status === 'closed' && before?.status !== 'closed') {
    add('closed');
    if (after.onTime) add('closed_on_time');
  }
  return c;
}

/** The values a ticket is counted under besides its area, per dimension: its department,
 * platform and item once it has them, and its channel. */
export const VALUE_DIMENSIONS = ['department', 'platform', 'item', 'source'] as const;

/** The keys a ticket in state `after` counts under: its area at every level, each value
 * alone, then each value within the areas AREA_BOUND_LENGTHS keeps (its district, street). */
export function kpiKeys(after: Pick<LoopState, 'gridCode' | 'department' | 'platform' | 'item'>, cityCode: string, source?: string | null): KpiDelta['keys'] {
  const keys: KpiDelta['keys'] = areaKeys(after.gridCode, cityCode).map((key) => ({ dim: 'area' as const, key }));
  const values = [after.department, after.platform, after.item, source];
  for (let i = 0; i < VALUE_DIMENSIONS.length; i++) if (values[i]) keys.push({ dim: VALUE_DIMENSIONS[i], key: values[i]! });
  for (let i = 0; i < VALUE_DIMENSIONS.length; i++) {
    const bound = AREA_BOUND[VALUE_DIMENSIONS[i]];
    if (values[i]) for (const length of AREA_BOUND_LENGTHS[bound]) keys.push({ dim: bound, key: areaBoundKey(after.gridCode.slice(0, length), values[i]!) });
  }
  return keys;
}

/** What one step adds: its counters, on the day it happened, under every key of its ticket. */
export function kpiDelta(before: LoopState | null, after: LoopState, entry: TimelineEntry, cityCode: string, workingMs: (a: number, b: number) => number, source?: string | null): KpiDelta {
  return { day: dayCST(entry.at), counters: kpiCounts(before, after, entry, workingMs), keys: kpiKeys(after, cityCode, source) };
}

export const zeroCounts = (): Counts => Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Counts;

/** The figures of a period from its summed counters (rates null when undefined). */
export function figures(c: Counts) {
  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10000) / 10000 : null);
  const mean = (ms: number, n: number) => (n > 0 ? Math.round(ms / n) : null);
  return {
    received: c.received,
    registered: c.registered,
    rejected: c.rejected,
    closed: c.closed,
    closureRate: ratio(c.closed, c.registered),
    onTimeRate: ratio(c.closed_on_time, c.closed),
    selfHandledShare: ratio(c.self_handled, c.registered),
    reworkRate: ratio(c.rework, c.closed),
    supervised: c.supervised,
    reminded: c.reminded,
    escalated: c.escalated,
    returned: c.returned,
    reopened: c.reopened,
    satisfaction: c.satisfaction_n > 0 ? Math.round((c.satisfaction_sum / c.satisfaction_n) * 100) / 100 : null,
    meanWorkingMs: {
      verify: mean(c.verify_ms, c.verify_n), dispatch: mean(c.dispatch_ms, c.dispatch_n), accept: mean(c.accept_ms, c.accept_n),
      handle: mean(c.handle_ms, c.handle_n), check: mean(c.check_ms, c.check_n),
    },
  };
}
