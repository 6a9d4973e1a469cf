// Today's reports per district, a small horizontal bar chart (ECharts, canvas).
import { BarChart } from 'echarts/charts';
import { GridComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useWall } from '../store.ts';

echarts.use([BarChart, GridComponent, CanvasRenderer]);

export function DistrictChart() {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const byChild = useWall((s) => s.stats?.byChild);

  useEffect(() => {
    if (!el.current) return;
    chart.current = echarts.init(el.current, null, { renderer: 'canvas' });
    return () => chart.current?.dispose();
  }, []);

  useEffect(() => {
    if (!chart.current || !byChild) return;
    const rows = [...byChild].sort((a, b) => a.reported - b.reported);
    chart.current.setOption({
      animationDuration: 300,
      animationDurationUpdate: 300,
      grid: { left: 100, right: 70, top: 6, bottom: 6 },
      xAxis: { type: 'value', show: false },
      yAxis: {
        type: 'category',
        data: rows.map((r) => r.name),
        axisLine: { show: false },
        axisTick: { show: false },
        axisLabel: { color: '#c9d7ea', fontSize: 20 },
      },
      series: [
        {
          type: 'bar',
          data: rows.map((r) => r.reported),
          barWidth: 18,
          itemStyle: { color: '#4fa3d9', borderRadius: [0, 4, 4, 0] },
          label: { show: true, position: 'right', color: '#e8f1ff', fontSize: 20 },
        },
      ],
    });
  }, [byChild]);

  return (
    <section className="card district-chart">
      <h2 className="card-title">今日各区上报</h2>
      <div ref={el} className="chart" data-testid="district-chart" />
    </section>
  );
}
