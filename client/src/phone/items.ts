// Which catalogue items the worker chooses from after a category: the items a report of that
// category may be registered as (server/sim/reports.ts ITEM_PREFIXES, which tests/sim.test.ts
// keeps in step with the catalogue), specific ones first and the category's catch-all
// (其他…, sub-class 99) last.
import { CATEGORIES } from '../../../server/domain/ticket.ts';
import { ITEM_PREFIXES } from '../../../server/sim/reports.ts';
import type { CatalogueItem } from '../console/types.ts';

export { CATEGORIES };
export type CategoryCode = (typeof CATEGORIES)[number]['code'];

export function itemsOf(category: CategoryCode, items: readonly CatalogueItem[], onlySelfHandle = false): CatalogueItem[] {
  const prefixes = ITEM_PREFIXES[category] ?? [];
  const fits = items.filter((i) => prefixes.some((p) => i.code.startsWith(p)) && (!onlySelfHandle || i.selfHandle));
  const catchAll = (i: CatalogueItem) => (i.code.slice(3, 5) === '99' ? 1 : 0);
  return fits.sort((a, b) => catchAll(a) - catchAll(b));
}

/** The ticket category an item is reported under (the first whose items hold it). */
export function categoryOf(item: string): CategoryCode | null {
  for (const c of CATEGORIES) if (ITEM_PREFIXES[c.code].some((p) => item.startsWith(p))) return c.code;
  return null;
}

/** The report's first line names the item the worker chose, for the dispatcher who verifies
 * it: a report has no item field of its own (the item is set by 核实立案). */
export const withItem = (item: CatalogueItem, description: string): string => {
  const line = `【${item.name}｜${item.code}】`;
  return description ? `${line}${description}` : line;
};
