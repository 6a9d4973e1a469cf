// 待发送: how many reports, steps and track points wait on the phone, and the ones the server
// refused as they are (a report outside the worker's grids, a task someone else already
// closed). Nothing is dropped behind the worker's back: a refused one stays here, with the
// server's reason, until they send it again or delete it.
import { discardJob, kick, retryJob } from './outbox.ts';
import { clockTime, dayTime } from './format.ts';
import { usePhone } from './state.ts';

export function OutboxPanel() {
  const o = usePhone((s) => s.outbox);
  const online = usePhone((s) => s.online);
  if (!o.jobs && !o.fixes && !o.failed.length && !o.others && !o.rejectedFixes) {
    return o.lastSentAt ? <p className="ph-sub ph-center" data-testid="outbox-empty">全部已送达 · {clockTime(o.lastSentAt)}</p> : null;
  }
  return (
    <section className="ph-card ph-outbox" data-testid="outbox">
      <h2 className="ph-card-title">待发送</h2>
      {(o.jobs > 0 || o.fixes > 0) && (
        <p className="ph-big-line" data-testid="outbox-count" data-jobs={o.jobs} data-fixes={o.fixes}>
          {o.jobs > 0 && `上报/处置 ${o.jobs} 件`}
          {o.jobs > 0 && o.fixes > 0 && '，'}
          {o.fixes > 0 && `轨迹点 ${o.fixes} 个`}
        </p>
      )}
      {(o.jobs > 0 || o.fixes > 0) && (
        <p className="ph-sub">{online ? (o.sending ? '正在发送…' : '稍后自动重试') : '离线：已保存在手机上，恢复网络后按顺序自动补传'}</p>
      )}
      {o.others > 0 && <p className="ph-sub">另有 {o.others} 条属于在本机登录过的其他账号，待其登录后发送</p>}
      {o.rejectedFixes > 0 && <p className="ph-sub">有 {o.rejectedFixes} 个轨迹点被服务器拒收（时间或坐标无效）</p>}
      {(o.jobs > 0 || o.fixes > 0) && (
        <button type="button" className="ph-btn ph-btn-wide" data-testid="outbox-send" disabled={o.sending} onClick={kick}>
          立即发送
        </button>
      )}
      {o.failed.map((j) => (
        <div key={j.seq} className="ph-failed" data-testid="outbox-failed" data-seq={j.seq}>
          <div className="ph-failed-what">
            {j.label} · {dayTime(j.createdAt)}
            {j.ticketId && ` · ${j.ticketId}`}
          </div>
          <div className="ph-failed-why">
            未送达：{j.failed!.message}（{j.failed!.status}）
          </div>
          <div className="ph-row">
            <button type="button" className="ph-btn" onClick={() => void retryJob(j.seq!)}>
              重新发送
            </button>
            <button
              type="button"
              className="ph-btn ph-btn-danger"
              onClick={() => {
                if (window.confirm(`删除「${j.label}」？删除后无法恢复。`)) void discardJob(j.seq!);
              }}
            >
              删除
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}
