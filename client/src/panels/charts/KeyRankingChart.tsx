// Departments (by on-time rate), the four platforms, the top items (by received) or the
// sources (事件来源: patrol, 12345, citizens, cameras, departments) of the view's area over its
// range (GET /api/kpi/ranking?by=…&area=…). Kept per district and street: in a community or
// grid the figures are its street's, and the title says so (the answer's `basis`). Hidden
// when the caller's scope is narrower than that street (the server refuses with a 403).
import { useMemo } from 'react';
import { useView } from '../../view.ts';
import { rangeDates } from '../../netmap/range.ts';
import { useApi } from '../../netmap/useApi.ts';
import { netmapHandle } from '../../netmap/handle.ts';
import { AXIS_LABEL, TOOLTIP, useChart } from './useChart.ts';
import '../../netmap/netmap.css';

interface Ranking { basis: string; basisName: string; area: string; items: { key: string; name: string; onTimeRate: number | null; received: number }[] }
type By = 'department' | 'platform' | 'item' | 'source';
const TITLE: Record<By, string> = { department: '部门排名 · 按期结案率', platform: '四个平台 · 受理量', item: '高发事项 · 受理量', source: '事件来源 · 受理量' };
const COLOR: Record<By, string> = { department: '#5ccf8f', platform: '#4fa3d9', item: '#4fa3d9', source: '#c39bd3' };
const MAX_BARS = 8;

export function KeyRankingChart({ by }: { by: By }) {
  const area = useView((v) => v.area);
  const range = useView((v) => v.range);
  const { from, to } = rangeDates(range);
  const path = area ? `/api/kpi/ranking?by=${by}&area=${area}&from=${from}&to=${to}` : null;
  const { data, error } = useApi<Ranking>(path);
  const basisName = data && data.basis !== data.area ? data.basisName : null;
  const byRate = by === 'department';
  const id = `${by}-chart`;
  const option = useMemo(() => {
    if (!data) return null;
    const rows = (byRate ? data.items.filter((r) => r.onTimeRate !== null) : [...data.items].sort((a, b) => b.received - a.received).filter((r) => r.received > 0))
      .slice(0, MAX_BARS).reverse();
    const values = rows.map((r) => (byRate ? Math.round((r.onTimeRate ?? 0) * 1000) / 10 : r.received));
    netmapHandle().charts[id] = { keys: rows.map((r) => r.key), values: rows.map((r) => (byRate ? r.onTimeRate : r.received)), highlighted: null, query: path ?? '' };
    return {
      animationDuration: 300,
      tooltip: { trigger: 'item', ...TOOLTIP },
      grid: { left: 8, right: 64, top: 4, bottom: 4, containLabel: true },
      xAxis: { type: 'value', show: false, ...(byRate ? { max: 100 } : {}) },
      yAxis: { type: 'category', data: rows.map((r) => r.name), axisLine: { show: false }, axisTick: { show: false }, axisLabel: { ...AXIS_LABEL, width: 170, overflow: 'truncate' } },
      series: [{
        type: 'bar', data: values, barWidth: 14,
        itemStyle: { color: COLOR[by], borderRadius: [0, 4, 4, 0] },
        label: { show: true, position: 'right', color: '#e8f1ff', fontSize: 16, formatter: byRate ? '{c}%' : '{c}' },
      }],
    };
  }, [data, by, byRate, path, id]);
  const [el] = useChart(option);
  const empty = data !== null && (netmapHandle().charts[id]?.keys.length ?? 0) === 0;
  return (
    <section className="card netmap-card" hidden={error === 403} data-basis={data?.basis}>
      <h2 className="card-title">{TITLE[by]}{basisName && <span className="card-basis">（所属{basisName}）</span>}</h2>
      {empty && <p className="netmap-empty">所选时段暂无{byRate ? '已结案的派遣事件' : '事件'}</p>}
      <div ref={el} className="netmap-chart" data-testid={id} />
    </section>
  );
}
