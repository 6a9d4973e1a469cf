// The item catalogue (事项清单): every governance item a ticket can be registered as, with
// its legal basis, responsible department, reporting and closing conditions, information
// levels and the working-hour limits of each step of the loop. Data, from
// data/catalogue.json (a reviewed sample, see data/SOURCES.md), validated here on load so a
// broken catalogue stops the server at start instead of misrouting tickets later.
// Pure apart from reading the file: no framework.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import type { Departments } from './departments.ts';
import { CATEGORY_CODES } from './ticket.ts';

/** Information levels (信息等级划分). */
export const LEVELS = [
  { code: 'general', name: '一般' },
  { code: 'major', name: '较大' },
  { code: 'serious', name: '重大' },
] as const;

/** The timed steps of the loop, from registration on (信息处理时效). */
export const STEPS = [
  { code: 'verify', name: '核实立案' },
  { code: 'dispatch', name: '分流交办' },
  { code: 'accept', name: '签收' },
  { code: 'handle', name: '处置反馈' },
  { code: 'check', name: '核查结案' },
] as const;

export type Level = (typeof LEVELS)[number]['code'];
export type Step = (typeof STEPS)[number]['code'];
export const LEVEL_CODES = LEVELS.map((l) => l.code) as Level[];
export const STEP_CODES = STEPS.map((s) => s.code) as Step[];

/** Working hours allowed for each step. */
export type StepLimits = Record<Step, number>;

/** A catalogue has exactly this many categories (as C市's 1,107 items in 9 categories). */
export const CATEGORY_COUNT = 9;
/** The fewest items a catalogue may hold (Nanhai's standard had 137). */
export const MIN_ITEMS = 140;

export interface CatalogueCategory {
  /** Two capital letters, e.g. `SR`. */
  code: string;
  name: string;
  /** What belongs here, in a sentence (zh-CN). */
  scope: string;
  /** Two-digit sub-classes; `99` holds the catch-all (兜底) items. */
  subclasses: { code: string; name: string }[];
}

export interface CatalogueItem {
  /** `{category}-{subclass}-{sequence}`, e.g. `SR-01-003`; never reused. */
  code: string;
  name: string;
  category: string;
  /** 责任部门: a code of data/departments.json. */
  department: string;
  /** One of the four platforms (四个平台), normally the department's. */
  platform: string;
  /** 文件依据 */
  basis: string;
  /** 上报条件 */
  reportCondition: string;
  /** 技术要求 */
  techRequirement: string;
  /** 检查内容 */
  inspect: string;
  /** 操作流程 */
  procedure: string;
  /** 结案条件 */
  closeCondition: string;
  /** 需查验证件 */
  documents: string[];
  /** When a report is 一般 / 较大 / 重大. */
  levelRule: string;
  defaultLevel: Level;
  /** A grid worker may fix it on the spot and close it (自处置). */
  selfHandle: boolean;
  limits: Record<Level, StepLimits>;
  /** Photos needed to close: before and after handling. */
  evidence: { before: boolean; after: boolean };
}

/** The file as stored. */
export interface CatalogueFile {
  sample: true;
  source: string;
  categories: CatalogueCategory[];
  /** Each ticket category of the spine (server/domain/ticket.ts) → the item its old tickets read as. */
  spineCategories: Record<string, string>;
  items: CatalogueItem[];
}

export interface Catalogue extends CatalogueFile {
  byCode: Map<string, CatalogueItem>;
  /** The item a legacy ticket of this spine category maps onto. */
  itemForSpineCategory(code: string): CatalogueItem | undefined;
}

const FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'catalogue.json');

const text = { type: 'string', minLength: 2, maxLength: 1000 } as const;
const stepLimits = {
  type: 'object',
  additionalProperties: false,
  required: STEP_CODES,
  properties: Object.fromEntries(STEP_CODES.map((s) => [s, { type: 'number', exclusiveMinimum: 0, maximum: 2000 }])),
} as const;

/** The shape; cross-references (departments, uniqueness, limits' order) are checked after it. */
export const CATALOGUE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['sample', 'source', 'categories', 'spineCategories', 'items'],
  properties: {
    sample: { const: true },
    source: text,
    categories: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name', 'scope', 'subclasses'],
        properties: {
          code: { type: 'string', pattern: '^[A-Z]{2}$' },
          name: text,
          scope: text,
          subclasses: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['code', 'name'],
              properties: { code: { type: 'string', pattern: '^[0-9]{2}$' }, name: text },
            },
          },
        },
      },
    },
    spineCategories: { type: 'object', additionalProperties: { type: 'string' } },
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name', 'category', 'department', 'platform', 'basis', 'reportCondition', 'techRequirement',
          'inspect', 'procedure', 'closeCondition', 'documents', 'levelRule', 'defaultLevel', 'selfHandle', 'limits', 'evidence'],
        properties: {
          code: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{2}-[0-9]{3}$' },
          name: { type: 'string', minLength: 2, maxLength: 40 },
          category: { type: 'string' },
          department: { type: 'string' },
          platform: { type: 'string' },
          basis: text,
          reportCondition: text,
          techRequirement: text,
          inspect: text,
          procedure: text,
          closeCondition: text,
          documents: { type: 'array', items: { type: 'string', minLength: 2 }, uniqueItems: true },
          levelRule: text,
          defaultLevel: { enum: LEVEL_CODES },
          selfHandle: { type: 'boolean' },
          limits: {
            type: 'object',
            additionalProperties: false,
            required: LEVEL_CODES,
            properties: Object.fromEntries(LEVEL_CODES.map((l) => [l, stepLimits])),
          },
          evidence: {
            type: 'object',
            additionalProperties: false,
            required: ['before', 'after'],
            properties: { before: { type: 'boolean' }, after: { type: 'boolean' } },
          },
        },
      },
    },
  },
} as const;

const validateShape = new Ajv({ allErrors: true, strict: false }).compile(CATALOGUE_SCHEMA);

/** Where an Ajv error is, named by the item's code when it is inside an item. */
function describe(raw: unknown, e: ErrorObject): string {
  let parts = e.instancePath.split('/').slice(1);
  // A missing or unknown field is named as the field itself.
  const field = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty
    : e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : null;
  if (field !== null) parts = [...parts, field];
  const what = e.keyword === 'required' ? 'is missing' : e.keyword === 'additionalProperties' ? 'is not a known field' : e.message;
  let where = parts.join('.') || '(root)';
  if (parts[0] === 'items' && parts.length > 1) {
    const item = (raw as { items: unknown[] }).items[Number(parts[1])] as { code?: unknown } | undefined;
    const name = typeof item?.code === 'string' ? `item ${item.code}` : `items[${parts[1]}]`;
    where = `${name}: ${parts.slice(2).join('.') || '(the item)'}`;
  }
  return `${where} ${what}`;
}

/** Checks a parsed catalogue; throws an Error naming every broken item code and field. */
export function validateCatalogue(raw: unknown, departments: Departments): CatalogueFile {
  if (!validateShape(raw)) {
    const lines = (validateShape.errors ?? []).slice(0, 20).map((e) => describe(raw, e));
    throw new Error(`catalogue: ${lines.join('; ')}`);
  }
  const c = raw as unknown as CatalogueFile;
  const problems: string[] = [];
  const platforms = new Set(departments.platforms.map((p) => p.code));

  if (c.categories.length !== CATEGORY_COUNT) problems.push(`categories: ${c.categories.length}, must be exactly ${CATEGORY_COUNT}`);
  const subclasses = new Map<string, Set<string>>();
  for (const cat of c.categories) {
    if (subclasses.has(cat.code)) problems.push(`category ${cat.code}: code repeated`);
    const subs = new Set<string>();
    for (const s of cat.subclasses) {
      if (subs.has(s.code)) problems.push(`category ${cat.code}: subclass ${s.code} repeated`);
      subs.add(s.code);
    }
    subclasses.set(cat.code, subs);
  }

  if (c.items.length < MIN_ITEMS) problems.push(`items: ${c.items.length}, must be at least ${MIN_ITEMS}`);
  const codes = new Set<string>();
  for (const it of c.items) {
    const at = `item ${it.code}`;
    if (codes.has(it.code)) problems.push(`${at}: code repeated`);
    codes.add(it.code);
    const subs = subclasses.get(it.category);
    if (!subs) problems.push(`${at}: category ${it.category} is not one of the ${CATEGORY_COUNT} categories`);
    const [catPart, subPart] = it.code.split('-');
    if (catPart !== it.category) problems.push(`${at}: code does not start with its category ${it.category}`);
    else if (subs && !subs.has(subPart)) problems.push(`${at}: code names subclass ${subPart}, which ${it.category} does not have`);
    const dept = departments.byCode.get(it.department);
    if (!dept) problems.push(`${at}: department ${it.department} is not in data/departments.json`);
    if (!platforms.has(it.platform)) problems.push(`${at}: platform ${it.platform} is not one of the four platforms`);
    // A more serious report gets no more time than a lesser one, step by step.
    for (const step of STEP_CODES) {
      const { general, major, serious } = it.limits;
      if (major[step] > general[step]) problems.push(`${at}: limits.major.${step} (${major[step]}) exceeds limits.general.${step} (${general[step]})`);
      if (serious[step] > major[step]) problems.push(`${at}: limits.serious.${step} (${serious[step]}) exceeds limits.major.${step} (${major[step]})`);
    }
  }

  for (const spine of CATEGORY_CODES) {
    const target = c.spineCategories[spine];
    if (target === undefined) problems.push(`spineCategories.${spine}: not mapped`);
    else if (!codes.has(target)) problems.push(`spineCategories.${spine}: no item ${target}`);
  }
  for (const key of Object.keys(c.spineCategories)) {
    if (!(CATEGORY_CODES as string[]).includes(key)) problems.push(`spineCategories.${key}: not a ticket category`);
  }

  if (problems.length) throw new Error(`catalogue: ${problems.slice(0, 20).join('; ')}${problems.length > 20 ? ` (+${problems.length - 20} more)` : ''}`);
  return c;
}

/** Reads and validates data/catalogue.json (or `file`) against the given departments. */
export function loadCatalogue(departments: Departments, file = FILE): Catalogue {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`catalogue: cannot read ${file}: ${(e as Error).message}`);
  }
  const c = validateCatalogue(raw, departments);
  const byCode = new Map(c.items.map((it) => [it.code, it]));
  return {
    ...c,
    byCode,
    itemForSpineCategory: (code) => {
      const target = Object.hasOwn(c.spineCategories, code) ? c.spineCategories[code] : undefined;
      return target === undefined ? undefined : byCode.get(target);
    },
  };
}
