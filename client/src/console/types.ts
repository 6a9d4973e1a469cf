// The shapes the console reads (server/routes/queues.ts, ticket-actions.ts, catalogue.ts,
// departments.ts, kpi.ts; the ticket as server/domain/ticket.ts `Ticket`). The wall's own
// types (client/src/types.ts) cover only what the wall reads; the ticket and the catalogue
// item are the server's own types.
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';

export type Light = 'green' | 'yellow' | 'red';

export interface AreaRef {
  code: string;
  name: string;
  level?: string;
}

/** The ticket as the server presents it (one definition for both sides). */
import type { Ticket } from '../../../server/domain/ticket.ts';
export type { Ticket };

export type QueueCode = 'to_verify' | 'to_dispatch' | 'returned' | 'to_accept' | 'handling' | 'to_check' | 'overdue' | 'supervised';

export interface QueueCount {
  code: QueueCode;
  name: string;
  count: number;
}

export interface QueueItem {
  ticket: Ticket;
  actions: string[];
}

export interface QueuePage {
  queue: QueueCode;
  name: string;
  total: number;
  nextCursor: string | null;
  items: QueueItem[];
}

export interface TimelineEntry {
  at: string;
  actor: string;
  role: string;
  action: string;
  /** The action's Chinese name, from the server. */
  name: string;
  from: string | null;
  to: string;
  note: string | null;
  data: Record<string, unknown> | null;
}

export interface Timeline {
  ticket: Ticket;
  items: TimelineEntry[];
  actions: string[];
}

export interface CodeName {
  code: string;
  name: string;
}


/** A catalogue item as the server serves it (server/domain/catalogue.ts). */
import type { CatalogueItem } from '../../../server/domain/catalogue.ts';
export type { CatalogueItem };

export interface Catalogue {
  /** Always true: the catalogue is a reviewed synthetic sample. */
  sample: boolean;
  source: string;
  categories: (CodeName & { scope: string })[];
  levels: CodeName[];
  steps: CodeName[];
  items: CatalogueItem[];
}

export interface Department extends CodeName {
  platform: string;
}

export interface Departments {
  platforms: CodeName[];
  departments: Department[];
}

export interface Kpi {
  from: string;
  to: string;
  received: number;
  registered: number;
  rejected: number;
  closed: number;
  closureRate: number | null;
  onTimeRate: number | null;
  supervised: number;
  satisfaction: number | null;
  overdueNow?: number;
}

export interface Area {
  code: string;
  name: string;
  level: string;
  parent: string | null;
  path: AreaRef[];
  children: AreaRef[];
}

export type GridGeometry = FeatureCollection<Polygon | MultiPolygon, { code: string; name: string }>;

/** The answer of POST /api/tickets/bulk-actions. */
export interface BulkResult {
  ok: number;
  results: { id: string; status: number; message?: string; ticket?: Ticket }[];
}
