// The KPI the net is coloured by (a picker) and its classes: colour, range and unit, zh-CN.
import { KPIS, setView, useView } from '../view.ts';
import { classBreaks, classColor, colouredArea, KPI_META, kpiValue, useFigures } from '../netmap/figures.ts';
import { RANGE_NAME } from '../netmap/range.ts';
import '../netmap/netmap.css';

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

export function ChoroplethLegend() {
  const view = useView((v) => v);
  const f = useFigures();
  const meta = KPI_META[view.kpi];
  const current = f && f.area === colouredArea(view) ? f : null;
  const values = current?.children.map((c) => kpiValue(c, view.kpi)).filter((x): x is number => x !== null) ?? [];
  const breaks = classBreaks(values, meta.rate);
  const none = (current?.children.length ?? 0) > values.length;
  return (
    <section className="card netmap-legend" data-testid="choropleth-legend">
      <div className="netmap-kpis">
        {KPIS.map((k) => (
          <button key={k} type="button" className={k === view.kpi ? 'on' : ''} data-kpi={k} onClick={() => setView({ kpi: k })}>{KPI_META[k].name}</button>
        ))}
      </div>
      <div className="netmap-classes">
        {breaks.map((b, i) => (
          <span key={b} className="netmap-class">
            <i style={{ background: classColor(i, breaks.length, meta.higherIsBetter) }} />
            {i === 0 ? `≤ ${fmt(b)}` : `${fmt(breaks[i - 1])}–${fmt(b)}`}
          </span>
        ))}
        {none ? <span className="netmap-class"><i style={{ background: '#2a3342' }} />无数据</span> : null}
        <span className="netmap-unit">{meta.unit}{meta.rate || view.kpi === 'perHouseholds' ? ` · ${typeof view.range === 'string' ? RANGE_NAME[view.range] : `${view.range.from}至${view.range.to}`}` : ' · 当前'}</span>
      </div>
    </section>
  );
}
