// Patrol coverage (巡查覆盖) on the wall: a switch for the coverage layer (map/coverageLayer.ts)
// and, while it is on, the streets ranked by today's coverage and the phones off their grid
// for over 30 minutes (离开网格), as the server reckons them (GET /api/patrol/coverage).
import { coverageCss } from '../map/coverageLayer.ts';
import { setCoverage, usePatrol } from '../patrol/state.ts';
import { timeOfDay } from './format.ts';
import { useView } from '../view.ts';
import { CITY_CODE } from '../config.ts';

const pct = (c: number): string => `${Math.round(c * 100)}%`;
const RANKED = 8;

export function CoverageToggle() {
  const on = usePatrol((s) => s.coverage.on);
  return (
    <button type="button" className={on ? 'layer-toggle layer-toggle-on' : 'layer-toggle'} data-testid="coverage-toggle" aria-pressed={on} onClick={() => setCoverage(!on)}>
      巡查覆盖
    </button>
  );
}

export function CoveragePanel() {
  const cov = usePatrol((s) => s.coverage);
  const area = useView((v) => v.area);
  if (!cov.on) return null;
  // The view's area: a district's streets, a street (or the street of a community or grid) alone.
  const city = !area || area === CITY_CODE;
  const street = city ? '' : area.slice(0, Math.min(area.length, 9));
  const data = cov.data && (city ? cov.data : { ...cov.data, streets: cov.data.streets.filter((s) => s.code.startsWith(street)), offGrid: cov.data.offGrid.filter((o) => o.grid.startsWith(area)) });
  return (
    <section className="coverage-panel card" data-testid="coverage-panel" data-occludes>
      <h2 className="card-title">今日巡查覆盖 · 街道排名</h2>
      <div className="coverage-ramp">
        <span>0%</span>
        <span className="ramp" style={{ background: `linear-gradient(90deg, ${coverageCss(0)}, ${coverageCss(0.5)}, ${coverageCss(1)})` }} />
        <span>100%</span>
      </div>
      {!data ? (
        <div className="empty">加载中…</div>
      ) : (
        <ol className="coverage-ranking" data-testid="coverage-ranking">
          {data.streets.slice(0, RANKED).map((s, i) => (
            <li key={s.code} data-code={s.code} data-coverage={s.coverage}>
              <span className="rank">{i + 1}</span>
              <span className="street">{s.name}</span>
              <span className="bar">
                <span style={{ width: pct(s.coverage), background: coverageCss(Math.max(s.coverage, 0.35)) }} />
              </span>
              <span className="value">{pct(s.coverage)}</span>
            </li>
          ))}
        </ol>
      )}
      {data && (
        <>
          <h3 className="coverage-sub">离开网格 超过30分钟 {data.offGrid.length > 0 && <span className="off-count">{data.offGrid.length}</span>}</h3>
          {data.offGrid.length === 0 ? (
            <div className="empty">无</div>
          ) : (
            <ul className="off-grid" data-testid="off-grid">
              {data.offGrid.slice(0, 6).map((o) => (
                <li key={o.device}>
                  <span className="street">{o.name}</span>
                  <span className="since">{timeOfDay(o.since)} 起</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
