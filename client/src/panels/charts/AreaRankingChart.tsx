// 月度考核: the streets of the city or of a district (below a street, the view's children)
// ranked by on-time rate (GET /api/kpi/ranking). Linked to the map: hovering a bar outlines
// its area there, hovering an area on the map highlights its bar, clicking a bar drills to it.
import { useEffect, useMemo, useRef } from 'react';
import { childLevel, useView } from '../../view.ts';
import { rangeDates } from '../../netmap/range.ts';
import { useApi } from '../../netmap/useApi.ts';
import { drillTo } from '../../netmap/figures.ts';
import { getHover, setHover, subscribeHover } from '../../netmap/hover.ts';
import { netmapHandle } from '../../netmap/handle.ts';
import { AXIS_LABEL, TOOLTIP, useChart, type Chart } from './useChart.ts';
import '../../netmap/netmap.css';

interface Ranking { items: { rank: number; key: string; name: string; onTimeRate: number | null; closureRate: number | null; received: number }[] }
const MAX_BARS = 10;
const TITLE: Record<string, string> = { district: '各区', street: '街道', community: '社区', grid: '网格' };
const ID = 'area-ranking-chart';

export function AreaRankingChart() {
  const area = useView((v) => v.area);
  const level = useView((v) => v.level);
  const range = useView((v) => v.range);
  const by = level === 'city' || level === 'district' ? 'street' : level === 'grid' ? null : childLevel(level);
  const { from, to } = rangeDates(range);
  const path = area && by ? `/api/kpi/ranking?by=${by}&area=${area}&from=${from}&to=${to}` : null;
  const { data } = useApi<Ranking>(path);
  // Areas with nothing closed yet rank last (the server's order) with a stub bar, so they can still be hovered and clicked.
  const rows = useMemo(() => (data?.items ?? []).slice(0, MAX_BARS), [data]);
  const keys = useRef<string[]>([]);
  const chartRef = useRef<Chart | null>(null);

  const option = useMemo(() => {
    if (!data) return null;
    const shown = [...rows].reverse(); // the best on top
    keys.current = shown.map((r) => r.key);
    const values = shown.map((r) => (r.onTimeRate === null ? 0 : Math.round(r.onTimeRate * 1000) / 10));
    netmapHandle().charts[ID] = {
      keys: keys.current, values: shown.map((r) => r.onTimeRate), highlighted: null, query: path ?? '',
      // Where bar i is on the page (its middle), for the tests' pointer.
      point: (i: number) => {
        const c = chartRef.current;
        const box = c?.getDom().getBoundingClientRect();
        if (!c || !box) return null;
        const [x, y] = c.convertToPixel({ seriesIndex: 0 }, [Math.max(values[i], 0) / 2, i]) as number[];
        return [box.left + x + 4, box.top + y]; // inside even a stub bar (barMinHeight)
      },
    };
    return {
      animationDuration: 300,
      tooltip: { trigger: 'item', ...TOOLTIP, formatter: (p: { dataIndex: number }) => `${shown[p.dataIndex].name}<br/>按期结案率 ${shown[p.dataIndex].onTimeRate === null ? '—' : `${values[p.dataIndex]}%`}<br/>受理 ${shown[p.dataIndex].received} 件` },
      grid: { left: 8, right: 64, top: 4, bottom: 4, containLabel: true },
      xAxis: { type: 'value', show: false, max: 100 },
      yAxis: { type: 'category', data: shown.map((r) => r.name), axisLine: { show: false }, axisTick: { show: false }, axisLabel: { ...AXIS_LABEL, width: 150, overflow: 'truncate' } },
      series: [{
        type: 'bar', data: values, barWidth: 14, cursor: 'pointer',
        itemStyle: { color: '#4fa3d9', borderRadius: [0, 4, 4, 0] },
        emphasis: { itemStyle: { color: '#ffd166' } },
        barMinHeight: 8,
        label: { show: true, position: 'right', color: '#e8f1ff', fontSize: 16, formatter: (p: { dataIndex: number; value: number }) => (shown[p.dataIndex].onTimeRate === null ? '—' : `${p.value}%`) },
      }],
    };
  }, [data, rows, path]);

  const bind = (c: Chart) => {
    c.on('mouseover', (p: { dataIndex?: number }) => p.dataIndex !== undefined && setHover(keys.current[p.dataIndex] ?? null));
    c.on('mouseout', () => setHover(null));
    c.on('click', (p: { dataIndex?: number }) => {
      const code = p.dataIndex !== undefined ? keys.current[p.dataIndex] : undefined;
      if (code) void drillTo(code);
    });
    return () => undefined;
  };
  const [el, chart] = useChart(option, bind);
  chartRef.current = chart.current;

  // The map's hover → the bar's highlight.
  useEffect(() => {
    let last = -1;
    return subscribeHover(() => {
      const c = chart.current;
      if (!c) return;
      const i = keys.current.indexOf(getHover() ?? '');
      if (i === last) return;
      if (last >= 0) c.dispatchAction({ type: 'downplay', seriesIndex: 0, dataIndex: last });
      if (i >= 0) c.dispatchAction({ type: 'highlight', seriesIndex: 0, dataIndex: i });
      last = i;
      const h = netmapHandle().charts[ID];
      if (h) h.highlighted = i >= 0 ? keys.current[i] : null;
    });
  }, [chart]);

  return (
    <section className="card netmap-card" hidden={!by}>
      <h2 className="card-title">{by ? TITLE[by] : ''}月度考核 · 按期结案率{(data?.items.length ?? 0) > MAX_BARS ? `（前 ${MAX_BARS}）` : ''}</h2>
      <div ref={el} className="netmap-chart tall" data-testid={ID} />
    </section>
  );
}
