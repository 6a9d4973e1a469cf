// 任务 tab: the inbox, one card per task with its step (核实, 核查, 处置), what and where it is,
// how far from here, its time limit, and exactly the actions the server allows now.
import { useState } from 'react';
import { CATEGORY_NAME, LIGHT_NAME, STATUS_NAME } from '../console/labels.ts';
import type { Task } from './api.ts';
import { dayTime, distance, untilDeadline } from './format.ts';
import { loadTasks, openedTask, stepOf } from './inbox.ts';
import { metres } from './patrol.ts';
import { usePhone } from './state.ts';
import { TaskAction, actionLabel } from './TaskAction.tsx';

/** Shown as buttons in this order; anything else the server allows after them. */
const ORDER = ['check', 'self_handle', 'feedback', 'attach'];

function TaskCard({ task }: { task: Task }) {
  const { ticket: t, actions } = task;
  const here = usePhone((s) => s.here);
  const items = usePhone((s) => s.items);
  const isFresh = usePhone((s) => s.fresh.includes(t.id));
  const [open, setOpen] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const step = stepOf(t);
  const item = t.item ? items.get(t.item) : undefined;
  const shown = [...actions].sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
  return (
    <li
      className={`ph-card ph-task${isFresh ? ' ph-task-new' : ''}`}
      data-testid="task"
      data-id={t.id}
      data-step={step.code}
      data-actions={actions.join(' ')}
      data-assigned={!!task.assigned}
      onClick={() => isFresh && openedTask(t.id)}
    >
      <div className="ph-task-head">
        <span className={`ph-step ph-step-${step.code}`}>{step.name}</span>
        <span className="ph-task-id">{t.id}</span>
        {task.assigned && <span className="ph-tag ph-tag-mine">派给我</span>}
        {isFresh && <span className="ph-tag ph-tag-new">新</span>}
        {t.light && (
          <span className={`ph-light ph-light-${t.light}`} title={LIGHT_NAME[t.light]}>
            {t.deadline ? untilDeadline(t.deadline) : LIGHT_NAME[t.light]}
          </span>
        )}
      </div>
      <div className="ph-task-what">{item?.name ?? CATEGORY_NAME.get(t.category) ?? t.category}</div>
      {t.description && <p className="ph-task-desc">{t.description}</p>}
      <p className="ph-sub">
        {t.grid?.name} · {STATUS_NAME.get(t.status) ?? t.status} · {dayTime(t.createdAt)}
        {here && ` · 距此 ${distance(metres(here, t))}`}
      </p>
      {sent ? (
        <p className="ph-sent" data-testid="task-sent">
          {actionLabel(sent)}已提交，送达后刷新
        </p>
      ) : open ? (
        <TaskAction
          task={task}
          action={open}
          onDone={() => {
            setSent(open);
            setOpen(null);
          }}
          onCancel={() => setOpen(null)}
        />
      ) : shown.length ? (
        <div className="ph-row ph-wrap">
          {shown.map((a) => (
            <button key={a} type="button" className={`ph-btn ${a === 'attach' ? '' : 'ph-btn-primary'}`} data-testid="task-action" data-action={a} onClick={() => setOpen(a)}>
              {actionLabel(a)}
            </button>
          ))}
        </div>
      ) : (
        <p className="ph-sub">当前无需本人操作</p>
      )}
    </li>
  );
}

export function TasksView() {
  const tasks = usePhone((s) => s.tasks);
  return (
    <div className="ph-stack" data-testid="tasks" data-status={tasks.status}>
      <div className="ph-row ph-between">
        <h2 className="ph-title">我的任务 {tasks.items.length > 0 && <span className="ph-count">{tasks.items.length}</span>}</h2>
        <button type="button" className="ph-btn" data-testid="tasks-refresh" onClick={() => void loadTasks()}>
          刷新
        </button>
      </div>
      {tasks.error && <p className="ph-problem">任务刷新失败：{tasks.error}</p>}
      {tasks.status === 'loading' && <p className="ph-sub">加载中…</p>}
      {tasks.status === 'ready' && tasks.items.length === 0 && <p className="ph-empty">暂无任务。调度员派发的任务会在这里出现并提醒。</p>}
      <ul className="ph-tasks">
        {tasks.items.map((task) => (
          <TaskCard key={task.ticket.id} task={task} />
        ))}
      </ul>
    </div>
  );
}
