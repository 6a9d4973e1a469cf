// One step on a task, as a small form: 核查 (passed or not, with a reason when not), 自处置
// (an item the worker may handle on the spot, a note, photos), 补充照片, and any other step the
// server allows (a note). It goes into the outbox like a report, with the ticket's version
// as the worker saw it: if someone moved the ticket meanwhile the server refuses it (409),
// and the worker sees why in 待发送 instead of overwriting their step.
import { useState, type FormEvent } from 'react';
import { ACTION_NAME } from '../console/labels.ts';
import type { Task } from './api.ts';
import { ItemChooser } from './ItemChooser.tsx';
import { categoryOf, type CategoryCode } from './items.ts';
import { addJob } from './outbox.ts';
import { PhotoPicker } from './PhotoPicker.tsx';
import { photoEntries } from './photo.ts';
import { notify, usePhone } from './state.ts';

/** The phone's words for a step, where the worker's differ from the console's. */
const PHONE_NAME: Record<string, string> = { check: '核查', attach: '补充照片', self_handle: '自处置' };
export const actionLabel = (a: string): string => PHONE_NAME[a] ?? ACTION_NAME[a] ?? a;

/** Steps whose note the server requires (server/routes/ticket-actions.ts NEEDS). */
const NOTE_NEEDED = new Set(['reject', 'return', 'request_extension', 'deny_extension', 'supervise', 'escalate', 'feedback', 'self_handle', 'reopen']);

export function TaskAction({ task, action, onDone, onCancel }: { task: Task; action: string; onDone: () => void; onCancel: () => void }) {
  const t = task.ticket;
  const online = usePhone((s) => s.online);
  const items = usePhone((s) => s.items);
  const [pass, setPass] = useState<boolean | null>(null);
  const [note, setNote] = useState('');
  const [kind, setKind] = useState<'before' | 'after'>(t.status === 'reported' ? 'before' : 'after');
  const [before, setBefore] = useState<File[]>([]);
  const [after, setAfter] = useState<File[]>([]);
  const suggested = t.item && items.get(t.item)?.selfHandle ? t.item : null;
  const [itemCode, setItemCode] = useState<string | null>(suggested);
  const [category, setCategory] = useState<CategoryCode | null>((suggested && categoryOf(suggested)) || (t.category as CategoryCode));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const item = itemCode ? items.get(itemCode) : undefined;

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    if (busy) return;
    const why = action === 'check' && pass === null ? '请选择核查结果'
      : action === 'check' && pass === false && !note.trim() ? '不通过时请写明原因（返工要求）'
      : action === 'self_handle' && !item ? '请选择事项'
      : action === 'self_handle' && item!.evidence.after && after.length === 0 ? '自处置需要处置后照片'
      : action === 'attach' && (kind === 'before' ? before : after).length === 0 ? '请拍摄照片'
      : NOTE_NEEDED.has(action) && !note.trim() ? '请填写说明'
      : null;
    if (why) return setProblem(why);
    setBusy(true);
    setProblem(null);
    try {
      const fields: Record<string, unknown> = {};
      if (action === 'check') fields.pass = pass;
      if (action === 'self_handle') fields.item = item!.code;
      if (note.trim() && action !== 'attach') fields.note = note.trim();
      const photos = action === 'attach'
        ? await photoEntries(kind, kind === 'before' ? before : after)
        : [...(await photoEntries('before', before)), ...(await photoEntries('after', after))];
      await addJob({
        kind: 'task',
        createdAt: Date.now(),
        label: `${actionLabel(action)}${action === 'check' ? (pass ? '通过' : '不通过') : ''}：${t.id}`,
        report: null,
        ticketId: t.id,
        version: t.version,
        photos,
        action: action === 'attach' ? null : { action, fields },
      });
      notify(online ? 'ok' : 'warn', online ? `${actionLabel(action)}已提交，正在发送` : '离线：已保存在手机上，恢复网络后自动发送');
      onDone();
    } catch (err) {
      setProblem(`未能保存：${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="ph-action" data-testid="task-form" data-action={action} onSubmit={(e) => void submit(e)} onClick={(e) => e.stopPropagation()} noValidate>
      <div className="ph-action-title">{actionLabel(action)}</div>
      {action === 'check' && (
        <div className="ph-row">
          <button type="button" className={`ph-btn ph-grow ${pass === true ? 'ph-btn-go' : ''}`} aria-pressed={pass === true} data-testid="check-pass" onClick={() => setPass(true)}>
            通过，结案
          </button>
          <button type="button" className={`ph-btn ph-grow ${pass === false ? 'ph-btn-stop' : ''}`} aria-pressed={pass === false} data-testid="check-fail" onClick={() => setPass(false)}>
            不通过，返工
          </button>
        </div>
      )}
      {action === 'self_handle' && <ItemChooser category={category} item={itemCode} onCategory={setCategory} onItem={setItemCode} onlySelfHandle />}
      {action === 'attach' && (
        <div className="ph-row">
          {(['before', 'after'] as const).map((k) => (
            <button key={k} type="button" className={`ph-btn ph-grow ${kind === k ? 'ph-btn-primary' : ''}`} aria-pressed={kind === k} onClick={() => setKind(k)}>
              {k === 'before' ? '处置前' : '处置后'}
            </button>
          ))}
        </div>
      )}
      {action !== 'attach' && (
        <label className="ph-field">
          <span className="ph-field-label">
            {action === 'check' ? '核查情况' : '说明'}
            {(NOTE_NEEDED.has(action) || (action === 'check' && pass === false)) && <span className="ph-required">（必需）</span>}
          </span>
          <textarea className="ph-input ph-textarea" data-testid="task-note" rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
      )}
      {(action === 'self_handle' || (action === 'attach' && kind === 'before')) && (
        <PhotoPicker label="处置前照片" files={before} onChange={setBefore} testId="task-photos-before" />
      )}
      {(action === 'self_handle' || action === 'check' || action === 'feedback' || (action === 'attach' && kind === 'after')) && (
        <PhotoPicker label={action === 'check' ? '现场照片' : '处置后照片'} files={after} onChange={setAfter} testId="task-photos-after" required={action === 'self_handle' && !!item?.evidence.after} />
      )}
      <div className="ph-problem" role="alert">
        {problem ?? ''}
      </div>
      <div className="ph-row">
        <button type="button" className="ph-btn ph-grow" onClick={onCancel}>
          取消
        </button>
        <button type="submit" className="ph-btn ph-btn-primary ph-grow" data-testid="task-submit" disabled={busy}>
          {busy ? '保存中…' : '提交'}
        </button>
      </div>
    </form>
  );
}
