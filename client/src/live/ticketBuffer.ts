// Today's tickets as typed arrays, the shape deck.gl draws without touching each object.
// One slot per ticket id; a ticket's later states overwrite its slot (colour), never append.
import type { Ticket } from '../types.ts';

export type RGBA = readonly [number, number, number, number];

export class TicketBuffer {
  count = 0;
  /** Bumped on every write; layers pass it to deck.gl so identity tells what changed. */
  version = 0;
  positions: Float32Array;
  colors: Uint8Array;
  private slot = new Map<string, number>();
  private statuses: string[] = [];

  constructor(capacity = 4096) {
    this.positions = new Float32Array(capacity * 2);
    this.colors = new Uint8Array(capacity * 4);
  }

  clear(): void {
    this.count = 0;
    this.slot.clear();
    this.statuses.length = 0;
    this.version++;
  }

  has(id: string): boolean {
    return this.slot.has(id);
  }

  ids(): string[] {
    return [...this.slot.keys()];
  }

  statusOf(id: string): string | undefined {
    const i = this.slot.get(id);
    return i === undefined ? undefined : this.statuses[i];
  }

  /** Writes the ticket; returns its previous status, or null when it is new. */
  upsert(t: Ticket, color: RGBA): string | null {
    let i = this.slot.get(t.id);
    let previous: string | null = null;
    if (i === undefined) {
      i = this.count++;
      if (i * 2 >= this.positions.length) this.grow();
      this.slot.set(t.id, i);
      this.positions[i * 2] = t.lon;
      this.positions[i * 2 + 1] = t.lat;
    } else {
      previous = this.statuses[i] ?? null;
    }
    this.statuses[i] = t.status;
    this.colors.set(color, i * 4);
    this.version++;
    return previous;
  }

  private grow(): void {
    const positions = new Float32Array(this.positions.length * 2);
    positions.set(this.positions);
    const colors = new Uint8Array(this.colors.length * 2);
    colors.set(this.colors);
    this.positions = positions;
    this.colors = colors;
  }
}
