// Departments (by on-time rate), the four platforms, or the top items (by received) over the
// view's range (GET /api/kpi/ranking?by=…). These figures are city-wide: shown to city-wide
// callers only, hidden for others (the server refuses them with a 403 anyway).
import { useMemo } from 'react';
import { CITY_CODE } from '../../config.ts';
import { useWall } from '../../store.ts';
import { useView } from '../../view.ts';
import { rangeDates } from '../../netmap/range.ts';
import { useApi } from '../../netmap/useApi.ts';
import { netmapHandle } from '../../netmap/handle.ts';
import { AXIS_LABEL, TOOLTIP, useChart } from './useChart.ts';
import '../../netmap/netmap.css';

interface Ranking { items: { key: string; name: string; onTimeRate: number | null; received: number }[] }
type By = 'department' | 'platform' | 'item';
const TITLE: Record<By, string> = { department: '部门排名 · 按期结案率', platform: '四个平台 · 受理量', item: '高发事项 · 受理量' };
const MAX_BARS = 8;

export function CityRankingChart({ by }: { by: By }) {
  const cityWide = useWall((s) => s.account?.scope === CITY_CODE);
  const range = useView((v) => v.range);
  const { from, to } = rangeDates(range);
  const path = cityWide ? `/api/kpi/ranking?by=${by}&from=${from}&to=${to}` : null;
  const { data } = useApi<Ranking>(path);
  const byRate = by === 'department';
  const option = useMemo(() => {
    if (!data) return null;
    const rows = (byRate ? data.items.filter((r) => r.onTimeRate !== null) : [...data.items].sort((a, b) => b.received - a.received).filter((r) => r.received > 0))
      .slice(0, MAX_BARS).reverse();
    const values = rows.map((r) => (byRate ? Math.round((r.onTimeRate ?? 0) * 1000) / 10 : r.received));
    netmapHandle().charts[`${by}-chart`] = { keys: rows.map((r) => r.key), values: rows.map((r) => (byRate ? r.onTimeRate : r.received)), highlighted: null, query: path ?? '' };
    return {
      animationDuration: 300,
      tooltip: { trigger: 'item', ...TOOLTIP },
      grid: { left: 8, right: 64, top: 4, bottom: 4, containLabel: true },
      xAxis: { type: 'value', show: false, ...(byRate ? { max: 100 } : {}) },
      yAxis: { type: 'category', data: rows.map((r) => r.name), axisLine: { show: false }, axisTick: { show: false }, axisLabel: { ...AXIS_LABEL, width: 170, overflow: 'truncate' } },
      series: [{
        type: 'bar', data: values, barWidth: 14,
        itemStyle: { color: byRate ? '#5ccf8f' : '#4fa3d9', borderRadius: [0, 4, 4, 0] },
        label: { show: true, position: 'right', color: '#e8f1ff', fontSize: 16, formatter: byRate ? '{c}%' : '{c}' },
      }],
    };
  }, [data, by, byRate, path]);
  const [el] = useChart(option);
  const empty = data !== null && data !== undefined && (netmapHandle().charts[`${by}-chart`]?.keys.length ?? 0) === 0;
  return (
    <section className="card netmap-card" hidden={!cityWide}>
      <h2 className="card-title">{TITLE[by]}</h2>
      {empty && <p className="netmap-empty">所选时段暂无{byRate ? '已结案的派遣事件' : '事件'}</p>}
      <div ref={el} className="netmap-chart" data-testid={`${by}-chart`} />
    </section>
  );
}
