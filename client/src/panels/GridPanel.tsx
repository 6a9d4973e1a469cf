// The selected grid: who and what it is, who walks it, and its latest tickets.
import { ticketCss } from '../live/statusColors.ts';
import { clearSelection } from '../selection.ts';
import { useWall } from '../store.ts';
import { Breadcrumb } from './Breadcrumb.tsx';
import { dayAndTime, GRID_TYPE_NAME, nameOf, ROLE_NAME } from './format.ts';

const num = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });

export function GridPanel() {
  const selection = useWall((s) => s.selection);
  const names = useWall((s) => s.names);
  if (!selection) return null;
  const { area, tickets, status } = selection;

  return (
    <aside className="grid-panel" data-testid="grid-panel" data-state={status} data-occludes>
      <button type="button" className="close" aria-label="关闭" title="关闭 (Esc)" onClick={clearSelection}>
        ×
      </button>
      {area && <Breadcrumb path={area.path} current={area} />}
      <div className="grid-head">
        <div className="grid-name" data-testid="grid-name">
          {area?.name ?? (status === 'error' ? '加载失败' : '加载中…')}
        </div>
        <div className="grid-code-row">
          <span className="grid-code" data-testid="grid-code">
            {selection.code}
          </span>
          {area?.type && <span className={`grid-type grid-type-${area.type}`}>{GRID_TYPE_NAME[area.type] ?? area.type}</span>}
        </div>
      </div>

      {area && (
        <dl className="facts">
          <div>
            <dt>面积</dt>
            <dd>{num.format(area.areaKm2)} km²</dd>
          </div>
          <div>
            <dt>户数</dt>
            <dd>{area.households !== undefined ? num.format(area.households) : '—'}</dd>
          </div>
          {area.unit && (
            <div className="fact-wide">
              <dt>管理单位</dt>
              <dd>{area.unit}</dd>
            </div>
          )}
        </dl>
      )}

      {area?.workers && area.workers.length > 0 && (
        <section className="panel-section">
          <h3>网格力量</h3>
          <ul className="workers">
            {area.workers.map((w) => (
              <li key={w.id} className="worker">
                <span className="worker-role">{ROLE_NAME[w.role] ?? w.role}</span>
                <span className="worker-name">{w.name}</span>
                <span className="worker-phone" data-testid="worker-phone">
                  {w.phone}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {area && (
        <section className="panel-section panel-tickets">
          <h3>网格事件</h3>
          {selection.outOfScope ? (
            <div className="empty" data-testid="grid-out-of-scope">
              不在本账号管辖范围内
            </div>
          ) : tickets.length === 0 ? (
            <div className="empty">暂无事件</div>
          ) : (
            <ul className="grid-tickets" data-testid="grid-tickets">
              {tickets.map((t) => (
                <li key={t.id}>
                  <span className="gt-time">{dayAndTime(t.createdAt)}</span>
                  <span className="gt-category">{nameOf(names.category, t.category)}</span>
                  <span className="gt-desc">{t.description ?? ''}</span>
                  {t.reporter && (
                    <span className="gt-reporter" title="上报人">
                      {t.reporter.name}
                    </span>
                  )}
                  <span className="gt-status" style={{ color: ticketCss(t) }} data-light={t.light ?? ''}>
                    {nameOf(names.status, t.status)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </aside>
  );
}
