// 上传照片: evidence before or after handling, as a multipart upload (not an action body).
import { useState, type FormEvent } from 'react';
import { ApiError, uploadPhoto } from './api.ts';
import { loadDetail, notify } from './state.ts';
import type { Ticket } from './types.ts';

export function PhotoForm({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  const [kind, setKind] = useState<'before' | 'after'>(ticket.status === 'handling' ? 'after' : 'before');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    if (!file) return setProblem('请选择照片');
    setBusy(true);
    setProblem(null);
    try {
      await uploadPhoto(ticket.id, kind, file);
      notify('ok', `上传照片：${ticket.id} 已完成`);
      void loadDetail(ticket.id, true);
      onClose();
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      setProblem(status === 404 || status === 503 ? '照片服务暂不可用' : `上传失败：${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="cs-form" data-testid="action-form" data-action="attach" onSubmit={(e) => void submit(e)} noValidate>
      <div className="cs-form-title">上传照片 · {ticket.id}</div>
      <div className="cs-form-row">
        <label className="cs-field">
          <span>类别</span>
          <select className="cs-input cs-select" value={kind} onChange={(e) => setKind(e.target.value as 'before' | 'after')}>
            <option value="before">处置前</option>
            <option value="after">处置后</option>
          </select>
        </label>
        <label className="cs-field cs-field-wide">
          <span>照片（JPEG / PNG）</span>
          <input className="cs-input" type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
      </div>
      <div className="cs-form-foot">
        <span className="cs-form-problem" role="alert">
          {problem ?? ''}
        </span>
        <button type="button" className="cs-btn cs-btn-quiet" onClick={onClose}>
          取消
        </button>
        <button type="submit" className="cs-btn cs-btn-primary" disabled={busy}>
          {busy ? '上传中…' : '上传'}
        </button>
      </div>
    </form>
  );
}
