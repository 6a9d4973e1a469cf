// Today's reports per child of the wall's area (districts of the city, streets of a
// district, …), a small horizontal bar chart (ECharts, canvas).
import { BarChart } from 'echarts/charts';
import { GridComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { uiScale } from '../layout/scale.ts';
import { useWall } from '../store.ts';
import type { Level } from '../types.ts';

echarts.use([BarChart, GridComponent, CanvasRenderer]);

/** Bars that fit the card legibly; a street's many communities show their busiest. */
const MAX_BARS = 7;
const CHILDREN: Record<Level, string> = { city: '各区', district: '各街道', street: '各社区', community: '各网格', grid: '' };

export function DistrictChart() {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const byChild = useWall((s) => s.stats?.byChild);
  const level = useWall((s) => (s.stats?.area.level ?? s.scope?.level ?? 'city') as Level);

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, null, { renderer: 'canvas' });
    chart.current = c;
    // Its slot's height is a share of the column's, which follows the screen (layout.css).
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el.current);
    return () => {
      resize.disconnect();
      c.dispose();
    };
  }, []);

  useEffect(() => {
    if (!chart.current || !byChild) return;
    const k = uiScale(); // ECharts sizes in CSS pixels: scaled like the rem-sized page
    const rows = [...byChild].sort((a, b) => b.reported - a.reported || a.code.localeCompare(b.code)).slice(0, MAX_BARS).reverse();
    chart.current.setOption({
      animationDuration: 300,
      animationDurationUpdate: 300,
      grid: { left: 8 * k, right: 60 * k, top: 6 * k, bottom: 6 * k, containLabel: true },
      xAxis: { type: 'value', show: false },
      yAxis: {
        type: 'category',
        data: rows.map((r) => r.name),
        axisLine: { show: false },
        axisTick: { show: false },
        axisLabel: { color: '#c9d7ea', fontSize: 20 * k, width: 200 * k, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          data: rows.map((r) => r.reported),
          barWidth: 18 * k,
          itemStyle: { color: '#4fa3d9', borderRadius: [0, 4, 4, 0] },
          label: { show: true, position: 'right', color: '#e8f1ff', fontSize: 20 * k },
        },
      ],
    });
  }, [byChild]);

  const more = (byChild?.length ?? 0) > MAX_BARS;

  return (
    <section className="card district-chart">
      <h2 className="card-title">
        今日{CHILDREN[level] ?? ''}上报{more ? `（前 ${MAX_BARS}）` : ''}
      </h2>
      <div ref={el} className="chart" data-testid="district-chart" />
    </section>
  );
}
