// The console's Chinese words for the loop (client/src/console/labels.ts) are the server's:
// every action of the loop has its name there, spelled as server/domain/loop.ts RULES has it,
// every role as server/auth/roles.ts, every reject reason has a name; and the item the
// console suggests for a report is the one the server maps its category onto.
import { describe, expect, it } from 'vitest';
import { RULES, REJECT_REASONS } from '../server/domain/loop.ts';
import { ROLES } from '../server/auth/roles.ts';
import { CATEGORY_CODES } from '../server/domain/ticket.ts';
import { loadCatalogue } from '../server/domain/catalogue.ts';
import { loadDepartments } from '../server/domain/departments.ts';
import { ACTION_NAME, ACTION_ORDER, BULK_ACTIONS, REJECT_REASONS as CONSOLE_REASONS, ROLE_NAME } from '../client/src/console/labels.ts';
import { suggestedItem } from '../client/src/console/suggest.ts';

describe('the console vocabulary', () => {
  it('names every action as the loop does, and orders every one', () => {
    for (const [code, rule] of Object.entries(RULES)) {
      expect(ACTION_NAME[code], code).toBe(rule.name);
      expect(ACTION_ORDER, code).toContain(code);
    }
    for (const a of BULK_ACTIONS) expect(Object.keys(RULES)).toContain(a);
  });

  it('names every role and reject reason', () => {
    for (const r of ROLES) expect(ROLE_NAME[r.code], r.code).toBe(r.name);
    expect(CONSOLE_REASONS.map((r) => r.code).sort()).toEqual([...REJECT_REASONS].sort());
  });

  it("suggests the item the server maps a report's category onto", () => {
    const catalogue = loadCatalogue(loadDepartments());
    for (const category of CATEGORY_CODES) {
      expect(suggestedItem({ item: null, category }), category).toBe(catalogue.itemForSpineCategory(category)?.code);
    }
    expect(suggestedItem({ item: 'SR-01-001', category: 'dispute' })).toBe('SR-01-001');
  });
});
