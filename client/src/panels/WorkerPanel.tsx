// The picked grid phone's worker (a click on a phone on the wall): who, their role and home
// grid, their status now, today's distance, patrol time and events reported; their track is
// drawn on the map (map/trackLayer.ts). From here their day is replayed, or added to a replay.
import { DEVICE_STATUS, type DeviceStatus } from '../../../server/domain/fix.ts';
import { useWorkers, WORKER_STATUS_NAME, workerCss } from '../live/workers.ts';
import { closeWorker, MAX_REPLAYED, replayWorker, usePatrol } from '../patrol/state.ts';
import { ROLE_NAME } from './format.ts';

const km = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 2小时05分, 35分 */
export function duration(ms: number): string {
  const m = Math.round(ms / 60_000);
  const h = Math.floor(m / 60);
  return h > 0 ? `${h}小时${String(m % 60).padStart(2, '0')}分` : `${m}分`;
}

export function WorkerPanel() {
  const w = usePatrol((s) => s.worker);
  const replay = usePatrol((s) => s.replay);
  // The live status, from the frames (the roster's is as of when it was read).
  const live = useWorkers((ws, picked) => (picked >= 0 && ws.has(picked) ? (ws.status[picked] as DeviceStatus) : null));
  if (!w) return null;
  const { who, track } = w;
  const status = live ?? (who ? (who.status as DeviceStatus) : DEVICE_STATUS.offline);
  const inReplay = !!who && !!replay?.entries.some((e) => e.id === who.id);
  const full = (replay?.entries.length ?? 0) >= MAX_REPLAYED;

  return (
    <aside className="grid-panel worker-panel takeover" data-testid="worker-panel" data-state={w.status} data-occludes>
      <button type="button" className="close" aria-label="关闭" title="关闭 (Esc)" onClick={closeWorker}>
        ×
      </button>
      <div className="grid-head">
        <div className="grid-name" data-testid="worker-name">
          {who?.name ?? (w.status === 'error' ? '加载失败' : '加载中…')}
        </div>
        <div className="grid-code-row">
          {who && <span className="worker-role-tag">{ROLE_NAME[who.role] ?? who.role}</span>}
          <span className="worker-status" data-testid="worker-status" data-status={status}>
            <span className="dot" style={{ background: workerCss(status) }} />
            {WORKER_STATUS_NAME[status]}
          </span>
        </div>
      </div>
      {who && (
        <dl className="facts">
          <div className="fact-wide">
            <dt>所属网格</dt>
            <dd data-testid="worker-grid">
              {w.gridName ?? who.grid}
              <span className="worker-grid-code">{who.grid}</span>
            </dd>
          </div>
          <div>
            <dt>今日里程</dt>
            <dd data-testid="worker-distance" data-value={track ? Math.round(track.distanceM) : ''}>
              {track ? `${km.format(track.distanceM / 1000)} km` : '—'}
            </dd>
          </div>
          <div>
            <dt>巡查时长</dt>
            <dd data-testid="worker-patrol">{track ? duration(track.patrolMs) : '—'}</dd>
          </div>
          <div>
            <dt>今日上报事件</dt>
            <dd data-testid="worker-reported">{track ? `${track.reported} 件` : '—'}</dd>
          </div>
          <div>
            <dt>定位点 / 停留</dt>
            <dd data-testid="worker-fixes">{track ? `${track.fixes} / ${track.stops.length} 处` : '—'}</dd>
          </div>
        </dl>
      )}
      {track && (
        <section className="panel-section">
          <h3>今日轨迹</h3>
          <div className="worker-track-note">
            <span className="track-swatch" /> 巡查轨迹
            <span className="stop-swatch" /> 停留 5 分钟以上
          </div>
          <button
            type="button"
            className="action-button"
            data-testid="worker-replay"
            disabled={inReplay || full || track.points.length < 2}
            onClick={replayWorker}
          >
            {inReplay ? '回放中' : replay ? '加入回放' : '轨迹回放'}
          </button>
        </section>
      )}
    </aside>
  );
}
