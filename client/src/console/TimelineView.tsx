// A ticket's history: every step, who took it and when, from which state to which, with
// what it set (item, department, hours, result…) and its note.
import { dayAndTime, fullTime } from './format.ts';
import { ACTION_NAME, nameIn, REJECT_REASON_NAME, ROLE_NAME, STATUS_NAME, TIER_NAME } from './labels.ts';
import { useConsole } from './state.ts';
import type { TimelineEntry } from './types.ts';

function What({ e }: { e: TimelineEntry }) {
  const items = useConsole((s) => s.items);
  const deps = useConsole((s) => s.departmentByCode);
  const platforms = useConsole((s) => s.departments?.platforms);
  const levels = useConsole((s) => s.catalogue?.levels);
  const d = e.data ?? {};
  const parts: string[] = [];
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : null);
  const item = str('item');
  if (item) parts.push(`事项：${items.get(item)?.name ?? item}`);
  const level = str('level');
  if (level) parts.push(`等级：${levels?.find((l) => l.code === level)?.name ?? level}`);
  const dep = str('department');
  if (dep) parts.push(`部门：${deps.get(dep)?.name ?? dep}`);
  const platform = str('platform');
  if (platform) parts.push(`平台：${platforms?.find((p) => p.code === platform)?.name ?? platform}`);
  const suggested = d.suggested as { department?: string } | undefined;
  if (suggested?.department) parts.push(`建议部门：${deps.get(suggested.department)?.name ?? suggested.department}`);
  if (typeof d.hours === 'number') parts.push(`延期 ${d.hours} 工作小时${d.approved === true ? '（已批准）' : d.approved === false ? '（已驳回）' : ''}`);
  if (typeof d.pass === 'boolean') parts.push(d.pass ? '核查通过' : '核查不通过，返工');
  if (typeof d.satisfaction === 'number') parts.push(`满意度 ${d.satisfaction}/5`);
  const reason = str('reason');
  if (reason) parts.push(`原因：${nameIn(REJECT_REASON_NAME, reason)}`);
  const dup = str('duplicateOf');
  if (dup) parts.push(`重复于 ${dup}`);
  if (e.action === 'escalate' && str('to')) parts.push(`${TIER_NAME[str('from') ?? ''] ?? str('from')} → ${TIER_NAME[str('to')!] ?? str('to')}`);
  if (e.action === 'attach') parts.push(d.kind === 'after' ? '处置后照片' : '处置前照片');
  if (typeof d.onTime === 'boolean') parts.push(d.onTime ? '按期结案' : '超期结案');
  if (parts.length === 0) return null;
  return <div className="cs-tl-data">{parts.join(' · ')}</div>;
}

export function TimelineView({ entries }: { entries: TimelineEntry[] }) {
  return (
    <ol className="cs-timeline" data-testid="timeline">
      {entries.map((e, i) => (
        <li key={`${e.at}-${i}`} className="cs-tl" data-testid="timeline-entry" data-action={e.action}>
          <span className={`cs-tl-dot cs-status-dot-${e.to}`} />
          <div className="cs-tl-body">
            <div className="cs-tl-head">
              <time className="cs-tl-time" dateTime={e.at} title={fullTime(e.at)}>
                {dayAndTime(e.at)}
              </time>
              <span className="cs-tl-name">{e.name || ACTION_NAME[e.action] || e.action}</span>
              <span className="cs-tl-who">
                {e.actor.replace(/^(account|key|display|device):/, '')} · {ROLE_NAME[e.role] ?? e.role}
              </span>
              {e.from !== e.to && (
                <span className="cs-tl-states">
                  {e.from ? `${nameIn(STATUS_NAME, e.from)} → ` : ''}
                  {nameIn(STATUS_NAME, e.to)}
                </span>
              )}
            </div>
            <What e={e} />
            {e.note && <div className="cs-tl-note">{e.note}</div>}
          </div>
        </li>
      ))}
    </ol>
  );
}
