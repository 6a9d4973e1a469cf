// Tickets (事件工单): the vocabulary of the six-step loop and the shape of a ticket.
// Pure data and functions: no I/O, no framework.
import type { AreaRef } from '../net/types.ts';
import type { LoopState } from './loop.ts';

/** Event categories (GB/T 30428.2 events + the social-governance items of DOMAIN.md). */
export const CATEGORIES = [
  { code: 'city_appearance', name: '市容环境' },
  { code: 'advertising', name: '宣传广告' },
  { code: 'construction', name: '施工管理' },
  { code: 'street_order', name: '街面秩序' },
  { code: 'emergency', name: '突发事件' },
  { code: 'dispute', name: '矛盾纠纷' },
  { code: 'security', name: '治安隐患' },
  { code: 'work_safety', name: '安全生产' },
  { code: 'fire_safety', name: '消防安全' },
  { code: 'food_drug', name: '食品药品' },
  { code: 'environment', name: '生态环境' },
  { code: 'livelihood', name: '民生服务' },
] as const;

/** Where a report comes from (采集上报 channels). */
export const SOURCES = [
  { code: 'patrol', name: '网格员巡查' },
  { code: 'hotline', name: '12345热线' },
  { code: 'citizen', name: '群众上报' },
  { code: 'camera', name: '视频智能发现' },
  { code: 'department', name: '部门移交' },
] as const;

/** The states of the closed loop (六步闭环): server/domain/loop.ts moves tickets between them. */
export const STATUSES = [
  { code: 'reported', name: '已上报' },
  { code: 'registered', name: '已立案' },
  { code: 'rejected', name: '不予立案' },
  { code: 'dispatched', name: '已派遣' },
  { code: 'returned', name: '已退回' },
  { code: 'handling', name: '处置中' },
  { code: 'feedback', name: '已反馈' },
  { code: 'closed', name: '已结案' },
] as const;

export type Category = (typeof CATEGORIES)[number]['code'];
export type Source = (typeof SOURCES)[number]['code'];
export type Status = (typeof STATUSES)[number]['code'];

export const CATEGORY_CODES = CATEGORIES.map((c) => c.code) as Category[];
export const SOURCE_CODES = SOURCES.map((s) => s.code) as Source[];
export const STATUS_CODES = STATUSES.map((s) => s.code) as Status[];

export const DESCRIPTION_MAX = 2000;

/** A real-name reporter (实名上报): personal data, shown only to who may see it. */
export interface Reporter {
  name: string;
  phone: string;
}

/** What a reporter sends. */
export interface TicketInput {
  lon: number;
  lat: number;
  category: Category;
  description: string;
  source: Source;
  reporter?: Reporter;
  /** The city component (部件) the report is about, by its 16-digit GB/T 30428.2 code. */
  component?: string;
}

/** A ticket as stored: the report, and its place in the loop (server/domain/loop.ts).
 * The grid code carries the whole hierarchy by its prefixes. */
export interface TicketRecord extends TicketInput, LoopState {
  seq: number;
  createdAt: number;
  /** Who reported it (an account, a key, the simulator's), and the client's idempotency key. */
  reportedBy: string | null;
  clientId: string | null;
  /** The datum the report's coordinates were sent in (stored converted to WGS-84). */
  crs: string | null;
}

/** A ticket as clients see it. */
export interface Ticket extends TicketInput {
  id: string;
  createdAt: string;
  status: Status;
  version: number;
  /** Catalogue item, information level, platform, department, handling tier (四级联动). */
  item: string | null;
  level: string | null;
  platform: string | null;
  department: string | null;
  tier: string;
  step: string | null;
  registeredAt: string | null;
  closedAt: string | null;
  /** green / yellow / red on the working-day clock; null when no limit runs (rejected). */
  light: 'green' | 'yellow' | 'red' | null;
  deadline: string | null;
  supervised: number;
  reminded: number;
  rework: number;
  escalated: number;
  extensionPending: boolean;
  selfHandled: boolean;
  onTime: boolean | null;
  satisfaction: number | null;
  rejectReason: string | null;
  duplicateOf: string | null;
  /** The grid worker's device a task was pushed to (派给网格员), if any. */
  assignee: string | null;
  grid: AreaRef;
  community: AreaRef;
  street: AreaRef;
  district: AreaRef;
}

/** Public ticket ids are `T` + the store's sequence, zero-padded: sortable, stable. */
export function ticketId(seq: number): string {
  return 'T' + String(seq).padStart(10, '0');
}

export function seqOfTicketId(id: string): number | null {
  if (!/^T\d{10}$/.test(id)) return null;
  const n = Number(id.slice(1));
  return n > 0 ? n : null;
}
