// 热力时间轴: the heatmap's time slider, at the bottom of the wall while the heatmap layer is
// on. The window (1, 7 or 30 days) ends on the slider's day; play moves it a day at a time
// through the year at 1–8 days a second; 热点/蜂窝 switches between deck.gl's heatmap of the
// tickets and the server's H3 hexagons. The data and the clock live in heat/heatStore.ts.
import { useEffect, useSyncExternalStore } from 'react';
import './HeatSlider.css';
import { useView } from '../view.ts';
import { registerHeatmapLayer } from '../map/heatmapLayer.ts';
import {
  ensureLoaded, getHeat, heatDateOf, setHeatArea, setHeatMode, setHeatPlaying, setHeatSpeed, setHeatWindow, subscribeHeat, SPEEDS, WINDOWS, type HeatMode,
} from '../heat/heatStore.ts';

const MODES: [HeatMode, string][] = [['points', '热点'], ['hex', '蜂窝']];

export function HeatSlider() {
  const on = useView((v) => v.layers.has('heatmap'));
  const area = useView((v) => v.area);
  const s = useSyncExternalStore(subscribeHeat, getHeat);

  useEffect(() => registerHeatmapLayer(), []);
  useEffect(() => {
    if (!on) return setHeatPlaying(false);
    setHeatArea(area);
    void ensureLoaded();
  }, [on, area]);
  if (!on) return null;

  const first = heatDateOf(s.endDay - s.windowDays + 1);
  const last = heatDateOf(s.endDay);
  const shown = s.mode === 'points' ? s.hi - s.lo : (s.hex?.total ?? 0);
  const loading = s.mode === 'points' && s.chunksLoaded < s.chunksTotal;

  return (
    <section className="heat-slider card" data-testid="heat-slider" data-occludes data-end={last} data-shown={shown} data-loaded={s.chunksLoaded} data-chunks={s.chunksTotal} data-mode={s.mode}>
      <div className="heat-slider-head">
        <h2 className="card-title">热力时间轴</h2>
        <span className="heat-dates" data-testid="heat-dates">{s.windowDays === 1 ? last : `${first} 至 ${last}`}</span>
        <span className="heat-count">
          {shown.toLocaleString('zh-CN')} 件{loading ? `（已载入 ${s.chunksLoaded}/${s.chunksTotal} 月）` : ''}
        </span>
        {s.error && <span className="heat-error">{s.error}</span>}
      </div>
      <div className="heat-controls">
        <button type="button" className="action-button" data-testid="heat-play" onClick={() => setHeatPlaying(!s.playing)}>
          {s.playing ? '暂停' : '播放'}
        </button>
        <input
          type="range" aria-label="热力时间" data-testid="heat-range"
          min={s.firstDay + s.windowDays - 1} max={s.lastDay} step={1} value={s.endDay}
          onChange={(e) => void setHeatWindow(Number(e.target.value))}
        />
        <div className="heat-group" role="group" aria-label="时间窗">
          {WINDOWS.map((w) => (
            <button type="button" key={w} aria-pressed={s.windowDays === w} onClick={() => void setHeatWindow(s.endDay, w)}>
              {w}天
            </button>
          ))}
        </div>
        <div className="heat-group" role="group" aria-label="播放速度">
          {SPEEDS.map((v) => (
            <button type="button" key={v} aria-pressed={s.speed === v} onClick={() => setHeatSpeed(v)}>
              {v}×
            </button>
          ))}
        </div>
        <div className="heat-group" role="group" aria-label="热力方式">
          {MODES.map(([m, label]) => (
            <button type="button" key={m} aria-pressed={s.mode === m} data-testid={`heat-mode-${m}`} onClick={() => setHeatMode(m)}>
              {label}
            </button>
          ))}
        </div>
      </div>
    </section>
  );
}
