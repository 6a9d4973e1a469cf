// 巡查 tab: the one big switch (开始巡查 / 结束巡查), where the phone is and how well it knows,
// today's patrol time and distance as the server counted them from the fixes it received,
// and the outbox: what waits, and what the server refused (kept until the worker decides).
import { useEffect, useState } from 'react';
import { clockSeconds, clockTime, distance, duration } from './format.ts';
import { OutboxPanel } from './OutboxPanel.tsx';
import { startPatrol, stopPatrol } from './patrol.ts';
import { showTab, usePhone } from './state.ts';

function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function PatrolView() {
  const patrol = usePhone((s) => s.patrol);
  const here = usePhone((s) => s.here);
  const gpsProblem = usePhone((s) => s.gpsProblem);
  const hereGrid = usePhone((s) => s.hereGrid);
  const grids = usePhone((s) => s.grids);
  const today = usePhone((s) => s.today);
  const todayAt = usePhone((s) => s.todayAt);
  const now = useNow(patrol.on ? 1000 : 30_000);
  const inMine = hereGrid ? grids.some((g) => hereGrid.code.startsWith(g.code)) : null;

  return (
    <div className="ph-stack">
      <section className={`ph-card ph-patrol${patrol.on ? ' ph-patrol-on' : ''}`} data-testid="patrol" data-on={patrol.on}>
        <div className="ph-patrol-state">
          {patrol.on && patrol.since ? (
            <>
              <span className="ph-live-dot" aria-hidden="true" />
              巡查中 · 本次 {duration(now - patrol.since)}
            </>
          ) : (
            '未在巡查'
          )}
        </div>
        <button
          type="button"
          className={`ph-btn ph-btn-huge ${patrol.on ? 'ph-btn-stop' : 'ph-btn-go'}`}
          data-testid="patrol-toggle"
          onClick={() => (patrol.on ? stopPatrol() : startPatrol())}
        >
          {patrol.on ? '结束巡查' : '开始巡查'}
        </button>
        <p className="ph-hint">{patrol.on ? '巡查中本机位置将实时上传，离线时先存在手机上，恢复网络后补传。' : '开始后按巡查轨迹上传位置（约每 5 秒一次）。'}</p>
      </section>

      <section className="ph-card" data-testid="gps">
        <h2 className="ph-card-title">当前位置</h2>
        {gpsProblem ? (
          <p className="ph-problem" role="alert">
            {gpsProblem}
          </p>
        ) : here ? (
          <>
            <p className="ph-big-line">
              {hereGrid ? hereGrid.name : '网格查询中…'}
              {inMine === false && <span className="ph-tag ph-tag-warn">不在本人网格</span>}
            </p>
            <p className="ph-sub" data-testid="gps-line">
              精度 ±{here.accuracy !== null ? Math.round(here.accuracy) : '?'} 米 · {clockSeconds(here.t)} · {here.lon.toFixed(5)}, {here.lat.toFixed(5)}
            </p>
          </>
        ) : (
          <p className="ph-sub">正在定位…</p>
        )}
      </section>

      <section className="ph-card" data-testid="today">
        <h2 className="ph-card-title">今日巡查</h2>
        <div className="ph-figures">
          <div className="ph-figure">
            <span className="ph-figure-value" data-testid="today-time">
              {today ? duration(today.patrolMs) : '—'}
            </span>
            <span className="ph-figure-label">巡查时长</span>
          </div>
          <div className="ph-figure">
            <span className="ph-figure-value" data-testid="today-distance">
              {today ? distance(today.distanceM) : '—'}
            </span>
            <span className="ph-figure-label">巡查里程</span>
          </div>
          <div className="ph-figure">
            <span className="ph-figure-value" data-testid="today-reported">
              {typeof today?.reported === 'number' ? `${today.reported} 件` : '—'}
            </span>
            <span className="ph-figure-label">上报事件</span>
          </div>
        </div>
        <p className="ph-sub">{todayAt ? `服务器统计 · ${clockTime(todayAt)} 更新` : '等待服务器统计…'}</p>
      </section>

      <OutboxPanel />

      <button type="button" className="ph-btn ph-btn-primary ph-btn-wide" data-testid="go-report" onClick={() => showTab('report')}>
        上报事件
      </button>
    </div>
  );
}
