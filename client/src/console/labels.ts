// The console's Chinese words for the loop's codes. Categories, sources and statuses come
// from the pure domain module the server uses (server/domain/ticket.ts); action names
// mirror server/domain/loop.ts RULES (which cannot be bundled: it re-exports the catalogue
// loader) and tests/console.vocabulary.test.ts keeps the two equal.
import { CATEGORIES, SOURCES, STATUSES } from '../../../server/domain/ticket.ts';
import type { Light, QueueCode } from './types.ts';

const table = (rows: readonly { code: string; name: string }[]) => new Map(rows.map((r) => [r.code, r.name]));

export const CATEGORY_NAME = table(CATEGORIES);
export const SOURCE_NAME = table(SOURCES);
export const STATUS_NAME = table(STATUSES);
export { SOURCES };

export const ACTION_NAME: Record<string, string> = {
  report: '采集上报',
  verify: '核实立案',
  reject: '不予立案',
  dispatch: '分流交办',
  accept: '签收',
  return: '退回',
  request_extension: '申请延期',
  approve_extension: '批准延期',
  deny_extension: '驳回延期',
  remind: '催办',
  assign: '派给网格员',
  supervise: '督办',
  escalate: '上报升级',
  feedback: '结果反馈',
  check: '核查',
  self_handle: '自处置',
  rate: '评价',
  reopen: '重办',
  attach: '上传照片',
};

/** The order action buttons are shown in: the loop's next step first, side steps after. */
export const ACTION_ORDER = [
  'verify', 'dispatch', 'accept', 'feedback', 'check', 'assign', 'self_handle', 'approve_extension', 'deny_extension', 'request_extension',
  'reject', 'return', 'remind', 'supervise', 'escalate', 'rate', 'reopen', 'attach',
];

/** Actions that may be taken on a selection at once (POST /api/tickets/bulk-actions). */
export const BULK_ACTIONS = ['dispatch', 'remind', 'supervise', 'check', 'reject', 'approve_extension'] as const;
export const BULK_LABEL: Record<string, string> = {
  dispatch: '批量派遣',
  remind: '批量催办',
  supervise: '批量督办',
  check: '批量核查',
  reject: '批量不予立案',
  approve_extension: '批量批准延期',
};

export const ROLE_NAME: Record<string, string> = {
  admin: '系统管理员',
  leader: '领导',
  dispatcher: '座席员/调度员',
  handler: '处置员',
  worker: '网格员',
  display: '大屏',
  integration: '系统对接',
  system: '系统',
};

export const REJECT_REASONS: { code: string; name: string }[] = [
  { code: 'invalid', name: '信息不实或无效' },
  { code: 'duplicate', name: '重复上报' },
  { code: 'out_of_scope', name: '不属于受理范围' },
];
export const REJECT_REASON_NAME = table(REJECT_REASONS);

export const TIER_NAME: Record<string, string> = { community: '社区', street: '街道', district: '区', city: '市' };

export const LIGHT_NAME: Record<Light, string> = { green: '正常', yellow: '临期', red: '超期' };
export const LIGHT_COLOR: Record<Light, string> = { green: '#4fd18b', yellow: '#ffc24d', red: '#ff5a5a' };

export const QUEUE_ORDER: QueueCode[] = ['to_verify', 'to_dispatch', 'returned', 'to_accept', 'handling', 'to_check', 'overdue', 'supervised'];
/** Used until the server's names arrive (GET /api/queues answers them). */
export const QUEUE_NAME: Record<QueueCode, string> = {
  to_verify: '待核实',
  to_dispatch: '待派遣',
  returned: '被退回',
  to_accept: '待签收',
  handling: '处置中',
  to_check: '待核查',
  overdue: '已超期',
  supervised: '督办件',
};

export const nameIn = (names: Map<string, string>, code: string | null | undefined): string => (code ? names.get(code) ?? code : '—');
