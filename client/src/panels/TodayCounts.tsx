// Today's figures of the wall's area, as the server counts them (GET /api/stats/today and
// the `stats` push): reported, registered, closed, the closure and on-time rates, overdue
// now and 督办. Never counted here (live/tickets.ts says why).
import { useWall } from '../store.ts';
import type { TodayStats } from '../types.ts';

const fmt = new Intl.NumberFormat('zh-CN');
const pct = new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 });

type Key = 'registered' | 'closed' | 'closureRate' | 'onTimeRate' | 'overdueNow' | 'supervised';
const FIGURES: { key: Key; label: string; rate?: boolean; tone?: 'alert' | 'warn' }[] = [
  { key: 'registered', label: '立案' },
  { key: 'closed', label: '结案' },
  { key: 'closureRate', label: '结案率', rate: true },
  { key: 'onTimeRate', label: '按期率', rate: true },
  { key: 'overdueNow', label: '超期', tone: 'alert' },
  { key: 'supervised', label: '督办', tone: 'warn' },
];

const value = (stats: TodayStats | null, key: Key): number | null => (stats ? (stats[key] ?? null) : null);

export function TodayCounts() {
  const stats = useWall((s) => s.stats);
  return (
    <div className="counts">
      <div className="count-main">
        <div className="count-label">今日上报</div>
        <div className="count-value" data-testid="today-reported" data-value={stats?.reported ?? ''}>
          {stats ? fmt.format(stats.reported) : '—'}
        </div>
      </div>
      <div className="count-figures">
        {FIGURES.map((f) => {
          const v = value(stats, f.key);
          const lit = f.tone && v !== null && v > 0 ? ` count-figure-${f.tone}` : '';
          return (
            <div className={`count-figure${lit}`} key={f.key} data-testid={`today-${f.key}`} data-value={v ?? ''}>
              <div className="count-figure-name">{f.label}</div>
              <div className="count-figure-value">{v === null ? '—' : f.rate ? pct.format(v) : fmt.format(v)}</div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
