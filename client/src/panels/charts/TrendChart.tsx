// Received vs closed over the view's area and range (GET /api/kpi?series=true), by day,
// week or month: the counters' daily series summed client-side into the chosen bucket.
import { useMemo, useState } from 'react';
import { useView } from '../../view.ts';
import { rangeDates } from '../../netmap/range.ts';
import { useApi } from '../../netmap/useApi.ts';
import { netmapHandle } from '../../netmap/handle.ts';
import { AXIS_LABEL, TOOLTIP, useChart } from './useChart.ts';
import '../../netmap/netmap.css';

interface Series { received: number; closed: number; series: { date: string; received: number; closed: number }[] }
const BUCKETS = { day: '日', week: '周', month: '月' } as const;
type Bucket = keyof typeof BUCKETS;

/** The bucket a CST date falls in: itself, its week's Monday, or its month. */
function bucketOf(date: string, b: Bucket): string {
  if (b === 'day') return date.slice(5);
  if (b === 'month') return date.slice(0, 7);
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return `${d.toISOString().slice(5, 10)}周`;
}

export function TrendChart() {
  const area = useView((v) => v.area);
  const range = useView((v) => v.range);
  const [bucket, setBucket] = useState<Bucket>('day');
  const { from, to } = rangeDates(range);
  const path = area ? `/api/kpi?area=${area}&from=${from}&to=${to}&series=true` : null;
  const { data } = useApi<Series>(path);
  const option = useMemo(() => {
    if (!data) return null;
    const keys: string[] = [];
    const sums = new Map<string, { received: number; closed: number }>();
    for (const d of data.series) {
      const k = bucketOf(d.date, bucket);
      if (!sums.has(k)) (keys.push(k), sums.set(k, { received: 0, closed: 0 }));
      const s = sums.get(k)!;
      s.received += d.received;
      s.closed += d.closed;
    }
    const received = keys.map((k) => sums.get(k)!.received);
    const closed = keys.map((k) => sums.get(k)!.closed);
    netmapHandle().charts['trend-chart'] = { keys, values: received, highlighted: null, query: path ?? '' };
    return {
      animationDuration: 300,
      tooltip: { trigger: 'axis', ...TOOLTIP },
      legend: { data: ['受理', '结案'], textStyle: { color: '#c9d7ea', fontSize: 16 }, right: 0, top: 0 },
      grid: { left: 8, right: 12, top: 34, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: keys, axisLabel: AXIS_LABEL },
      yAxis: { type: 'value', axisLabel: AXIS_LABEL, splitLine: { lineStyle: { color: '#22324a' } } },
      series: [
        { name: '受理', type: keys.length > 1 ? 'line' : 'bar', data: received, smooth: true, itemStyle: { color: '#4fa3d9' } },
        { name: '结案', type: keys.length > 1 ? 'line' : 'bar', data: closed, smooth: true, itemStyle: { color: '#5ccf8f' } },
      ],
    };
  }, [data, bucket, path]);
  const [el] = useChart(option);
  return (
    <section className="card netmap-card">
      <h2 className="card-title">
        受理与结案
        <span className="netmap-toggle">
          {(Object.keys(BUCKETS) as Bucket[]).map((b) => (
            <button key={b} type="button" className={b === bucket ? 'on' : ''} onClick={() => setBucket(b)}>{BUCKETS[b]}</button>
          ))}
        </span>
      </h2>
      <div ref={el} className="netmap-chart" data-testid="trend-chart" data-received={data?.received ?? ''} data-closed={data?.closed ?? ''} />
    </section>
  );
}
