// The open ticket: what and where, its light and deadline, a small map, photos, exactly
// the actions the server allows now (each with its form; 分流交办 also as one click to the
// suggested department), and its timeline.
import { lazy, Suspense, useRef, useState } from 'react';
import { ActionForm, hasForm } from './ActionForm.tsx';
import { fullTime } from './format.ts';
import { Deadline, LightDot } from './Light.tsx';
import { ACTION_NAME, ACTION_ORDER, CATEGORY_NAME, nameIn, REJECT_REASON_NAME, SOURCE_NAME, STATUS_NAME, TIER_NAME } from './labels.ts';
import { PhotoForm } from './PhotoForm.tsx';
import { Photos, photosOf } from './Photos.tsx';
import { act, loadDetail, useConsole } from './state.ts';
import { suggestedItem } from './suggest.ts';
import { TimelineView } from './TimelineView.tsx';
import type { Ticket, Timeline } from './types.ts';

const TicketMap = lazy(() => import('./TicketMap.tsx'));

const order = (a: string) => {
  const i = ACTION_ORDER.indexOf(a);
  return i < 0 ? ACTION_ORDER.length : i;
};

function Actions({ timeline }: { timeline: Timeline }) {
  const t = timeline.ticket;
  const busy = useConsole((s) => s.busy);
  const deps = useConsole((s) => s.departmentByCode);
  const platforms = useConsole((s) => s.departments?.platforms);
  const [open, setOpen] = useState<string | null>(null);
  const actions = [...timeline.actions].sort((a, b) => order(a) - order(b));
  // An open form stays while the ticket moves under it (it says so, and its submit is refused).
  const shown = open;
  const suggested = actions.includes('dispatch') && t.department ? deps.get(t.department) : undefined;
  return (
    <section className="cs-actions" aria-label="操作" data-testid="actions">
      <div className="cs-action-buttons">
        {suggested && (
          <button
            type="button"
            className="cs-btn cs-btn-primary cs-btn-big"
            data-testid="dispatch-suggested"
            disabled={busy}
            title="按事项清单建议的责任部门派遣"
            onClick={() => void act(t.id, t.version, 'dispatch')}
          >
            一键派遣 → {suggested.name}
            <span className="cs-btn-sub">{platforms?.find((p) => p.code === suggested.platform)?.name}</span>
          </button>
        )}
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            className={`cs-btn${shown === a ? ' cs-btn-on' : ''}${a === 'reject' || a === 'return' ? ' cs-btn-danger' : ''}`}
            data-testid="action"
            data-action={a}
            aria-expanded={shown === a}
            disabled={busy}
            onClick={() => setOpen(shown === a ? null : a)}
          >
            {a === 'dispatch' && suggested ? '改派…' : ACTION_NAME[a] ?? a}
          </button>
        ))}
        {actions.length === 0 && <span className="cs-muted" data-testid="no-actions">当前没有您可执行的操作</span>}
      </div>
      {shown === 'attach' && <PhotoForm key={`${t.id}-attach`} ticket={t} onClose={() => setOpen(null)} />}
      {shown && shown !== 'attach' && hasForm(shown) && <ActionForm key={`${t.id}-${shown}`} action={shown} ticket={t} onClose={() => setOpen(null)} />}
    </section>
  );
}

function Facts({ t }: { t: Ticket }) {
  const items = useConsole((s) => s.items);
  const deps = useConsole((s) => s.departmentByCode);
  const platforms = useConsole((s) => s.departments?.platforms);
  const levels = useConsole((s) => s.catalogue?.levels);
  const suggestion = !t.item ? suggestedItem(t) : null;
  return (
    <dl className="cs-facts">
      <dt>地点</dt>
      <dd data-testid="detail-where">{[t.district?.name, t.street?.name, t.community?.name, t.grid?.name].filter(Boolean).join(' · ')}</dd>
      <dt>事项</dt>
      <dd>
        {t.item ? (
          <>
            {items.get(t.item)?.name ?? t.item} <span className="cs-muted">{t.item}</span>
          </>
        ) : (
          <>
            <span className="cs-muted">未立案</span>
            {suggestion && items.get(suggestion) && <> · 建议：{items.get(suggestion)!.name}</>}
          </>
        )}{' '}
        <span className="cs-tag cs-tag-sample" title="事项清单为合成样例数据">样例</span>
      </dd>
      <dt>类别 / 来源</dt>
      <dd>
        {nameIn(CATEGORY_NAME, t.category)} · {nameIn(SOURCE_NAME, t.source)}
      </dd>
      <dt>责任部门</dt>
      <dd data-testid="detail-department">
        {t.department ? `${deps.get(t.department)?.name ?? t.department} · ${platforms?.find((p) => p.code === t.platform)?.name ?? t.platform ?? ''}` : '—'}
      </dd>
      <dt>等级 / 层级</dt>
      <dd>
        {t.level ? levels?.find((l) => l.code === t.level)?.name ?? t.level : '—'} · {TIER_NAME[t.tier] ?? t.tier}处置
      </dd>
      <dt>上报</dt>
      <dd>
        {fullTime(t.createdAt)}
        {t.reporter && (
          <span data-testid="detail-reporter">
            {' '}
            · {t.reporter.name} {t.reporter.phone}
          </span>
        )}
      </dd>
      {t.registeredAt && (
        <>
          <dt>立案</dt>
          <dd>{fullTime(t.registeredAt)}</dd>
        </>
      )}
      {(t.supervised > 0 || t.reminded > 0 || t.rework > 0 || t.escalated > 0) && (
        <>
          <dt>督查</dt>
          <dd>
            {[t.supervised && `督办 ${t.supervised} 次`, t.reminded && `催办 ${t.reminded} 次`, t.rework && `返工 ${t.rework} 次`, t.escalated && `升级 ${t.escalated} 次`].filter(Boolean).join(' · ')}
          </dd>
        </>
      )}
      {t.rejectReason && (
        <>
          <dt>不予立案</dt>
          <dd>
            {nameIn(REJECT_REASON_NAME, t.rejectReason)}
            {t.duplicateOf ? `（重复于 ${t.duplicateOf}）` : ''}
          </dd>
        </>
      )}
      {t.satisfaction !== null && (
        <>
          <dt>满意度</dt>
          <dd>{t.satisfaction}/5</dd>
        </>
      )}
    </dl>
  );
}

export function TicketDetail() {
  const detail = useConsole((s) => s.detail);
  // The map stays mounted from ticket to ticket (one WebGL context for the console's life):
  // while the next ticket loads it keeps showing the last one.
  const last = useRef<Ticket | null>(null);
  const tl = detail?.timeline ?? null;
  if (tl) last.current = tl.ticket;
  if (!detail) {
    return (
      <section className="cs-col cs-detail cs-detail-empty" aria-label="工单详情" data-testid="detail">
        <p>从列表中选择一件工单，查看详情、地图、照片和流转记录，并进行处置。</p>
      </section>
    );
  }
  const t = tl?.ticket;
  const shownOnMap = t ?? last.current;
  return (
    <section
      className="cs-col cs-detail"
      aria-label="工单详情"
      aria-busy={!tl}
      data-testid="detail"
      data-id={detail.id}
      data-status={t?.status}
      data-version={t?.version}
    >
      {t ? (
        <header className="cs-detail-head">
          <LightDot t={t} />
          <span className="cs-id cs-detail-id" data-testid="detail-id">
            {t.id}
          </span>
          <span className={`cs-status cs-status-${t.status}`} data-testid="detail-status">
            {nameIn(STATUS_NAME, t.status)}
          </span>
          {t.extensionPending && <span className="cs-flag">延期申请待批</span>}
          <Deadline t={t} />
        </header>
      ) : (
        <header className="cs-detail-head">
          <span className="cs-id cs-detail-id">{detail.id}</span>
          {detail.status === 'error' ? (
            <span className="cs-error">
              加载失败：{detail.error}{' '}
              <button type="button" className="cs-btn cs-btn-quiet" onClick={() => void loadDetail(detail.id)}>
                重试
              </button>
            </span>
          ) : (
            <span className="cs-muted">加载中…</span>
          )}
        </header>
      )}
      {t?.description && (
        <p className="cs-description" data-testid="detail-description">
          {t.description}
        </p>
      )}
      <div className="cs-detail-top">
        {t ? <Facts t={t} /> : <div />}
        {shownOnMap && (
          <Suspense fallback={<div className="cs-map cs-map-loading">地图加载中…</div>}>
            <TicketMap
              id={shownOnMap.id}
              lon={shownOnMap.lon}
              lat={shownOnMap.lat}
              light={shownOnMap.light}
              grid={shownOnMap.grid.code}
              community={shownOnMap.community?.code}
            />
          </Suspense>
        )}
      </div>
      {tl && t && (
        <>
          <Photos photos={photosOf(tl.items)} />
          <Actions key={t.id} timeline={tl} />
          <h3 className="cs-section-title">流转记录</h3>
          <TimelineView entries={tl.items} />
        </>
      )}
    </section>
  );
}
