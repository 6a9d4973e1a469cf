// Tasks pushed to grid workers (智能推送): tickets whose `assignee` is a worker's device and
// whose step waits on site — a report to verify (核实), a result to check (核查). Which
// devices have one decides the wall's "on a task" colour; kept in memory, read back from
// the store at start and followed as tickets change.
import type { Status, TicketRecord } from '../domain/ticket.ts';
import type { TicketStore } from '../store/types.ts';

export const TASK_STATUSES: Status[] = ['reported', 'feedback'];

export class PatrolTasks {
  private readonly byDevice = new Map<string, Set<number>>();
  private readonly deviceOf = new Map<number, string>();

  has(device: string): boolean {
    return (this.byDevice.get(device)?.size ?? 0) > 0;
  }

  /** Follows a ticket's change; returns the devices whose "on a task" may have changed. */
  changed(r: Pick<TicketRecord, 'seq' | 'status' | 'assignee'>): string[] {
    const before = this.deviceOf.get(r.seq);
    const now = r.assignee && TASK_STATUSES.includes(r.status) ? r.assignee : undefined;
    if (before === now) return [];
    if (before) {
      this.byDevice.get(before)?.delete(r.seq);
      this.deviceOf.delete(r.seq);
    }
    if (now) {
      let set = this.byDevice.get(now);
      if (!set) this.byDevice.set(now, (set = new Set()));
      set.add(r.seq);
      this.deviceOf.set(r.seq, now);
    }
    return [before, now].filter((d): d is string => !!d);
  }

  async restore(store: TicketStore): Promise<void> {
    for (const r of await store.list({ statuses: TASK_STATUSES, assignee: true, limit: 1_000_000 })) this.changed(r);
  }
}
