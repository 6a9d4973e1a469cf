// One ECharts instance per chart component, imported modularly (only bar and line charts,
// the grid, tooltip and legend, the canvas renderer), resized with its card.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, type RefObject } from 'react';
import { uiScale } from '../../layout/scale.ts';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type Chart = echarts.ECharts;
export type ChartOption = echarts.EChartsCoreOption;

export function useChart(option: ChartOption | null, bind?: (chart: Chart) => () => void): [RefObject<HTMLDivElement | null>, RefObject<Chart | null>] {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<Chart | null>(null);
  const last = useRef<ChartOption | null>(null);
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, null, { renderer: 'canvas' });
    chart.current = c;
    const unbind = bind?.(c);
    // A wall of another height (4K) scales the design's pixel sizes as its CSS does.
    let k = uiScale();
    const ro = new ResizeObserver(() => {
      c.resize();
      if (uiScale() !== k && last.current) c.setOption(scaleOption(last.current, (k = uiScale())), { notMerge: true });
    });
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
    last.current = option;
    if (chart.current && option) chart.current.setOption(scaleOption(option, uiScale()), { notMerge: true });
  }, [option]);
  return [el, chart];
}

/** The wall's axis and label styles: legible from 5 m on a dark wall. */
export const AXIS_LABEL = { color: '#c9d7ea', fontSize: 16 };
export const TOOLTIP = { backgroundColor: 'rgba(10,18,32,0.92)', borderColor: '#3a5377', textStyle: { color: '#e8f1ff', fontSize: 16 } };

/** Sizes in an option that are design pixels (drawn for a 1080-high wall). */
const PIXEL_KEYS = new Set(['fontSize', 'lineHeight', 'barWidth', 'barMinHeight', 'width', 'height', 'itemWidth', 'itemHeight', 'itemGap', 'symbolSize', 'left', 'right', 'top', 'bottom', 'padding', 'borderRadius', 'margin', 'distance']);

/** The option with every design-pixel size times `k` (1 on a 1080-high wall); data, and
 * anything not a number (percentages, functions), as given. */
export function scaleOption<T>(o: T, k: number): T {
  if (k === 1) return o;
  const walk = (v: unknown, key: string): unknown => {
    if (key === 'data' || typeof v === 'function' || v === null || typeof v !== 'object') {
      if (typeof v === 'number' && PIXEL_KEYS.has(key)) return v * k;
      return v;
    }
    if (Array.isArray(v)) return PIXEL_KEYS.has(key) ? v.map((x) => (typeof x === 'number' ? x * k : x)) : v.map((x) => walk(x, ''));
    const out: Record<string, unknown> = {};
    for (const [kk, vv] of Object.entries(v as Record<string, unknown>)) out[kk] = walk(vv, kk);
    return out;
  };
  return walk(o, '') as T;
}
