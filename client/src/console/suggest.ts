// The item the catalogue suggests for a report: the item its category maps onto
// (data/catalogue.json `spineCategories`, what the server's itemForSpineCategory reads).
// Only that small table is bundled: the JSON's other exports are tree-shaken away.
import { spineCategories } from '../../../data/catalogue.json';

const byCategory: Record<string, string | undefined> = spineCategories;

/** The ticket's own item once registered, else the catalogue's suggestion for its category. */
export const suggestedItem = (t: { item: string | null; category: string }): string | null => t.item ?? byCategory[t.category] ?? null;
