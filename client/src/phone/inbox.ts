// 任务: the worker's inbox — tickets assigned to them and tickets of their grids waiting for
// a worker's step — as GET /api/patrol/tasks answers it, each with the actions the server
// allows now. Re-read when a task is pushed, when a ticket of the grid changes, after the
// worker acts, and every minute as a safety net under the pushes.
import { fetchTasks, PhoneError } from './api.ts';
import { ACTION_NAME, CATEGORY_NAME } from '../console/labels.ts';
import { getPhone, setPhone } from './state.ts';
import { phoneHandle } from './testHandle.ts';
import type { Ticket } from '../console/types.ts';

const REFRESH_MS = 60_000;

/** The step a task asks of the worker, in the field's words. */
export function stepOf(t: Pick<Ticket, 'status' | 'step'>): { code: 'verify' | 'check' | 'handle'; name: string } {
  if (t.step === 'check' || t.status === 'feedback') return { code: 'check', name: '核查' };
  if (t.step === 'verify' || t.status === 'reported') return { code: 'verify', name: '核实' };
  return { code: 'handle', name: '处置' };
}

let seq = 0;
export async function loadTasks(): Promise<void> {
  const mine = ++seq;
  try {
    const { items } = await fetchTasks();
    if (mine !== seq) return;
    // Just pushed first, then the others assigned to this worker, then by deadline, then the oldest.
    const fresh = getPhone().fresh;
    const rank = (t: { ticket: { id: string }; assigned?: boolean }) => (fresh.includes(t.ticket.id) ? 0 : t.assigned ? 1 : 2);
    items.sort((a, b) => rank(a) - rank(b) || (a.ticket.deadline ?? '9').localeCompare(b.ticket.deadline ?? '9') || a.ticket.id.localeCompare(b.ticket.id));
    setPhone({ tasks: { status: 'ready', items }, fresh: fresh.filter((id) => items.some((i) => i.ticket.id === id)) });
  } catch (e) {
    if (mine !== seq) return;
    const message = e instanceof PhoneError ? (e.status ? `${e.status}：${e.message}` : e.message) : String(e);
    setPhone((s) => ({ tasks: { ...s.tasks, status: s.tasks.items.length ? 'ready' : 'error', error: message } }));
  }
}

let soon: ReturnType<typeof setTimeout> | undefined;
/** Several changes in a burst make one re-read. */
export function loadTasksSoon(): void {
  clearTimeout(soon);
  soon = setTimeout(() => void loadTasks(), 800);
}

let alertSeq = 0;
/** A task pushed by a dispatcher (智能推送): a banner, a buzz, and the inbox re-read. */
export function taskPushed(ticket: Ticket): void {
  phoneHandle().pushed.push(ticket.id);
  const step = stepOf(ticket);
  const what = (ticket.item && getPhone().items.get(ticket.item)?.name) || (CATEGORY_NAME.get(ticket.category) ?? ticket.category);
  setPhone((s) => ({
    fresh: [ticket.id, ...s.fresh.filter((id) => id !== ticket.id)],
    alert: { id: ticket.id, text: `新任务：${step.name} · ${what} · ${ticket.grid?.name ?? ''}`, seq: ++alertSeq },
    // Shown at once, before the inbox is re-read with its allowed actions.
    tasks: s.tasks.items.some((i) => i.ticket.id === ticket.id) ? s.tasks : { ...s.tasks, status: 'ready', items: [{ ticket, actions: [], assigned: true }, ...s.tasks.items] },
  }));
  try {
    navigator.vibrate?.([300, 150, 300]);
  } catch {
    /* not allowed before the first touch: the banner is enough */
  }
  void loadTasks();
}

/** A ticket of the worker's area changed: re-read if it is a task, or may have become one. */
export function ticketChanged(t: Pick<Ticket, 'id' | 'status' | 'grid'>): void {
  const s = getPhone();
  const mine = s.grids.some((g) => t.grid?.code?.startsWith(g.code));
  if (s.tasks.items.some((i) => i.ticket.id === t.id) || (mine && (t.status === 'reported' || t.status === 'feedback'))) loadTasksSoon();
}

export const openedTask = (id: string): void => setPhone((s) => ({ fresh: s.fresh.filter((x) => x !== id), alert: s.alert?.id === id ? null : s.alert }));

export function startTaskRefresh(): () => void {
  void loadTasks();
  const timer = setInterval(() => document.visibilityState === 'visible' && void loadTasks(), REFRESH_MS);
  return () => clearInterval(timer);
}

export const actionName = (a: string): string => ACTION_NAME[a] ?? a;
