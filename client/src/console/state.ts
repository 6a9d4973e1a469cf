// The console's one store and the requests that fill it. Components select from the store
// and call these functions; nothing else fetches. The queues and the open list are re-read
// every 10 s and when the window regains focus; the open ticket when its version moves.
import { useSyncExternalStore } from 'react';
import { dateCST } from '../../../server/domain/day.ts';
import { getState as wallState } from '../store.ts';
import {
  ApiError, fetchArea, fetchCatalogue, fetchDepartments, fetchKpi, fetchQueuePage, fetchQueues, fetchTimeline, postAction,
  postBulkAction, type QueueFilters,
} from './api.ts';
import { ACTION_NAME } from './labels.ts';
import type { Area, Catalogue, CatalogueItem, Department, Departments, Kpi, QueueCode, QueueCount, QueueItem, Timeline } from './types.ts';

export const REFRESH_MS = 10_000;
const PAGE = 50;

export interface Notice {
  kind: 'ok' | 'error' | 'warn';
  text: string;
  /** Bumped per notice, so the same text twice still shows anew. */
  seq: number;
}

export interface ListState {
  status: 'loading' | 'ready' | 'error';
  items: QueueItem[];
  total: number;
  nextCursor: string | null;
  error?: string;
}

export interface DetailState {
  id: string;
  status: 'loading' | 'ready' | 'error';
  timeline: Timeline | null;
  error?: string;
}

export interface ConsoleState {
  queues: QueueCount[] | null;
  queuesError: string | null;
  queue: QueueCode;
  filters: QueueFilters;
  list: ListState;
  /** Ticket ids ticked for a bulk action. */
  checked: string[];
  detail: DetailState | null;
  catalogue: Catalogue | null;
  items: Map<string, CatalogueItem>;
  departments: Departments | null;
  departmentByCode: Map<string, Department>;
  scope: Area | null;
  kpi: { today: Kpi | null; month: Kpi | null } | null;
  notice: Notice | null;
  /** An action is on its way: the buttons wait for it. */
  busy: boolean;
}

let state: ConsoleState = {
  queues: null,
  queuesError: null,
  queue: 'to_verify',
  filters: {},
  list: { status: 'loading', items: [], total: 0, nextCursor: null },
  checked: [],
  detail: null,
  catalogue: null,
  items: new Map(),
  departments: null,
  departmentByCode: new Map(),
  scope: null,
  kpi: null,
  notice: null,
  busy: false,
};

const listeners = new Set<() => void>();
export const getState = (): ConsoleState => state;

function setState(patch: Partial<ConsoleState> | ((s: ConsoleState) => Partial<ConsoleState>)): void {
  state = { ...state, ...(typeof patch === 'function' ? patch(state) : patch) };
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useConsole<T>(selector: (s: ConsoleState) => T): T {
  return useSyncExternalStore(subscribe, () => selector(state));
}

let noticeSeq = 0;
export function notify(kind: Notice['kind'], text: string): void {
  setState({ notice: { kind, text, seq: ++noticeSeq } });
}
export const dismissNotice = (): void => setState({ notice: null });

const message = (e: unknown): string => (e instanceof ApiError ? (e.status ? `${e.status}：${e.message}` : e.message) : String(e));

// ---- queues and the open list ----------------------------------------------------------

let queuesSeq = 0;
export async function refreshQueues(): Promise<void> {
  const seq = ++queuesSeq;
  try {
    const r = await fetchQueues(state.filters);
    if (seq === queuesSeq) setState({ queues: r.queues, queuesError: null });
  } catch (e) {
    if (seq === queuesSeq) setState({ queuesError: message(e) });
  }
}

let listSeq = 0;
/** The open queue's first page again; `keep` re-reads as many rows as are shown (a refresh). */
export async function loadList(keep = false): Promise<void> {
  const seq = ++listSeq;
  const { queue, filters } = state;
  const limit = keep ? Math.min(200, Math.max(PAGE, state.list.items.length)) : PAGE;
  if (!keep) setState((s) => ({ list: { ...s.list, status: 'loading', error: undefined } }));
  try {
    const page = await fetchQueuePage(queue, filters, { limit });
    if (seq !== listSeq) return;
    const ids = new Set(page.items.map((i) => i.ticket.id));
    setState((s) => ({
      list: { status: 'ready', items: page.items, total: page.total, nextCursor: page.nextCursor },
      // A ticked ticket that has left the queue cannot be acted on from it any more.
      checked: s.checked.filter((id) => ids.has(id)),
    }));
    followOpenTicket(page.items);
  } catch (e) {
    if (seq !== listSeq) return;
    setState((s) => ({ list: { ...s.list, status: 'error', error: message(e) } }));
  }
}

export async function loadMore(): Promise<void> {
  const { queue, filters, list } = state;
  if (!list.nextCursor) return;
  const seq = listSeq;
  try {
    const page = await fetchQueuePage(queue, filters, { limit: PAGE, cursor: list.nextCursor });
    if (seq !== listSeq) return;
    setState((s) => {
      const have = new Set(s.list.items.map((i) => i.ticket.id));
      return { list: { ...s.list, items: [...s.list.items, ...page.items.filter((i) => !have.has(i.ticket.id))], nextCursor: page.nextCursor, total: page.total } };
    });
  } catch (e) {
    notify('error', `加载更多失败：${message(e)}`);
  }
}

/** The open ticket moved on (someone else acted): read its timeline again. */
function followOpenTicket(items: QueueItem[]): void {
  const d = state.detail;
  if (!d?.timeline) return;
  const row = items.find((i) => i.ticket.id === d.id);
  // Not in the open list (it moved to another queue, or another page): ask it directly.
  if (!row || row.ticket.version !== d.timeline.ticket.version) void loadDetail(d.id, true);
}

export function selectQueue(queue: QueueCode): void {
  if (queue === state.queue) {
    void loadList(true);
    return;
  }
  setState({ queue, checked: [], list: { status: 'loading', items: [], total: 0, nextCursor: null } });
  void loadList();
}

export function setFilters(patch: Partial<QueueFilters>): void {
  const filters = { ...state.filters, ...patch };
  for (const k of Object.keys(filters) as (keyof QueueFilters)[]) if (filters[k] === undefined || filters[k] === '') delete filters[k];
  setState({ filters, checked: [] });
  void refreshQueues();
  void loadList();
}

export function clearFilters(): void {
  setState({ filters: {}, checked: [] });
  void refreshQueues();
  void loadList();
}

export function toggleChecked(id: string): void {
  setState((s) => ({ checked: s.checked.includes(id) ? s.checked.filter((x) => x !== id) : [...s.checked, id] }));
}

export function setChecked(ids: string[]): void {
  setState({ checked: ids });
}

// ---- the open ticket ------------------------------------------------------------------

let detailCtl: AbortController | null = null;
export async function loadDetail(id: string, quiet = false): Promise<void> {
  detailCtl?.abort();
  const ctl = new AbortController();
  detailCtl = ctl;
  if (!quiet || state.detail?.id !== id) setState({ detail: { id, status: 'loading', timeline: state.detail?.id === id ? state.detail.timeline : null } });
  try {
    const timeline = await fetchTimeline(id, ctl.signal);
    if (ctl.signal.aborted) return;
    setState({ detail: { id, status: 'ready', timeline } });
  } catch (e) {
    if (ctl.signal.aborted) return;
    setState({ detail: { id, status: 'error', timeline: null, error: message(e) } });
  }
}

export const openTicket = (id: string): Promise<void> => loadDetail(id);

/** After any change: the counts, the list, the header's figures. */
function refreshAround(): void {
  void refreshQueues();
  void loadList(true);
  void loadKpi();
}

/** One step of the loop on the open ticket, with the version the dispatcher saw. A 409
 * (someone moved it meanwhile) says so and reloads it; a 403 says why not. */
export async function act(id: string, version: number, action: string, fields: Record<string, unknown> = {}): Promise<'ok' | 'conflict' | 'refused'> {
  if (state.busy) return 'refused';
  setState({ busy: true });
  const name = ACTION_NAME[action] ?? action;
  try {
    const r = await postAction(id, { action, version, ...fields });
    notify('ok', `${name}：${id} 已完成`);
    // The answer has the new state; the timeline (with the new entry) follows.
    setState((s) => (s.detail?.id === id && s.detail.timeline ? { detail: { ...s.detail, timeline: { ...s.detail.timeline, ticket: r.ticket, actions: r.actions } } } : {}));
    void loadDetail(id, true);
    refreshAround();
    return 'ok';
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) {
      notify('warn', `${name}未完成：工单已被他人更新或状态已变（${e.message}），已重新加载`);
      void loadDetail(id, true);
      refreshAround();
      return 'conflict';
    }
    if (e instanceof ApiError && e.status === 403) notify('error', `${name}未完成：无权操作（${e.message}）`);
    else notify('error', `${name}未完成：${message(e)}`);
    return 'refused';
  } finally {
    setState({ busy: false });
  }
}

/** One action over the ticked tickets; each succeeds or fails on its own. */
export async function actOnChecked(action: string, fields: Record<string, unknown> = {}): Promise<boolean> {
  const ids = state.checked;
  if (!ids.length || state.busy) return false;
  setState({ busy: true });
  const name = ACTION_NAME[action] ?? action;
  try {
    const r = await postBulkAction(ids, { action, ...fields });
    const failed = r.results.filter((x) => x.status !== 200);
    if (failed.length === 0) notify('ok', `批量${name}：${r.ok} 件全部完成`);
    else notify(r.ok ? 'warn' : 'error', `批量${name}：完成 ${r.ok} 件，未完成 ${failed.length} 件（${failed.slice(0, 3).map((f) => `${f.id}: ${f.message ?? f.status}`).join('；')}${failed.length > 3 ? '…' : ''}）`);
    setState({ checked: failed.map((f) => f.id) });
    const open = state.detail?.id;
    if (open && ids.includes(open)) void loadDetail(open, true);
    refreshAround();
    return failed.length === 0;
  } catch (e) {
    notify('error', `批量${name}未完成：${message(e)}`);
    return false;
  } finally {
    setState({ busy: false });
  }
}

// ---- vocabulary, scope, figures ---------------------------------------------------------

async function retrying<T>(what: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await what();
    } catch (e) {
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) throw e;
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** attempt)));
    }
  }
}

export async function loadVocabulary(): Promise<void> {
  const scopeCode = wallState().account?.scope;
  await Promise.all([
    retrying(fetchCatalogue).then((catalogue) => setState({ catalogue, items: new Map(catalogue.items.map((i) => [i.code, i])) })),
    retrying(fetchDepartments).then((departments) => setState({ departments, departmentByCode: new Map(departments.departments.map((d) => [d.code, d])) })),
    scopeCode ? retrying(() => fetchArea(scopeCode)).then((scope) => setState({ scope })) : Promise.resolve(),
  ]).catch((e: unknown) => notify('error', `基础数据加载失败：${message(e)}`));
}

/** Today's and this month's figures of the account's scope (roles that may read KPIs). */
export async function loadKpi(): Promise<void> {
  const account = wallState().account;
  if (!account || !['admin', 'leader', 'dispatcher'].includes(account.role)) return;
  const today = dateCST(Date.now());
  try {
    const [t, m] = await Promise.all([fetchKpi(account.scope, today, today), fetchKpi(account.scope, `${today.slice(0, 8)}01`, today)]);
    setState({ kpi: { today: t, month: m } });
  } catch {
    /* the header keeps its last figures */
  }
}

/** The 10-second refresh and the refresh on focus; returns the stop. */
export function startRefresh(): () => void {
  void refreshQueues();
  void loadList();
  void loadKpi();
  let lastKpi = Date.now();
  const tick = (): void => {
    if (document.visibilityState === 'hidden') return;
    void refreshQueues();
    void loadList(true);
    if (Date.now() - lastKpi > 30_000) {
      lastKpi = Date.now();
      void loadKpi();
    }
  };
  const timer = setInterval(tick, REFRESH_MS);
  const onFocus = (): void => tick();
  const onVisible = (): void => {
    if (document.visibilityState === 'visible') tick();
  };
  window.addEventListener('focus', onFocus);
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    clearInterval(timer);
    window.removeEventListener('focus', onFocus);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
