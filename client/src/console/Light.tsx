// A ticket's light (green / yellow / red on the working-day clock) as a coloured dot, with
// its deadline: the loop's time limit at a glance.
import { dayAndTime, untilDeadline } from './format.ts';
import { LIGHT_COLOR, LIGHT_NAME } from './labels.ts';
import type { Ticket } from './types.ts';

export function LightDot({ t }: { t: Pick<Ticket, 'light'> }) {
  const name = t.light ? LIGHT_NAME[t.light] : '无时限';
  return <span className="cs-dot" data-light={t.light ?? 'none'} title={name} aria-label={name} style={{ background: t.light ? LIGHT_COLOR[t.light] : '#56657a' }} />;
}

/** "时限 11-24 16:00 · 剩 3 小时 20 分"; for a closed case whether it closed on time. */
export function Deadline({ t, short = false }: { t: Pick<Ticket, 'deadline' | 'status' | 'onTime' | 'light' | 'extensionPending'>; short?: boolean }) {
  if (t.status === 'closed') return <span className="cs-deadline">{t.onTime === false ? '超期结案' : '按期结案'}</span>;
  if (t.extensionPending) return <span className="cs-deadline cs-deadline-paused">延期审批中（计时暂停）</span>;
  if (!t.deadline) return <span className="cs-deadline">—</span>;
  return (
    <span className={`cs-deadline cs-deadline-${t.light ?? 'none'}`} title={`时限 ${dayAndTime(t.deadline)}（按工作时间计）`}>
      {short ? '' : '时限 '}
      {dayAndTime(t.deadline)} · {untilDeadline(t.deadline)}
    </span>
  );
}
