// The figures of an area's children for the wall's choropleth (一张网 drilled down): per
// district of the city, street of a district, community of a street or grid of a
// community — open and overdue now (two index-only counts grouped by child, see
// TicketStore.openByChild), and over a CST date range the counters' sums (one byKey read
// of the KPI table), households and tickets per 1,000 households. Never a ticket scan.
// Each child's figures equal GET /api/kpi?area=<child> for the same range (tests/api.kpi-map.test.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { figures, zeroCounts } from '../domain/kpi.ts';
import { CITY_CODE } from '../net/codes.ts';
import type { Grid } from '../net/types.ts';
import { sendError } from '../http/errors.ts';
import { areaCode } from './schemas.ts';
import { DATE, dayDate, days, KPI_READERS, type Range } from './kpi.ts';

const rate = { type: ['number', 'null'] } as const;
const child = {
  type: 'object',
  properties: {
    code: { type: 'string' }, name: { type: 'string' }, level: { type: 'string' },
    open: { type: 'integer' }, overdueNow: { type: 'integer' },
    received: { type: 'integer' }, registered: { type: 'integer' }, closed: { type: 'integer' }, supervised: { type: 'integer' },
    closureRate: rate, onTimeRate: rate,
    households: { type: 'integer' }, perThousandHouseholds: rate,
  },
} as const;

export const kpiMapRoutes: FastifyPluginAsync<AppDeps> = async (app, { net, store, kpi, now }) => {
  // Households per area (the sum of its grids'), once: the net does not change while we run.
  const households = new Map<string, number>();
  for (const a of net.areas.values()) {
    if (a.level !== 'grid') continue;
    const h = (a as Grid).households;
    for (const len of [6, 9, 12, 15]) households.set(a.code.slice(0, len), (households.get(a.code.slice(0, len)) ?? 0) + h);
  }

  app.get<{ Querystring: Range & { area?: string } }>('/api/kpi/map', {
    config: { access: { roles: KPI_READERS, area: (req) => (req.query as { area?: string }).area } },
    schema: {
      summary: "The choropleth's figures: for each child area of `area` (default: the caller's scope), open and overdue tickets now, and over a CST date range (default: the last 30 days) received, registered, closed, closure and on-time rates, 督办, households and tickets received per 1,000 households",
      querystring: { type: 'object', additionalProperties: false, properties: { area: areaCode, from: DATE, to: DATE } },
      response: {
        200: {
          type: 'object',
          properties: { area: { type: 'string' }, level: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, children: { type: 'array', items: child } },
        },
      },
    },
  }, async (req, reply) => {
    const q = req.query;
    const range = days(q, now());
    if (typeof range === 'string') return sendError(reply, 400, range);
    const code = q.area ?? req.principal!.scope;
    const area = net.areas.get(code);
    if (!area) return sendError(reply, 404, `area: no area ${code}`);
    if (area.level === 'grid') return sendError(reply, 400, `area: a grid (${code}) has no child areas`);
    const kids = area.children.map((c) => net.areas.get(c)!);
    const length = kids[0]?.code.length ?? 0;
    // The city's code (320400) is as long as a district's: its children share the prefix 3204.
    const prefix = code === CITY_CODE ? CITY_CODE.slice(0, 4) : code;
    const [sums, live] = await Promise.all([
      kpi.byKey('area', range.fromDay, range.toDay, { prefix, length, except: CITY_CODE }),
      store.openByChild(prefix, length, now()),
    ]);
    const byCode = new Map(sums.map((r) => [r.key, r.counts]));
    const children = kids.map((k) => {
      const f = figures(byCode.get(k.code) ?? zeroCounts());
      const h = households.get(k.code) ?? 0;
      return {
        code: k.code, name: k.name, level: k.level,
        open: live[k.code]?.open ?? 0, overdueNow: live[k.code]?.overdue ?? 0,
        received: f.received, registered: f.registered, closed: f.closed, supervised: f.supervised,
        closureRate: f.closureRate, onTimeRate: f.onTimeRate,
        households: h, perThousandHouseholds: h > 0 ? Math.round((f.received / h) * 1000 * 100) / 100 : null,
      };
    });
    return { area: code, level: area.level, from: dayDate(range.fromDay), to: dayDate(range.toDay - 1), children };
  });
};
