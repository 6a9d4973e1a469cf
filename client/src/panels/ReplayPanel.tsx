// The replay's controls (轨迹回放), at the bottom of the wall while a replay is open: the phones
// replayed (each in its colour), play/pause, speed 1×–64×, the time slider, the follow camera,
// and the range (today by default; any from/to, in China time). The clock itself runs in
// patrol/state.ts; this only sends it actions.
import { useEffect, useState } from 'react';
import { SPEEDS } from '../patrol/replay.ts';
import { closeReplay, removeFromReplay, replayFollow, replayRange, replaySeek, replaySpeed, togglePlay, usePatrol } from '../patrol/state.ts';

const CST_MS = 8 * 3600_000;
const hms = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const mdhm = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

/** An instant as a datetime-local value in China time (whatever the browser's zone). */
export const toCstInput = (ms: number): string => new Date(ms + CST_MS).toISOString().slice(0, 16);
/** A datetime-local value read as China time. */
export const fromCstInput = (v: string): number => Date.parse(`${v}:00+08:00`);

const css = (c: readonly number[]): string => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

export function ReplayPanel() {
  const r = usePatrol((s) => s.replay);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const range = r?.range ?? (r ? { from: r.clock.from, to: r.clock.to } : null);
  useEffect(() => {
    if (!range) return;
    setFrom(toCstInput(range.from));
    setTo(toCstInput(range.to));
  }, [range?.from, range?.to]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!r) return null;
  const { clock } = r;
  const sameDay = mdhm.format(clock.from).slice(0, 5) === mdhm.format(clock.to).slice(0, 5);

  return (
    <section className="replay-panel card" data-testid="replay-panel" data-occludes data-playing={clock.playing} data-t={Math.round(clock.t)}>
      <button type="button" className="close" aria-label="关闭回放" title="关闭回放" onClick={closeReplay}>
        ×
      </button>
      <div className="replay-head">
        <h2 className="card-title">轨迹回放</h2>
        <ul className="replay-who">
          {r.entries.map((e) => (
            <li key={e.id} data-testid="replay-entry">
              <span className="dot" style={{ background: css(e.colour) }} />
              {e.name}
              {e.points.length === 0 && <span className="replay-empty">（无轨迹）</span>}
              {r.entries.length > 1 && (
                <button type="button" className="replay-remove" title="移出回放" onClick={() => removeFromReplay(e.id)}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      </div>
      <div className="replay-controls">
        <button type="button" className="action-button replay-play" data-testid="replay-play" onClick={togglePlay}>
          {clock.playing ? '暂停' : '播放'}
        </button>
        <div className="replay-speeds" role="group" aria-label="回放速度">
          {SPEEDS.map((s) => (
            <button key={s} type="button" className={s === clock.speed ? 'speed speed-on' : 'speed'} data-testid={`replay-speed-${s}`} onClick={() => replaySpeed(s)}>
              {s}×
            </button>
          ))}
        </div>
        <span className="replay-time" data-testid="replay-time">
          {hms.format(clock.t)}
        </span>
        <label className="replay-follow">
          <input type="checkbox" data-testid="replay-follow" checked={r.follow} onChange={(e) => replayFollow(e.target.checked)} />
          镜头跟随
        </label>
      </div>
      <input
        className="replay-slider"
        type="range"
        data-testid="replay-slider"
        aria-label="回放时间"
        min={clock.from}
        max={Math.max(clock.to, clock.from + 1)}
        step={1000}
        value={clock.t}
        onChange={(e) => replaySeek(Number(e.target.value))}
      />
      <div className="replay-ends">
        <span>{sameDay ? hms.format(clock.from) : mdhm.format(clock.from)}</span>
        <span>{sameDay ? hms.format(clock.to) : mdhm.format(clock.to)}</span>
      </div>
      <form
        className="replay-range"
        onSubmit={(e) => {
          e.preventDefault();
          void replayRange(fromCstInput(from), fromCstInput(to));
        }}
      >
        <label>
          从 <input type="datetime-local" data-testid="replay-from" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          至 <input type="datetime-local" data-testid="replay-to" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="submit" className="action-button" disabled={r.loading || !(fromCstInput(from) < fromCstInput(to))}>
          {r.loading ? '查询中…' : '查询'}
        </button>
      </form>
    </section>
  );
}
