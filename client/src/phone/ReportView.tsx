// 上报 tab: report an event where the phone stands — its item, a description, photos before
// handling — or, for an item the catalogue lets a worker fix on the spot, report it handled
// at once (自处置: photos after, a note; the loop's `self_handle`). Either way it goes into
// the outbox with a clientId made now, so it is stored once however often it is resent, and
// with this moment as its time however late the network lets it through.
import { useState, type FormEvent } from 'react';
import { addJob } from './outbox.ts';
import { locateNow } from './patrol.ts';
import { photoEntries, uuid } from './photo.ts';
import { ItemChooser } from './ItemChooser.tsx';
import { PhotoPicker } from './PhotoPicker.tsx';
import { withItem, type CategoryCode } from './items.ts';
import { clockSeconds } from './format.ts';
import { notify, usePhone } from './state.ts';

const DESCRIPTION_MAX = 1800; // the server's 2000, less the item's line

export function ReportView() {
  const here = usePhone((s) => s.here);
  const hereGrid = usePhone((s) => s.hereGrid);
  const grids = usePhone((s) => s.grids);
  const gpsProblem = usePhone((s) => s.gpsProblem);
  const online = usePhone((s) => s.online);
  const items = usePhone((s) => s.items);
  const [category, setCategory] = useState<CategoryCode | null>(null);
  const [itemCode, setItemCode] = useState<string | null>(null);
  const [description, setDescription] = useState('');
  const [before, setBefore] = useState<File[]>([]);
  const [selfHandle, setSelfHandle] = useState(false);
  const [after, setAfter] = useState<File[]>([]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const item = itemCode ? items.get(itemCode) : undefined;
  const self = selfHandle && !!item?.selfHandle;
  const outside = hereGrid && grids.length > 0 && !grids.some((g) => hereGrid.code.startsWith(g.code));

  function reset(): void {
    setCategory(null);
    setItemCode(null);
    setDescription('');
    setBefore([]);
    setAfter([]);
    setNote('');
    setSelfHandle(false);
    setProblem(null);
  }

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    if (busy) return;
    const why = !item || !category ? '请选择事项'
      : !here ? '尚未定位，请稍候或点“重新定位”'
      : item.evidence.before && before.length === 0 ? '此事项需要处置前照片'
      : self && item.evidence.after && after.length === 0 ? '自处置需要处置后照片'
      : self && !note.trim() ? '请填写处置情况'
      : null;
    if (why) return setProblem(why);
    setBusy(true);
    setProblem(null);
    try {
      const photos = [...(await photoEntries('before', before)), ...(self ? await photoEntries('after', after) : [])];
      await addJob({
        kind: 'report',
        createdAt: Date.now(),
        label: `${self ? '自处置' : '上报'}：${item!.name}`,
        report: { lon: here!.lon, lat: here!.lat, crs: 'wgs84', category: category!, description: withItem(item!, description.trim()), source: 'patrol', clientId: uuid() },
        ticketId: null,
        version: null,
        photos,
        action: self ? { action: 'self_handle', fields: { item: item!.code, note: note.trim() } } : null,
      });
      notify(online ? 'ok' : 'warn', online ? `${self ? '自处置' : '上报'}已提交，正在发送` : '离线：已保存在手机上，恢复网络后自动发送');
      reset();
    } catch (err) {
      setProblem(`未能保存：${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="ph-stack" data-testid="report-form" onSubmit={(e) => void submit(e)} noValidate>
      <section className="ph-card">
        <h2 className="ph-card-title">事项</h2>
        <ItemChooser category={category} item={itemCode} onCategory={setCategory} onItem={(c) => (setItemCode(c), setSelfHandle(false))} />
      </section>

      {item && (
        <>
          <section className="ph-card">
            <h2 className="ph-card-title">位置</h2>
            {here ? (
              <p className="ph-big-line" data-testid="report-position">
                {hereGrid?.name ?? `${here.lon.toFixed(5)}, ${here.lat.toFixed(5)}`}
                <span className="ph-sub"> ±{here.accuracy !== null ? Math.round(here.accuracy) : '?'} 米 · {clockSeconds(here.t)}</span>
              </p>
            ) : (
              <p className="ph-problem">{gpsProblem ?? '正在定位…'}</p>
            )}
            {outside && <p className="ph-problem">当前位置不在本人网格，只能上报本人网格内的事件</p>}
            <button type="button" className="ph-btn" onClick={locateNow}>
              重新定位
            </button>
          </section>

          <section className="ph-card">
            <label className="ph-field">
              <span className="ph-field-label">情况描述</span>
              <textarea
                className="ph-input ph-textarea"
                data-testid="report-description"
                rows={3}
                maxLength={DESCRIPTION_MAX}
                placeholder="现场情况、具体位置（如楼栋、门牌）"
                value={description}
                onChange={(e) => setDescription(e.target.value)}
              />
            </label>
            <PhotoPicker label="处置前照片" files={before} onChange={setBefore} testId="photos-before" required={item.evidence.before} />
          </section>

          {item.selfHandle && (
            <section className="ph-card">
              <label className="ph-check">
                <input type="checkbox" data-testid="self-handle" checked={selfHandle} onChange={(e) => setSelfHandle(e.target.checked)} />
                <span>已当场处置（自处置，直接结案）</span>
              </label>
              {self && (
                <>
                  <label className="ph-field">
                    <span className="ph-field-label">
                      处置情况<span className="ph-required">（必需）</span>
                    </span>
                    <textarea className="ph-input ph-textarea" data-testid="self-note" rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
                  </label>
                  <PhotoPicker label="处置后照片" files={after} onChange={setAfter} testId="photos-after" required={item.evidence.after} />
                </>
              )}
            </section>
          )}

          <div className="ph-problem" role="alert" data-testid="report-problem">
            {problem ?? ''}
          </div>
          <button type="submit" className="ph-btn ph-btn-primary ph-btn-huge" data-testid="report-submit" disabled={busy}>
            {busy ? '保存中…' : self ? '提交自处置' : '上报'}
          </button>
        </>
      )}
    </form>
  );
}
