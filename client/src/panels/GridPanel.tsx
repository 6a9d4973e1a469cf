// The selected grid: who and what it is, its team (who walks it), and its latest tickets.
import { ticketCss } from '../live/statusColors.ts';
import { clearSelection } from '../selection.ts';
import { showTicketCameras } from '../city/cameras.ts';
import { useWall } from '../store.ts';
import type { Area, Worker } from '../types.ts';
import { Breadcrumb } from './Breadcrumb.tsx';
import { ElementsPanel } from './ElementsPanel.tsx';
import { dayAndTime, GRID_TYPE_NAME, nameOf, ROLE_NAME } from './format.ts';

const num = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });

const ROLE_ORDER = ['liaison', 'leader', 'full_time', 'part_time'];

/** Members grouped by role in the team's order (liaison, leader, full-time, part-time). */
function byRole(members: Worker[]): [string, Worker[]][] {
  const groups = new Map<string, Worker[]>();
  for (const w of members) groups.set(w.role, [...(groups.get(w.role) ?? []), w]);
  const rank = (r: string) => (ROLE_ORDER.includes(r) ? ROLE_ORDER.indexOf(r) : ROLE_ORDER.length);
  return [...groups].sort((a, b) => rank(a[0]) - rank(b[0]));
}

/**
 * The grid's team as the field names it: "4+X" for an urban base grid, "3+X" for a village
 * one, "2+X" for a dedicated grid: the number of roles filled, plus X volunteers. Only the
 * 网格通 carriers move on the wall, so they are marked. A server without teams still sends
 * `workers` (the carriers): shown as before.
 */
function TeamSection({ area }: { area: Area }) {
  const team = area.team;
  const members = team?.members ?? area.workers ?? [];
  if (members.length === 0) return null;
  const groups = byRole(members);
  return (
    <section className="panel-section" data-testid="grid-team">
      <h3>
        网格力量
        {team && <span className="team-formula" data-testid="team-formula">{` ${groups.length}+X`}</span>}
        <span className="team-synthetic" style={{ fontSize: '0.9375rem', color: 'var(--muted)', fontWeight: 400, marginLeft: 10 }}>
          人员为合成数据（synthetic）
        </span>
      </h3>
      <ul className="workers">
        {groups.flatMap(([role, ws]) =>
          ws.map((w, i) => (
            <li key={w.id} className="worker" data-role={role}>
              <span className="worker-role">{i === 0 ? `${ROLE_NAME[role] ?? role}${ws.length > 1 ? ` ×${ws.length}` : ''}` : ''}</span>
              <span className="worker-name">{w.name}</span>
              <span className="worker-phone" data-testid="worker-phone">
                {w.phone}
              </span>
              {w.carriesPhone && (
                <span className="worker-carrier" title="携带网格通，位置上图" style={{ fontSize: 15, color: '#7fd3a6' }}>
                  网格通
                </span>
              )}
            </li>
          )),
        )}
        {team && (
          <li className="worker" data-role="volunteer">
            <span className="worker-role">{ROLE_NAME.volunteer ?? '志愿者'}</span>
            <span className="worker-name" data-testid="team-volunteers">
              {team.volunteers} 人
            </span>
          </li>
        )}
      </ul>
    </section>
  );
}

export function GridPanel() {
  const selection = useWall((s) => s.selection);
  const names = useWall((s) => s.names);
  if (!selection) return null;
  const { area, tickets, status } = selection;

  return (
    <aside className="grid-panel takeover" data-testid="grid-panel" data-state={status} data-occludes>
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

      {area && <TeamSection area={area} />}
      {area && <ElementsPanel />}

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
                <li key={t.id} data-cameras title="周边视频" onClick={() => void showTicketCameras(t.id)}>
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
