// Timeline entries waiting for their turn, by (instant, ticket, step): the seeded history's
// entries leave in the order the live product would have stored them, so timeline
// sequences (the live feed's `change` watermark) grow with time as they do in production.
// A calendar queue: entries wait in one bucket per hour, and an hour's bucket is sorted
// once when the reports reach it (cheaper than a heap over the ~10^5 entries in flight).
import type { TimelineEntry } from '../../server/domain/loop.ts';

export interface Pending {
  at: number;
  ticket: number;
  /** Its place in the ticket's own timeline. */
  step: number;
  entry: TimelineEntry;
}

const HOUR = 3_600_000;
const order = (a: Pending, b: Pending) => a.at - b.at || a.ticket - b.ticket || a.step - b.step;

export class EntryQueue {
  private buckets = new Map<number, Pending[]>();
  /** The hour being drained, its entries sorted, and how far. */
  private hour = -Infinity;
  private current: Pending[] = [];
  private next = 0;
  private waiting = 0;

  get size(): number {
    return this.waiting;
  }

  /** An entry at or after the last instant drained up to. */
  push(p: Pending): void {
    const h = Math.floor(p.at / HOUR);
    this.waiting++;
    if (h > this.hour) {
      const b = this.buckets.get(h);
      if (b) b.push(p);
      else this.buckets.set(h, [p]);
      return;
    }
    if (h < this.hour) throw new Error(`queue: an entry at ${p.at} is before the hour already drained`);
    // Into the sorted hour being drained: after everything already taken.
    let lo = this.next, hi = this.current.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order(this.current[mid], p) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.current.splice(lo, 0, p);
  }

  /** Hands over, in order, every entry at or before `upTo`. */
  drain(upTo: number, take: (p: Pending) => void): void {
    const last = Math.floor(upTo / HOUR);
    for (;;) {
      while (this.next < this.current.length && this.current[this.next].at <= upTo) {
        this.waiting--;
        take(this.current[this.next++]);
      }
      if (this.next < this.current.length || this.hour >= last) return;
      this.open(this.hour === -Infinity ? last : this.hour + 1);
    }
  }

  /** Hands over everything left, in order. */
  drainAll(take: (p: Pending) => void): void {
    if (this.hour !== -Infinity) this.drain((this.hour + 1) * HOUR - 1, take);
    for (const h of [...this.buckets.keys()].sort((a, b) => a - b)) {
      this.open(h);
      this.drain((h + 1) * HOUR - 1, take);
    }
  }

  private open(h: number): void {
    this.hour = h;
    this.current = (this.buckets.get(h) ?? []).sort(order);
    this.buckets.delete(h);
    this.next = 0;
  }
}
