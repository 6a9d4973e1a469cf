// The console's top band: product and page, the scope, today's and this month's figures,
// the way to the wall (大屏), the clock and who is signed in.
import { useEffect, useState } from 'react';
import { useWall } from '../store.ts';
import { percent } from './format.ts';
import { signOutOfConsole } from './signOut.ts';
import { useConsole } from './state.ts';

const clock = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false });

function Clock() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), 15_000);
    return () => clearInterval(id);
  }, []);
  return <span className="cs-clock">{clock.format(now)}</span>;
}

function Figure({ label, value, warn, testId }: { label: string; value: string | number; warn?: boolean; testId?: string }) {
  return (
    <div className={`cs-figure${warn ? ' cs-figure-warn' : ''}`}>
      <span className="cs-figure-label">{label}</span>
      <span className="cs-figure-value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

export function ConsoleHeader() {
  const account = useWall((s) => s.account);
  const scope = useConsole((s) => s.scope);
  const kpi = useConsole((s) => s.kpi);
  const [leaving, setLeaving] = useState(false);
  const today = kpi?.today;
  const month = kpi?.month;
  return (
    <header className="cs-header">
      <div className="cs-brand">
        <span className="cs-brand-main">常州市 一张网</span>
        <span className="cs-brand-page">调度台</span>
      </div>
      <nav className="cs-nav" aria-label="页面">
        <a className="cs-nav-link" href="/" data-testid="to-wall">
          大屏
        </a>
        <span className="cs-nav-link cs-nav-current" aria-current="page">
          调度台
        </span>
      </nav>
      <div className="cs-figures" data-testid="kpi">
        {today && (
          <>
            <span className="cs-figures-group">今日</span>
            <Figure label="受理" value={today.received} testId="kpi-received" />
            <Figure label="立案" value={today.registered} />
            <Figure label="结案" value={today.closed} />
            <Figure label="当前超期" value={today.overdueNow ?? '—'} warn={(today.overdueNow ?? 0) > 0} />
          </>
        )}
        {month && (
          <>
            <span className="cs-figures-group">本月</span>
            <Figure label="结案率" value={percent(month.closureRate)} />
            <Figure label="按期结案率" value={percent(month.onTimeRate)} />
            <Figure label="满意度" value={month.satisfaction === null ? '—' : month.satisfaction.toFixed(2)} />
          </>
        )}
      </div>
      <Clock />
      {account && (
        <div className="cs-user" data-testid="user">
          <div className="cs-user-text">
            <div className="cs-user-name" data-testid="user-name">
              {account.name}
            </div>
            <div className="cs-user-role">
              {account.roleName}
              {scope ? ` · ${scope.name}` : ''}
            </div>
          </div>
          <button
            type="button"
            className="cs-btn cs-btn-quiet"
            data-testid="sign-out"
            disabled={leaving}
            onClick={() => {
              setLeaving(true);
              void signOutOfConsole();
            }}
          >
            退出
          </button>
        </div>
      )}
    </header>
  );
}
