// One ECharts instance per chart component, imported modularly (only bar and line charts,
// the grid, tooltip and legend, the canvas renderer), resized with its card.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, type RefObject } from 'react';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type Chart = echarts.ECharts;
export type ChartOption = echarts.EChartsCoreOption;

export function useChart(option: ChartOption | null, bind?: (chart: Chart) => () => void): [RefObject<HTMLDivElement | null>, RefObject<Chart | null>] {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<Chart | null>(null);
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, null, { renderer: 'canvas' });
    chart.current = c;
    const unbind = bind?.(c);
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      unbind?.();
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    if (chart.current && option) chart.current.setOption(option, { notMerge: true });
  }, [option]);
  return [el, chart];
}

/** The wall's axis and label styles: legible from 5 m on a dark wall. */
export const AXIS_LABEL = { color: '#c9d7ea', fontSize: 16 };
export const TOOLTIP = { backgroundColor: 'rgba(10,18,32,0.92)', borderColor: '#3a5377', textStyle: { color: '#e8f1ff', fontSize: 16 } };
