// The time range every panel and the choropleth cover: 今日/近7日/近30日/本月/本年 (view.range).
import { RANGES, setView, useView } from '../view.ts';
import { RANGE_NAME } from '../netmap/range.ts';
import '../netmap/netmap.css';

export function RangePicker() {
  const range = useView((v) => v.range);
  return (
    <div className="card netmap-toggle netmap-range" data-testid="range-picker">
      {RANGES.map((r) => (
        <button key={r} type="button" data-range={r} className={r === range ? 'on' : ''} onClick={() => setView({ range: r })}>{RANGE_NAME[r]}</button>
      ))}
    </div>
  );
}
