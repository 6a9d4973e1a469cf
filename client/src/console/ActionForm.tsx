// The small form of one action: exactly the fields it needs (server/routes/ticket-actions.ts
// NEEDS and TAKES), prefilled where the catalogue has a suggestion. For one ticket it sends
// the version the dispatcher saw; for a selection it goes to the bulk route.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { caseHours, ItemPicker } from './ItemPicker.tsx';
import { NearestWorkers } from './NearestWorkers.tsx';
import { ACTION_NAME, REJECT_REASONS, STATUS_NAME } from './labels.ts';
import { act, actOnChecked, useConsole } from './state.ts';
import { suggestedItem } from './suggest.ts';
import type { Ticket } from './types.ts';

type Field = 'item' | 'level' | 'department' | 'reason' | 'hours' | 'pass' | 'satisfaction' | 'worker' | 'note';

/** The fields of each action; a note is required where the server needs one. */
const FIELDS: Record<string, { fields: Field[]; noteRequired?: boolean; notePrompt?: string }> = {
  verify: { fields: ['item', 'level', 'note'] },
  reject: { fields: ['reason', 'note'], noteRequired: true, notePrompt: '不予立案的说明' },
  dispatch: { fields: ['department', 'note'] },
  accept: { fields: ['note'] },
  return: { fields: ['note'], noteRequired: true, notePrompt: '退回理由（不属于本部门职责等）' },
  request_extension: { fields: ['hours', 'note'], noteRequired: true, notePrompt: '延期理由' },
  approve_extension: { fields: ['note'] },
  deny_extension: { fields: ['note'], noteRequired: true, notePrompt: '驳回理由' },
  remind: { fields: ['note'], notePrompt: '催办内容' },
  assign: { fields: ['worker', 'note'], notePrompt: '任务说明（现场核实、核查要点）' },
  supervise: { fields: ['note'], noteRequired: true, notePrompt: '督办意见' },
  escalate: { fields: ['note'], noteRequired: true, notePrompt: '上报升级的理由（超出本级处置权限等）' },
  feedback: { fields: ['note'], noteRequired: true, notePrompt: '处置结果' },
  check: { fields: ['pass', 'note'], notePrompt: '核查情况' },
  self_handle: { fields: ['item', 'note'], noteRequired: true, notePrompt: '现场处置情况' },
  rate: { fields: ['satisfaction', 'note'], notePrompt: '回访记录' },
  reopen: { fields: ['note'], noteRequired: true, notePrompt: '重办理由' },
};

const SATISFACTION = ['很不满意', '不满意', '基本满意', '满意', '非常满意'];

export const hasForm = (action: string): boolean => action in FIELDS;

export function ActionForm({ action, ticket, bulk, onClose }: {
  action: string;
  /** The ticket acted on; for a bulk action, absent. */
  ticket?: Ticket;
  bulk?: { count: number };
  onClose: () => void;
}) {
  const spec = FIELDS[action]!;
  const items = useConsole((s) => s.items);
  const catalogue = useConsole((s) => s.catalogue);
  const departments = useConsole((s) => s.departments);
  const busy = useConsole((s) => s.busy);
  // What the dispatcher saw when opening the form: a 409 if the ticket moves meanwhile.
  const [version] = useState(ticket?.version ?? 0);
  const suggestion = ticket ? suggestedItem(ticket) : null;
  const [item, setItem] = useState<string | null>(suggestion && items.has(suggestion) ? suggestion : null);
  const [level, setLevel] = useState<string>(() => (ticket?.level ?? (suggestion ? items.get(suggestion)?.defaultLevel : undefined) ?? 'general'));
  const [levelTouched, setLevelTouched] = useState(false);
  const [department, setDepartment] = useState<string>(ticket?.department ?? '');
  const [reason, setReason] = useState('invalid');
  const [duplicateOf, setDuplicateOf] = useState('');
  const [hours, setHours] = useState('24');
  const [pass, setPass] = useState<boolean | null>(bulk ? true : null);
  const [satisfaction, setSatisfaction] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const [worker, setWorker] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // The catalogue may arrive after the form opened: take its suggestion then.
  useEffect(() => {
    if (item === null && suggestion && items.has(suggestion) && spec.fields.includes('item')) {
      setItem(suggestion);
      if (!levelTouched && !ticket?.level) setLevel(items.get(suggestion)!.defaultLevel);
    }
  }, [items, suggestion, item, levelTouched, ticket?.level, spec.fields]);
  const has = (f: Field) => spec.fields.includes(f);
  // Opened below the fold of a long detail: bring the whole form into view.
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // A block body: newer browsers answer scrollIntoView with a promise, not a cleanup.
    formRef.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  const chosen = item ? items.get(item) : undefined;

  function pickItem(code: string): void {
    setItem(code);
    const it = items.get(code);
    if (it && !levelTouched) setLevel(it.defaultLevel);
  }

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    const n = note.trim();
    if (has('item')) {
      if (!item) return setProblem('请选择事项');
      body.item = item;
    }
    if (has('level')) body.level = level;
    if (has('department') && department) body.department = department;
    if (has('reason')) {
      body.reason = reason;
      if (reason === 'duplicate') {
        if (!/^T\d{10}$/.test(duplicateOf.trim())) return setProblem('请填写重复的工单编号（T 加 10 位数字）');
        body.duplicateOf = duplicateOf.trim();
      }
    }
    if (has('hours')) {
      const h = Number(hours);
      if (!(h > 0 && h <= 2000)) return setProblem('延期时长须在 0–2000 小时之间');
      body.hours = h;
    }
    if (has('pass')) {
      if (pass === null) return setProblem('请选择核查结果');
      body.pass = pass;
    }
    if (has('satisfaction')) {
      if (satisfaction === null) return setProblem('请选择满意度');
      body.satisfaction = satisfaction;
    }
    if (has('worker')) {
      if (!worker) return setProblem('请选择网格员');
      body.worker = worker;
    }
    if (spec.noteRequired && !n) return setProblem(`请填写${spec.notePrompt ?? '说明'}`);
    if (n) body.note = n;
    setProblem(null);
    // Done, or refused because the ticket moved meanwhile (it has been reloaded): the form
    // is stale either way. Any other refusal leaves it open, with what was typed.
    const done = ticket && !bulk ? (await act(ticket.id, version, action, body)) !== 'refused' : await actOnChecked(action, body);
    if (done) onClose();
  }

  const title = bulk ? `批量${ACTION_NAME[action]} · 已选 ${bulk.count} 件` : `${ACTION_NAME[action] ?? action} · ${ticket?.id}`;
  return (
    <form ref={formRef} className="cs-form" data-testid="action-form" data-action={action} onSubmit={(e) => void submit(e)} noValidate>
      <div className="cs-form-title">{title}</div>
      {ticket && !bulk && ticket.version !== version && (
        <div className="cs-form-stale" role="alert" data-testid="form-stale">
          此工单在您打开表单后已被更新（现为{STATUS_NAME.get(ticket.status) ?? ticket.status}），提交将被拒绝并重新加载
        </div>
      )}
      {has('worker') && ticket && <NearestWorkers ticketId={ticket.id} value={worker} onChange={setWorker} />}
      {has('item') && <ItemPicker value={item} onChange={pickItem} suggested={suggestion} onlySelfHandle={action === 'self_handle'} />}
      <div className="cs-form-row">
        {has('level') && (
          <label className="cs-field">
            <span>信息等级</span>
            <select
              className="cs-input cs-select"
              data-testid="field-level"
              value={level}
              onChange={(e) => {
                setLevel(e.target.value);
                setLevelTouched(true);
              }}
            >
              {(catalogue?.levels ?? [{ code: 'general', name: '一般' }]).map((l) => (
                <option key={l.code} value={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
            {chosen && <span className="cs-field-hint">时限 {caseHours(chosen, level)} 工作小时（立案至结案）</span>}
          </label>
        )}
        {has('department') && (
          <label className="cs-field">
            <span>责任部门</span>
            <select className="cs-input cs-select" data-testid="field-department" value={department} onChange={(e) => setDepartment(e.target.value)}>
              {(bulk || !ticket?.department) && <option value="">{bulk ? '按各工单建议部门' : '请选择'}</option>}
              {departments?.platforms.map((p) => (
                <optgroup key={p.code} label={p.name}>
                  {departments.departments
                    .filter((d) => d.platform === p.code)
                    .map((d) => (
                      <option key={d.code} value={d.code}>
                        {d.name}
                        {ticket?.department === d.code ? '（建议）' : ''}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          </label>
        )}
        {has('reason') && (
          <label className="cs-field">
            <span>原因</span>
            <select className="cs-input cs-select" data-testid="field-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
              {REJECT_REASONS.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {has('reason') && reason === 'duplicate' && (
          <label className="cs-field">
            <span>重复于工单</span>
            <input className="cs-input" data-testid="field-duplicate" placeholder="T0000000000" maxLength={11} value={duplicateOf} onChange={(e) => setDuplicateOf(e.target.value)} />
          </label>
        )}
        {has('hours') && (
          <label className="cs-field">
            <span>延期（工作小时）</span>
            <input className="cs-input" data-testid="field-hours" type="number" min={1} max={2000} step={1} value={hours} onChange={(e) => setHours(e.target.value)} />
          </label>
        )}
        {has('pass') && (
          <div className="cs-field" role="radiogroup" aria-label="核查结果">
            <span>核查结果</span>
            <div className="cs-choice">
              <button type="button" className={`cs-btn${pass === true ? ' cs-btn-on' : ''}`} aria-pressed={pass === true} data-testid="field-pass-yes" onClick={() => setPass(true)}>
                通过，结案
              </button>
              <button type="button" className={`cs-btn${pass === false ? ' cs-btn-on cs-btn-danger' : ''}`} aria-pressed={pass === false} data-testid="field-pass-no" onClick={() => setPass(false)}>
                不通过，返工
              </button>
            </div>
          </div>
        )}
        {has('satisfaction') && (
          <div className="cs-field" role="radiogroup" aria-label="满意度">
            <span>满意度</span>
            <div className="cs-choice">
              {SATISFACTION.map((name, i) => (
                <button
                  key={name}
                  type="button"
                  className={`cs-btn${satisfaction === i + 1 ? ' cs-btn-on' : ''}`}
                  aria-pressed={satisfaction === i + 1}
                  data-testid={`field-satisfaction-${i + 1}`}
                  title={name}
                  onClick={() => setSatisfaction(i + 1)}
                >
                  {i + 1} {name}
                </button>
              ))}
            </div>
          </div>
        )}
      </div>
      {has('note') && (
        <label className="cs-field cs-field-wide">
          <span>
            {spec.notePrompt ?? '备注'}
            {spec.noteRequired ? '（必填）' : '（选填）'}
          </span>
          <textarea className="cs-input cs-note" data-testid="field-note" rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
      )}
      <div className="cs-form-foot">
        <span className="cs-form-problem" role="alert" data-testid="form-problem">
          {problem ?? ''}
        </span>
        <button type="button" className="cs-btn cs-btn-quiet" data-testid="action-cancel" onClick={onClose}>
          取消
        </button>
        <button type="submit" className="cs-btn cs-btn-primary" data-testid="action-submit" disabled={busy}>
          {busy ? '提交中…' : `确认${ACTION_NAME[action] ?? ''}`}
        </button>
      </div>
    </form>
  );
}
