// Today's counts for the whole city: reported, and how many sit in each status.
import { statusCss } from '../live/statusColors.ts';
import { useWall } from '../store.ts';

const fmt = new Intl.NumberFormat('zh-CN');

export function TodayCounts() {
  const stats = useWall((s) => s.stats);
  const statuses = useWall((s) => s.meta?.statuses);
  const shown = (statuses ?? Object.keys(stats?.byStatus ?? {}).map((code) => ({ code, name: code }))).slice(0, 8);
  return (
    <div className="counts">
      <div className="count-main">
        <div className="count-label">今日上报</div>
        <div className="count-value" data-testid="today-reported">
          {stats ? fmt.format(stats.reported) : '—'}
        </div>
      </div>
      <div className="count-statuses">
        {shown.map((st) => (
          <div className="count-status" key={st.code} data-testid={`today-status-${st.code}`}>
            <div className="count-status-name">
              <span className="dot" style={{ background: statusCss(st.code) }} />
              {st.name}
            </div>
            <div className="count-status-value">{stats ? fmt.format(stats.byStatus[st.code] ?? 0) : '—'}</div>
          </div>
        ))}
      </div>
    </div>
  );
}
