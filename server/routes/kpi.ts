// KPIs (考核) of an area, department, platform or item over any CST date range, from the
// counters kept as tickets move (server/domain/kpi.ts): a year is at most 366 rows of one
// key. Also the daily series for charts, "overdue now", and rankings (月度考核: streets
// of a district, departments).
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { AREA_BOUND, areaBoundBasis, figures, type Counts, type Dimension } from '../domain/kpi.ts';
import { dateCST, dayCST, dayStartMs } from '../domain/day.ts';
import { areaPrefix } from '../net/hierarchy.ts';
import { CITY_CODE } from '../net/codes.ts';
import { SOURCES } from '../domain/ticket.ts';
import { sendError } from '../http/errors.ts';
import { areaCode } from './schemas.ts';

export const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a CST date, YYYY-MM-DD' } as const;
export const KPI_READERS = ['admin', 'leader', 'dispatcher', 'display', 'integration'] as const;
const RANKS = ['district', 'street', 'community', 'grid', 'department', 'platform', 'item', 'source'] as const;
const CODE_LENGTH: Record<string, number> = { district: 6, street: 9, community: 12, grid: 15 };

export interface Range { from?: string; to?: string }
interface KpiQuery extends Range { area?: string; department?: string; platform?: string; item?: string; series?: boolean }

/** Days [fromDay, toDay) of an inclusive CST date range; by default the last 30 days to today;
 * at most `maxDays` days (ten years unless told), or the error naming the field. */
export function days(q: Range, now: number, maxDays = 3661): { fromDay: number; toDay: number } | string {
  const parse = (d: string) => {
    const ms = Date.parse(`${d}T00:00:00+08:00`);
    return Number.isFinite(ms) && dateCST(ms) === d ? dayCST(ms) : null;
  };
  const toDay = q.to ? parse(q.to) : dayCST(now);
  if (toDay === null) return `to: ${q.to} is not a date`;
  const fromDay = q.from ? parse(q.from) : toDay - 29;
  if (fromDay === null) return `from: ${q.from} is not a date`;
  if (fromDay > toDay) return 'from: must not be after to';
  if (toDay - fromDay + 1 > maxDays) return maxDays === 3661 ? 'from: a range of at most ten years' : `from: a range of at most ${maxDays} days`;
  return { fromDay, toDay: toDay + 1 };
}

export const dayDate = (day: number) => dateCST(dayStartMs(day));

export const kpiRoutes: FastifyPluginAsync<AppDeps> = async (app, { net, store, kpi, now, departments, catalogue }) => {
  app.get<{ Querystring: KpiQuery }>('/api/kpi', {
    config: { access: { roles: KPI_READERS, area: (req) => (req.query as KpiQuery).area } },
    schema: {
      summary: 'KPIs of one area (default: the caller\'s scope), department, platform or item over a CST date range: received, registered, closed, closure and on-time rates, self-handled share, rework rate, 督办, satisfaction, mean working time per step; overdue now; optionally the daily series',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          area: areaCode, department: { type: 'string', pattern: '^[a-z0-9_]{2,16}$' }, platform: { type: 'string', pattern: '^[a-z]{2}$' },
          item: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' }, from: DATE, to: DATE, series: { type: 'boolean', default: false },
        },
      },
    },
  }, async (req, reply) => {
    const q = req.query;
    const given = (['department', 'platform', 'item'] as const).filter((k) => q[k] !== undefined);
    if (given.length + (q.area !== undefined ? 1 : 0) > 1) return sendError(reply, 400, `querystring: give one of area, department, platform, item`);
    const range = days(q, now());
    if (typeof range === 'string') return sendError(reply, 400, range);
    let dim: Dimension = 'area';
    let key = q.area ?? req.principal!.scope;
    if (given.length) {
      dim = given[0];
      key = q[given[0]]!;
      const known = dim === 'department' ? departments.byCode.has(key) : dim === 'platform' ? departments.platforms.some((p) => p.code === key) : catalogue.byCode.has(key);
      if (!known) return sendError(reply, 404, `${dim}: no ${dim} ${key}`);
      // Departments span areas: only a city-wide caller sees their figures whole.
      if (req.principal!.scope !== CITY_CODE) return sendError(reply, 403, `${dim}: figures of a ${dim} are city-wide; your scope is ${req.principal!.scope}`);
    } else if (!net.areas.has(key)) return sendError(reply, 404, `area: no area ${key}`);
    const totals = await kpi.total(dim, key, range.fromDay, range.toDay);
    return {
      [dim]: key,
      from: dayDate(range.fromDay), to: dayDate(range.toDay - 1),
      ...figures(totals),
      ...(dim === 'area' ? { overdueNow: await store.overdue(key === CITY_CODE ? '' : areaPrefix(key), now()) } : {}),
      ...(q.series ? { series: (await kpi.series(dim, key, range.fromDay, range.toDay)).map((d) => ({ date: dayDate(d.day), ...pick(d.counts) })) } : {}),
    };
  });

  app.get<{ Querystring: Range & { by: (typeof RANKS)[number]; area?: string } }>('/api/kpi/ranking', {
    config: { access: { roles: KPI_READERS, area: (req) => (req.query as { area?: string }).area } },
    schema: {
      summary: 'A ranking (月度考核): the districts, streets, communities or grids under an area, or the departments, platforms, items or sources (channels) of an area (the city\'s, a district\'s or a street\'s; a community or grid answers with its street\'s, named in `basis`), by on-time rate then closure rate',
      querystring: {
        type: 'object', additionalProperties: false, required: ['by'],
        properties: { by: { type: 'string', enum: RANKS }, area: areaCode, from: DATE, to: DATE },
      },
    },
  }, async (req, reply) => {
    const q = req.query;
    const range = days(q, now());
    if (typeof range === 'string') return sendError(reply, 400, range);
    const scope = q.area ?? req.principal!.scope;
    let rows: { key: string; counts: Counts }[];
    /** The area whose figures these are: a community's or grid's departments are its street's. */
    let basis = scope;
    if (q.by in CODE_LENGTH) {
      const length = CODE_LENGTH[q.by];
      const prefix = scope === CITY_CODE ? CITY_CODE.slice(0, 4) : scope;
      if (prefix.length >= length) return sendError(reply, 400, `by: ${q.by} is not below the area ${scope}`);
      rows = await kpi.byKey('area', range.fromDay, range.toDay, { prefix, length, except: CITY_CODE });
    } else if (scope === CITY_CODE) {
      rows = await kpi.byKey(q.by as Dimension, range.fromDay, range.toDay);
    } else {
      const dim = AREA_BOUND[q.by as keyof typeof AREA_BOUND];
      basis = areaBoundBasis(dim, scope);
      const own = req.principal!.scope;
      if (own !== CITY_CODE && !basis.startsWith(own)) return sendError(reply, 403, `area: ${q.by} figures are kept per ${basis.length === 6 ? 'district' : 'street'}; ${basis}, the one of ${scope}, is wider than your scope ${own}`);
      rows = await kpi.ofArea(dim, basis, range.fromDay, range.toDay);
    }
    const name = (k: string) => net.areas.get(k)?.name ?? departments.byCode.get(k)?.name ?? departments.platforms.find((p) => p.code === k)?.name ?? catalogue.byCode.get(k)?.name ?? SOURCES.find((x) => x.code === k)?.name ?? k;
    const items = rows.map((r) => ({ key: r.key, name: name(r.key), ...figures(r.counts) }))
      .sort((a, b) => (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) || (b.closureRate ?? -1) - (a.closureRate ?? -1) || b.received - a.received);
    return { by: q.by, area: scope, basis, basisName: net.areas.get(basis)?.name ?? basis, from: dayDate(range.fromDay), to: dayDate(range.toDay - 1), items: items.map((r, i) => ({ rank: i + 1, ...r })) };
  });
};

/** The series' counters a chart draws. */
const pick = (c: Counts) => ({ received: c.received, registered: c.registered, closed: c.closed, closedOnTime: c.closed_on_time, rejected: c.rejected, supervised: c.supervised });
