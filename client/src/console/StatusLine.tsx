// The bottom line: the last action's outcome (or why it was refused), else the refresh rhythm.
import { useEffect } from 'react';
import { dismissNotice, REFRESH_MS, useConsole } from './state.ts';

export function StatusLine() {
  const notice = useConsole((s) => s.notice);
  const queuesError = useConsole((s) => s.queuesError);
  useEffect(() => {
    if (!notice || notice.kind !== 'ok') return;
    const t = setTimeout(dismissNotice, 8000);
    return () => clearTimeout(t);
  }, [notice]);
  return (
    <footer className="cs-statusline" role="status" aria-live="polite">
      {notice ? (
        <span className={`cs-notice cs-notice-${notice.kind}`} data-testid="notice" data-kind={notice.kind}>
          {notice.text}
          <button type="button" className="cs-notice-close" aria-label="关闭" onClick={dismissNotice}>
            ×
          </button>
        </span>
      ) : queuesError ? (
        <span className="cs-notice cs-notice-error">队列刷新失败：{queuesError}</span>
      ) : (
        <span className="cs-statusline-idle">就绪 · 队列每 {REFRESH_MS / 1000} 秒自动刷新，切回本页时立即刷新</span>
      )}
      <span className="cs-statusline-right">事项清单为合成样例（synthetic sample）· 边界为合成数据</span>
    </footer>
  );
}
