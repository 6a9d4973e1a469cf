// One storage interface for the product; SQLite (embedded) implements it now, and a
// PostgreSQL implementation will implement the same when DATABASE_URL is set.
import type { Status, TicketInput, TicketRecord } from '../domain/ticket.ts';

export interface TicketQuery {
  /** Any area code: tickets whose grid code starts with it. */
  area?: string;
  status?: Status;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  limit: number;
  /** Return tickets older than this sequence (the previous page's last). */
  beforeSeq?: number;
}

export interface CountQuery {
  area?: string;
  from?: number;
  to?: number;
}

export interface TicketCounts {
  total: number;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  /** Counts per child area code (prefix of the grid code one level below `area`). */
  byChild: Record<string, number>;
}

export interface TicketStore {
  /** Stores a ticket durably before returning it (an acknowledged write survives a kill). */
  insert(input: TicketInput, gridCode: string, createdAt: number): TicketRecord;
  get(seq: number): TicketRecord | undefined;
  list(q: TicketQuery): TicketRecord[];
  /** `childLength`: how many code digits name a child area (9 for a district's streets…). */
  count(q: CountQuery, childLength: number): TicketCounts;
  total(): number;
  close(): void;
}
