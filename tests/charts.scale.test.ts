// The wall's charts keep their proportion on a 4K wall: design-pixel sizes in an ECharts
// option scale with the UI (client/src/panels/charts/useChart.ts scaleOption), data does not.
import { describe, expect, it } from 'vitest';
import { scaleOption } from '../client/src/panels/charts/useChart.ts';

describe('scaleOption', () => {
  const option = {
    grid: { left: 8, right: '10%', top: 4 },
    yAxis: { type: 'category', data: ['天宁区', '钟楼区'], axisLabel: { color: '#fff', fontSize: 16, width: 170 } },
    series: [{ type: 'bar', data: [12, 40], barWidth: 14, itemStyle: { borderRadius: [0, 4, 4, 0] }, label: { fontSize: 16, formatter: (p: { value: number }) => `${p.value}` } }],
  };

  it('doubles pixel sizes at 2× and leaves data, percentages and functions alone', () => {
    const s = scaleOption(option, 2);
    expect(s.grid).toEqual({ left: 16, right: '10%', top: 8 });
    expect(s.yAxis.axisLabel).toEqual({ color: '#fff', fontSize: 32, width: 340 });
    expect(s.yAxis.data).toEqual(['天宁区', '钟楼区']);
    expect(s.series[0].data).toEqual([12, 40]);
    expect(s.series[0].barWidth).toBe(28);
    expect(s.series[0].itemStyle.borderRadius).toEqual([0, 8, 8, 0]);
    expect(s.series[0].label.formatter).toBe(option.series[0].label.formatter);
    expect(option.grid.left).toBe(8); // the given option is not changed
  });

  it('is the option itself at 1×', () => {
    expect(scaleOption(option, 1)).toBe(option);
  });
});
