// 批量操作 over the ticked tickets: the actions every ticked ticket allows (of those the bulk
// route takes), each with its form; 批量派遣 sends each to its own suggested department.
import { useState } from 'react';
import { ActionForm } from './ActionForm.tsx';
import { BULK_ACTIONS, BULK_LABEL } from './labels.ts';
import { setChecked, useConsole } from './state.ts';

export function BulkBar() {
  const checked = useConsole((s) => s.checked);
  const list = useConsole((s) => s.list.items);
  const [open, setOpen] = useState<string | null>(null);
  const ticked = list.filter((i) => checked.includes(i.ticket.id));
  const common = BULK_ACTIONS.filter((a) => ticked.length > 0 && ticked.every((i) => i.actions.includes(a)));
  const all = list.length > 0 && list.every((i) => checked.includes(i.ticket.id));
  const shown = open && common.includes(open as (typeof BULK_ACTIONS)[number]) ? open : null;
  return (
    <div className="cs-bulk" data-testid="bulk">
      <div className="cs-bulk-bar">
        <label className="cs-bulk-all">
          <input
            type="checkbox"
            className="cs-check"
            data-testid="check-all"
            checked={all}
            disabled={list.length === 0}
            onChange={() => setChecked(all ? [] : list.map((i) => i.ticket.id))}
          />
          全选
        </label>
        <span className="cs-bulk-count" data-testid="checked-count">
          已选 {ticked.length} 件
        </span>
        <div className="cs-bulk-actions">
          {ticked.length === 0 && <span className="cs-muted">勾选工单后可批量派遣、催办、督办、核查</span>}
          {common.map((a) => (
            <button key={a} type="button" className={`cs-btn${a === 'dispatch' ? ' cs-btn-primary' : ''}`} data-testid="bulk-action" data-action={a} onClick={() => setOpen(a)}>
              {BULK_LABEL[a]}
            </button>
          ))}
          {ticked.length > 0 && common.length === 0 && <span className="cs-muted">所选工单没有可共同执行的操作</span>}
        </div>
      </div>
      {shown && <ActionForm key={shown} action={shown} bulk={{ count: ticked.length }} onClose={() => setOpen(null)} />}
    </div>
  );
}
