// Cameras on the wall (视频联动): the map layer, a camera's panel with its live video, the
// video grid (四屏合一: four cameras that stay until replaced) and a ticket's nearest cameras.
// Mounted once by App; everything reads the camera store (city/cameras.ts).
import { useEffect, useSyncExternalStore } from 'react';
import { registerCamerasLayer } from '../map/camerasLayer.ts';
import { clearWallSlot, closeCamera, closeTicketCameras, getCameras, putOnWall, replaceWall, statusCss, subscribeCameras, type CameraDetails } from './cameras.ts';
import { HlsVideo } from './HlsVideo.tsx';
import './cameras.css';

const useCameras = () => useSyncExternalStore(subscribeCameras, getCameras);

function Status({ c }: { c: CameraDetails }) {
  return (
    <span className="cam-status" data-status={c.status} style={{ color: statusCss(c.status) }}>
      <span className="dot" style={{ background: statusCss(c.status) }} />
      {c.statusName}
    </span>
  );
}

export function CameraPanel() {
  const c = useCameras().open;
  if (!c) return null;
  const onWall = getCameras().wall.some((w) => w?.id === c.id);
  return (
    <aside className="card camera-panel takeover" data-occludes data-testid="camera-panel" data-id={c.id}>
      <button type="button" className="close" aria-label="关闭" onClick={closeCamera}>×</button>
      <h2 className="card-title">{c.name}</h2>
      <div className="cam-meta">
        <Status c={c} />
        <span>{c.typeName}</span>
        <span>{c.ownerName}</span>
      </div>
      <div className="cam-place">{c.place}</div>
      <div className="cam-id">国标编码 {c.id}</div>
      {c.status === 'online' ? <HlsVideo url={c.hlsUrl} testSignal={c.testSignal} label={c.name} /> : <div className="video-off">摄像机{c.statusName}，暂无画面</div>}
      <div className="cam-actions">
        <button type="button" disabled={onWall} onClick={() => putOnWall([c])} data-testid="camera-to-wall">{onWall ? '已在视频墙' : '上视频墙'}</button>
      </div>
      {c.synthetic && <div className="cam-note">示例点位（合成数据）</div>}
    </aside>
  );
}

export function VideoGrid() {
  const wall = useCameras().wall;
  if (!wall.some(Boolean)) return null;
  return (
    <section className="card video-grid" data-occludes data-testid="video-grid">
      <h2 className="card-title">视频墙 · 四屏合一</h2>
      <div className="video-cells">
        {wall.map((c, i) => (
          <div className="video-cell" key={c ? c.id : `empty-${i}`} data-testid="video-cell" data-id={c?.id ?? ''}>
            {c ? (
              <>
                {c.status === 'online' ? <HlsVideo url={c.hlsUrl} testSignal={c.testSignal} label={c.name} /> : <div className="video-off">{c.statusName}</div>}
                <div className="video-caption">
                  <Status c={c} />
                  <span className="video-name">{c.name}</span>
                  <button type="button" className="video-remove" aria-label="移出" onClick={() => clearWallSlot(i)}>×</button>
                </div>
              </>
            ) : (
              <div className="video-off">空闲</div>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}

export function TicketCameras() {
  const t = useCameras().ticket;
  if (!t) return null;
  return (
    <aside className="card ticket-cameras takeover" data-occludes data-testid="ticket-cameras" data-ticket={t.id}>
      <button type="button" className="close" aria-label="关闭" onClick={closeTicketCameras}>×</button>
      <h2 className="card-title">周边视频 · {t.id}</h2>
      <div className="cam-sub">200 米内摄像机，按距离排序</div>
      {t.status === 'loading' && <div className="cam-sub">查询中…</div>}
      {t.status === 'error' && <div className="cam-sub">无法查询：{t.message}</div>}
      {t.status === 'ready' && t.items.length === 0 && <div className="cam-sub">200 米内没有摄像机</div>}
      <ol className="near-list">
        {t.items.map((c) => (
          <li key={c.id} data-testid="near-camera" data-id={c.id}>
            <span className="near-distance">{Math.round(c.distanceM ?? 0)} 米</span>
            <span className="near-name">{c.name}</span>
            <Status c={c} />
          </li>
        ))}
      </ol>
      {t.items.length > 0 && (
        <button type="button" className="near-to-wall" data-testid="ticket-cameras-to-wall" onClick={() => replaceWall(t.items.slice(0, 4))}>
          最近 {Math.min(4, t.items.length)} 路上视频墙
        </button>
      )}
    </aside>
  );
}

/** Registers the cameras layer once (the wall's App) and exposes its store to the tests; the
 * panels (CameraPanel, TicketCameras, VideoGrid) are placed by the layout. */
export function useCamerasLayer(): void {
  useEffect(() => {
    const unregister = registerCamerasLayer();
    (window as unknown as { __cameras?: unknown }).__cameras = { get: getCameras };
    return unregister;
  }, []);
}
