// The outcome of the worker's last step (a line at the top of the page), and the banner of a
// task that has just been pushed: it stays until opened or dismissed, it is the one thing
// the worker must not miss.
import { useEffect } from 'react';
import { openedTask } from './inbox.ts';
import { dismissNotice, setPhone, showTab, usePhone } from './state.ts';

export function NoticeBar() {
  const notice = usePhone((s) => s.notice);
  useEffect(() => {
    if (!notice || notice.kind === 'error') return;
    const t = setTimeout(dismissNotice, 6000);
    return () => clearTimeout(t);
  }, [notice]);
  if (!notice) return null;
  return (
    <div className={`ph-notice ph-notice-${notice.kind}`} role="status" aria-live="polite" data-testid="notice" data-kind={notice.kind}>
      <span>{notice.text}</span>
      <button type="button" className="ph-notice-close" aria-label="关闭" onClick={dismissNotice}>
        ×
      </button>
    </div>
  );
}

export function TaskAlert() {
  const alert = usePhone((s) => s.alert);
  if (!alert) return null;
  return (
    <div className="ph-alert" role="alert" data-testid="task-alert" data-id={alert.id}>
      <span className="ph-alert-text">{alert.text}</span>
      <button
        type="button"
        className="ph-btn ph-btn-primary ph-alert-open"
        data-testid="task-alert-open"
        onClick={() => {
          showTab('tasks');
          openedTask(alert.id);
        }}
      >
        查看
      </button>
      <button type="button" className="ph-alert-close" aria-label="关闭" onClick={() => setPhone({ alert: null })}>
        ×
      </button>
    </div>
  );
}
