// The view's time range as the CST dates the KPI API takes (from, to inclusive), on the
// server's clock (live/serverClock.ts), never the wall PC's.
import { dateCST } from '../../../server/domain/day.ts';
import { serverNow } from '../live/serverClock.ts';
import type { Range } from '../view.ts';

const DAY = 86_400_000;

export function rangeDates(r: Range, now = serverNow()): { from: string; to: string } {
  if (typeof r !== 'string') return r;
  const to = dateCST(now);
  switch (r) {
    case 'today': return { from: to, to };
    case '7d': return { from: dateCST(now - 6 * DAY), to };
    case '30d': return { from: dateCST(now - 29 * DAY), to };
    case 'month': return { from: `${to.slice(0, 8)}01`, to };
    case 'year': return { from: `${to.slice(0, 5)}01-01`, to };
  }
}

export const RANGE_NAME: Record<string, string> = { today: '今日', '7d': '近7日', '30d': '近30日', month: '本月', year: '本年' };
