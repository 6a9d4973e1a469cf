// The open queue: its filters, the bulk bar over the ticked tickets, and the list (newest
// first, 50 at a time). A row opens the ticket on the right; its box ticks it for bulk.
import { BulkBar } from './BulkBar.tsx';
import { Filters } from './Filters.tsx';
import { Deadline, LightDot } from './Light.tsx';
import { CATEGORY_NAME, nameIn, QUEUE_NAME, SOURCE_NAME, STATUS_NAME } from './labels.ts';
import { loadMore, openTicket, toggleChecked, useConsole } from './state.ts';
import type { QueueItem } from './types.ts';

function Row({ item, open, checked }: { item: QueueItem; open: boolean; checked: boolean }) {
  const t = item.ticket;
  const items = useConsole((s) => s.items);
  const title = t.item ? items.get(t.item)?.name ?? t.item : nameIn(CATEGORY_NAME, t.category);
  return (
    <li
      className={`cs-row${open ? ' cs-row-open' : ''}${checked ? ' cs-row-checked' : ''}`}
      data-testid="ticket-row"
      data-id={t.id}
      data-status={t.status}
      onClick={() => void openTicket(t.id)}
    >
      <input
        type="checkbox"
        className="cs-check"
        aria-label={`选择 ${t.id}`}
        data-testid="row-check"
        checked={checked}
        onClick={(e) => e.stopPropagation()}
        onChange={() => toggleChecked(t.id)}
      />
      <div className="cs-row-main">
        <div className="cs-row-line1">
          <LightDot t={t} />
          <span className="cs-id">{t.id}</span>
          <span className="cs-row-title" title={title}>
            {title}
          </span>
          <span className={`cs-status cs-status-${t.status}`}>{nameIn(STATUS_NAME, t.status)}</span>
        </div>
        <div className="cs-row-line2">
          <span className="cs-row-where" title={[t.street?.name, t.community?.name, t.grid?.name].filter(Boolean).join(' · ')}>
            {[t.community?.name, t.grid?.name].filter(Boolean).join(' · ')}
          </span>
          {t.supervised > 0 && <span className="cs-flag cs-flag-red">督办×{t.supervised}</span>}
          {t.rework > 0 && <span className="cs-flag">返工×{t.rework}</span>}
          {t.extensionPending && <span className="cs-flag">延期申请</span>}
          <span className="cs-row-source">{nameIn(SOURCE_NAME, t.source)}</span>
          <Deadline t={t} short />
        </div>
      </div>
    </li>
  );
}

export function QueueList() {
  const queue = useConsole((s) => s.queue);
  const queues = useConsole((s) => s.queues);
  const list = useConsole((s) => s.list);
  const checked = useConsole((s) => s.checked);
  const openId = useConsole((s) => s.detail?.id ?? null);
  const name = queues?.find((q) => q.code === queue)?.name ?? QUEUE_NAME[queue];
  const checkedSet = new Set(checked);
  return (
    <section className="cs-col cs-list" aria-label="工单列表" data-testid="list">
      <h2 className="cs-col-title">
        {name}
        <span className="cs-col-sub" data-testid="list-total">
          {list.status === 'loading' && list.items.length === 0 ? '加载中…' : `共 ${list.total} 件`}
        </span>
        <span className="cs-tag cs-tag-sample" title="事项清单为合成样例数据">事项：合成样例</span>
      </h2>
      <Filters />
      <BulkBar />
      <ol className="cs-rows" data-testid="rows">
        {list.items.map((i) => (
          <Row key={i.ticket.id} item={i} open={openId === i.ticket.id} checked={checkedSet.has(i.ticket.id)} />
        ))}
        {list.status === 'ready' && list.items.length === 0 && <li className="cs-empty">此队列暂无工单</li>}
        {list.status === 'error' && <li className="cs-empty cs-error">列表加载失败：{list.error}</li>}
      </ol>
      {list.nextCursor && (
        <button type="button" className="cs-btn cs-btn-quiet cs-more" onClick={() => void loadMore()}>
          加载更多（已显示 {list.items.length} / {list.total}）
        </button>
      )}
    </section>
  );
}
