// Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) in the product's terms: the
// catalogue's items are the services, tickets are the service requests. Pure data and
// functions, no I/O and no framework (server/routes/open311.ts is the HTTP side).
import type { Area, Net } from '../net/types.ts';
import { LEVELS, type Catalogue, type CatalogueItem, type Level } from './catalogue.ts';
import { CATEGORY_CODES, STATUSES, type Category, type Status } from './ticket.ts';
import type { RejectReason } from './loop.ts';

// ---- status -------------------------------------------------------------------------

export type GeoStatus = 'open' | 'closed';
/** GeoReport knows only open and closed: a closed case (结案) and a rejected report (不予立案)
 * are closed, every other state of the loop is still open. */
export const CLOSED_STATUSES: readonly Status[] = ['closed', 'rejected'];
export const geoStatus = (s: Status): GeoStatus => (CLOSED_STATUSES.includes(s) ? 'closed' : 'open');
/** The loop's states behind a set of GeoReport statuses. */
export const statusesOf = (wanted: readonly GeoStatus[]): Status[] => STATUSES.map((s) => s.code).filter((s) => wanted.includes(geoStatus(s)));

const STATUS_NAMES = new Map<string, string>(STATUSES.map((s) => [s.code, s.name]));
const REJECT_NAMES: Record<RejectReason, string> = { invalid: '无效信息', duplicate: '重复上报', out_of_scope: '不属于受理范围' };

/** status_notes: the loop's state in words, why a report was rejected, and whether it is overdue. */
export function statusNotes(r: { status: Status; rejectReason: RejectReason | null; duplicateOf: string | null }, light: string | null): string {
  let s = STATUS_NAMES.get(r.status) ?? r.status;
  if (r.status === 'rejected' && r.rejectReason) s += `：${REJECT_NAMES[r.rejectReason] ?? r.rejectReason}${r.duplicateOf ? `（同 ${r.duplicateOf}）` : ''}`;
  if (light === 'red') s += '，已超期';
  return s;
}

// ---- services → the ticket's category ----------------------------------------------

/** Where a catalogue category holds several of the ticket's categories (CATEGORIES in
 * ticket.ts), the sub-classes (`{category}-{subclass}`) that belong to one other than the
 * first in the ticket's order: 户外广告与招牌 are advertising (not city appearance), 治安隐患
 * and 特殊人群 security (not disputes), 消防安全 fire safety (not work safety). */
const SUBCLASS_CATEGORY: Record<string, Category> = { 'SR-02': 'advertising', 'PA-02': 'security', 'PA-03': 'security', 'AQ-01': 'fire_safety' };

/** Each item's ticket category. `spineCategories` maps every ticket category onto a
 * catch-all item; read backwards, an item that is such a target takes that category, and any
 * other item one of the categories whose targets share its catalogue category (the first in
 * the ticket's order, or the one its sub-class names above). Throws at start when a
 * catalogue category has no ticket category at all, rather than misfiling reports later. */
export function itemCategories(c: Pick<Catalogue, 'items' | 'byCode' | 'spineCategories'>): Map<string, Category> {
  const byTarget = new Map<string, Category>();
  const byCatalogueCategory = new Map<string, Category[]>();
  for (const spine of CATEGORY_CODES) {
    const target = c.byCode.get(c.spineCategories[spine]);
    if (!target) continue;
    byTarget.set(target.code, spine);
    byCatalogueCategory.set(target.category, [...(byCatalogueCategory.get(target.category) ?? []), spine]);
  }
  const out = new Map<string, Category>();
  for (const it of c.items) {
    const direct = byTarget.get(it.code);
    const candidates = byCatalogueCategory.get(it.category) ?? [];
    if (direct) out.set(it.code, direct);
    else if (!candidates.length) throw new Error(`open311: catalogue category ${it.category} (item ${it.code}) maps to no ticket category`);
    else {
      const named = SUBCLASS_CATEGORY[it.code.slice(0, 5)];
      out.set(it.code, named && candidates.includes(named) ? named : candidates[0]);
    }
  }
  return out;
}

// ---- the reporter's choice, kept with the report ------------------------------------

/** What a GeoReport client chose that the report itself has no field for: the service (the
 * item the dispatcher verifies, 核实立案), the information level and a photo's URL. Kept as the
 * first line of the stored description, in words the dispatcher reads:
 *   【Open311 SR-01-001 暴露垃圾｜等级 较大｜图片 https://…】
 * and read back (and taken off the description) when the ticket is served as a request. */
export interface ClientChoice {
  code: string;
  level?: Level;
  mediaUrl?: string;
}

const LEVEL_NAME = new Map<string, string>(LEVELS.map((l) => [l.code, l.name]));
const LEVEL_CODE = new Map<string, Level>(LEVELS.map((l) => [l.name, l.code]));
const CHOICE = /^【Open311 ([A-Z]{2}-\d{2}-\d{3})[^｜】\n]*(?:｜等级 (一般|较大|重大))?(?:｜图片 (https?:\/\/[!-~]+))?】(?:\r?\n|$)/;
/** The longest first line a choice takes (a 40-character name, a 300-character URL). */
export const CHOICE_MAX = 400;

export function withChoice(item: CatalogueItem, choice: Omit<ClientChoice, 'code'>, description: string): string {
  const name = item.name.replace(/[｜】\r\n]/g, ' ');
  const line = `【Open311 ${item.code} ${name}${choice.level ? `｜等级 ${LEVEL_NAME.get(choice.level)}` : ''}${choice.mediaUrl ? `｜图片 ${choice.mediaUrl}` : ''}】`;
  return description ? `${line}\n${description}` : line;
}

/** The choice a stored description starts with, and the description as the client sent it. */
export function readChoice(stored: string): { choice: ClientChoice | null; description: string } {
  const m = CHOICE.exec(stored);
  if (!m) return { choice: null, description: stored };
  const choice: ClientChoice = { code: m[1] };
  if (m[2]) choice.level = LEVEL_CODE.get(m[2]);
  if (m[3]) choice.mediaUrl = m[3];
  return { choice, description: stored.slice(m[0].length) };
}

/** The service a ticket is filed under: the item it was registered as (核实立案 or 自处置);
 * before that, the one its reporter chose; else the catch-all item of its category. */
export function serviceCodeOf(r: { item: string | null; category: string }, choice: ClientChoice | null, c: Pick<Catalogue, 'spineCategories'>): string | null {
  return r.item ?? choice?.code ?? (Object.hasOwn(c.spineCategories, r.category) ? c.spineCategories[r.category] : null);
}

// ---- address_string → a place of the net --------------------------------------------

export type AddressMatch = { area: Area } | { problem: string };

/** Finds the place an address names, without a geocoder: the most specific district, street
 * or community whose name appears in it ("江苏省常州市天宁区茶山街道清凉路 12 号" → 茶山街道).
 * A name that only appears inside a longer matching name of the same level does not count
 * (五星社区 in 新五星社区); of several places at the deepest level, the one whose named
 * ancestors are most in the address wins; a tie is a problem naming them. */
export function addressMatcher(net: Net): (address: string) => AddressMatch {
  const DEPTH: Record<string, number> = { district: 1, street: 2, community: 3 };
  const areas = [...net.areas.values()].filter((a) => DEPTH[a.level] !== undefined);
  const pathName = (a: Area) => {
    const names: string[] = [];
    for (let p = a.parent; p && p !== net.city.code; p = net.areas.get(p)?.parent ?? null) names.unshift(net.areas.get(p)?.name ?? p);
    return names.concat(a.name).join('');
  };
  return (address) => {
    let found = areas.filter((a) => address.includes(a.name));
    found = found.filter((a) => !found.some((b) => b !== a && b.level === a.level && b.name.length > a.name.length && b.name.includes(a.name)));
    if (!found.length) return { problem: 'address_string: names no district, street or community of the city; send lat and long' };
    const deepest = Math.max(...found.map((a) => DEPTH[a.level]));
    const codes = found.map((a) => a.code);
    const named = (a: Area) => codes.filter((c) => c !== a.code && a.code.startsWith(c)).length;
    const atDeepest = found.filter((a) => DEPTH[a.level] === deepest);
    const best = Math.max(...atDeepest.map(named));
    const winners = atDeepest.filter((a) => named(a) === best);
    if (winners.length > 1) {
      return { problem: `address_string: names ${winners.length} places (${winners.slice(0, 3).map(pathName).join('、')}${winners.length > 3 ? '…' : ''}); add the street or district, or send lat and long` };
    }
    return { area: winners[0] };
  };
}

// ---- the default window of GET requests ---------------------------------------------

export const WINDOW_MS = 90 * 24 * 3_600_000;

/** [from, to) in epoch ms for start_date/end_date (inclusive, ISO 8601): both, one (90 days
 * on from start, or up to end), or neither (the last 90 days). A range longer than 90 days,
 * or one that ends before it starts, is a problem naming the field. */
export function requestWindow(now: number, start?: string, end?: string): { from: number; to: number } | { problem: string } {
  const s = start === undefined ? undefined : Date.parse(start);
  const e = end === undefined ? undefined : Date.parse(end);
  if (s !== undefined && e !== undefined) {
    if (s > e) return { problem: 'start_date: must not be after end_date' };
    if (e - s > WINDOW_MS) return { problem: 'end_date: a range spans at most 90 days after start_date' };
    return { from: s, to: e + 1 };
  }
  if (s !== undefined) return { from: s, to: s + WINDOW_MS + 1 };
  if (e !== undefined) return { from: e - WINDOW_MS, to: e + 1 };
  return { from: now - WINDOW_MS, to: now + 1 };
}
