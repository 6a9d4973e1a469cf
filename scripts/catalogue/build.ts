// Expands the written-down items (items/*.ts) into the catalogue file: codes from each
// item's place in its subclass, the three levels' time limits from its pace and handling
// hours, the spine's ticket categories onto their catch-all items. Deterministic: the same
// sources always give the same bytes (tests/catalogue.test.ts compares them).
import type { CatalogueFile, CatalogueItem, Level, StepLimits } from '../../server/domain/catalogue.ts';
import type { Category } from '../../server/domain/ticket.ts';
import { CATEGORIES } from './categories.ts';
import type { ItemDef, Pace } from './types.ts';
import type { Departments } from '../../server/domain/departments.ts';
import { SR } from './items/city-appearance.ts';
import { JM } from './items/street-order.ts';
import { SG } from './items/construction.ts';
import { YJ } from './items/emergency.ts';
import { PA } from './items/peace.ts';
import { AQ } from './items/safety.ts';
import { SP } from './items/food-drug-market.ts';
import { ST } from './items/environment.ts';
import { MS } from './items/livelihood.ts';

export const SOURCE = 'Synthetic sample catalogue (样例事项清单) written for this product and reviewed by the team; '
  + 'NOT an official list. Modelled on the field reports: C市 (Changzhou) sank 1,107 items in 9 categories from nearly '
  + '40 departments into its grids; Nanhai\'s standard has 137 items from 25 departments, each with 文件依据, 责任部门, '
  + '上报条件, 技术要求, 检查内容, 工作时限, 操作流程, 结案条件 and 需查验证件. Legal bases cite laws, regulations and '
  + 'national standards in force; departments are those of data/departments.json; time limits are our own, in working hours.';

const BY_CATEGORY: Record<string, ItemDef[]> = { SR, JM, SG, YJ, PA, AQ, SP, ST, MS };

/** The spine's ticket categories read as the catch-all (兜底) item of their category. */
const SPINE: Record<Category, [string, string]> = {
  city_appearance: ['SR', '其他市容环境问题'],
  advertising: ['SR', '其他户外广告与宣传品问题'],
  construction: ['SG', '其他施工管理问题'],
  street_order: ['JM', '其他街面秩序问题'],
  emergency: ['YJ', '其他突发事件'],
  dispute: ['PA', '其他矛盾纠纷'],
  security: ['PA', '其他治安隐患'],
  work_safety: ['AQ', '其他安全生产隐患'],
  fire_safety: ['AQ', '其他消防安全隐患'],
  food_drug: ['SP', '其他食品药品安全问题'],
  environment: ['ST', '其他生态环境问题'],
  livelihood: ['MS', '其他民生诉求'],
};

type Around = Omit<StepLimits, 'handle'>;

/** The steps around handling, per pace and level (working hours). */
const PACES: Record<Pace, Record<Level, Around>> = {
  routine: {
    general: { verify: 2, dispatch: 1, accept: 2, check: 8 },
    major: { verify: 1, dispatch: 1, accept: 1, check: 4 },
    serious: { verify: 0.5, dispatch: 0.5, accept: 0.5, check: 2 },
  },
  prompt: {
    general: { verify: 1, dispatch: 0.5, accept: 1, check: 4 },
    major: { verify: 0.5, dispatch: 0.5, accept: 0.5, check: 2 },
    serious: { verify: 0.5, dispatch: 0.25, accept: 0.25, check: 1 },
  },
  urgent: {
    general: { verify: 0.5, dispatch: 0.5, accept: 0.5, check: 2 },
    major: { verify: 0.25, dispatch: 0.25, accept: 0.25, check: 1 },
    serious: { verify: 0.25, dispatch: 0.25, accept: 0.25, check: 1 },
  },
};

/** Handling time shrinks with the level: 较大 half, 重大 a quarter (quarter hours, at least 0.25). */
const HANDLE_SHARE: Record<Level, number> = { general: 1, major: 0.5, serious: 0.25 };
const quarter = (h: number) => Math.max(0.25, Math.round(h * 4) / 4);

function limitsOf(d: ItemDef): CatalogueItem['limits'] {
  const at = (level: Level): StepLimits => {
    const p = PACES[d.pace][level];
    return { verify: p.verify, dispatch: p.dispatch, accept: p.accept, handle: quarter(d.handle * HANDLE_SHARE[level]), check: p.check };
  };
  return { general: at('general'), major: at('major'), serious: at('serious') };
}

export function buildCatalogue(departments: Departments): CatalogueFile {
  const items: CatalogueItem[] = [];
  for (const cat of CATEGORIES) {
    const defs = BY_CATEGORY[cat.code] ?? [];
    const seq = new Map<string, number>();
    for (const d of defs) {
      const n = (seq.get(d.sub) ?? 0) + 1;
      seq.set(d.sub, n);
      const dept = departments.byCode.get(d.dept);
      items.push({
        code: `${cat.code}-${d.sub}-${String(n).padStart(3, '0')}`,
        name: d.name,
        category: cat.code,
        department: d.dept,
        // An unknown department is left for the validator to name; its platform then too.
        platform: d.platform ?? dept?.platform ?? '',
        basis: d.basis,
        reportCondition: d.report,
        techRequirement: d.tech,
        inspect: d.inspect,
        procedure: d.procedure,
        closeCondition: d.close,
        documents: d.docs ?? [],
        levelRule: d.level,
        defaultLevel: d.def ?? 'general',
        selfHandle: d.self ?? false,
        limits: limitsOf(d),
        evidence: d.evidence ?? { before: true, after: true },
      });
    }
  }
  const spineCategories: Record<string, string> = {};
  for (const [spine, [cat, name]] of Object.entries(SPINE)) {
    const hit = items.find((it) => it.category === cat && it.name === name);
    if (!hit) throw new Error(`spine category ${spine}: no item ${cat} ${name}`);
    spineCategories[spine] = hit.code;
  }
  return { sample: true, source: SOURCE, categories: CATEGORIES, spineCategories, items };
}

/** The file's text: two-space JSON and a final newline. */
export const catalogueText = (c: CatalogueFile) => JSON.stringify(c, null, 2) + '\n';
