// The item catalogue (事项清单): the committed sample loads and validates, its generator
// reproduces it byte for byte, broken copies are refused naming the item and the field,
// and GET /api/catalogue serves it to every signed-in role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATEGORY_COUNT, LEVEL_CODES, loadCatalogue, MIN_ITEMS, STEP_CODES, type CatalogueFile } from '../server/domain/catalogue.ts';
import { loadDepartments } from '../server/domain/departments.ts';
import { CATEGORY_CODES } from '../server/domain/ticket.ts';
import { buildCatalogue, catalogueText } from '../scripts/catalogue/build.ts';
import { testApp, type TestApp } from './helpers.ts';

const FILE = join(import.meta.dirname, '..', 'data', 'catalogue.json');
const departments = loadDepartments();
const catalogue = loadCatalogue(departments);

describe('the sample catalogue', () => {
  it('is labelled a sample and says where it comes from', () => {
    expect(catalogue.sample).toBe(true);
    expect(catalogue.source).toMatch(/1,107/);
    expect(catalogue.source).toMatch(/137/);
    expect(catalogue.source).toMatch(/not an official list/i);
  });

  it(`has at least ${MIN_ITEMS} items in exactly ${CATEGORY_COUNT} categories, each item in one of them`, () => {
    expect(catalogue.items.length).toBeGreaterThanOrEqual(MIN_ITEMS);
    expect(catalogue.categories).toHaveLength(CATEGORY_COUNT);
    const cats = new Set(catalogue.categories.map((c) => c.code));
    expect(cats.size).toBe(CATEGORY_COUNT);
    for (const it of catalogue.items) {
      expect(cats.has(it.category), it.code).toBe(true);
      expect(it.code.startsWith(`${it.category}-`), it.code).toBe(true);
    }
    for (const c of catalogue.categories) expect(catalogue.items.some((it) => it.category === c.code), c.code).toBe(true);
    expect(catalogue.byCode.size).toBe(catalogue.items.length);
  });

  it('names only departments and platforms that exist, and most of the departments', () => {
    const platforms = new Set(departments.platforms.map((p) => p.code));
    for (const it of catalogue.items) {
      expect(departments.byCode.has(it.department), `${it.code} ${it.department}`).toBe(true);
      expect(platforms.has(it.platform), `${it.code} ${it.platform}`).toBe(true);
    }
    const used = new Set(catalogue.items.map((it) => it.department));
    expect(used.size).toBeGreaterThanOrEqual(Math.ceil(departments.list.length * 0.8));
  });

  it('maps every ticket category of the spine onto an item of its catalogue', () => {
    for (const code of CATEGORY_CODES) {
      const item = catalogue.itemForSpineCategory(code);
      expect(item, code).toBeDefined();
      expect(catalogue.byCode.get(item!.code)).toBe(item);
    }
    expect(catalogue.itemForSpineCategory('no_such_category')).toBeUndefined();
    expect(catalogue.itemForSpineCategory('constructor')).toBeUndefined();
  });

  it('gives every step of every level a positive limit, never longer for a more serious level', () => {
    for (const it of catalogue.items) {
      for (const level of LEVEL_CODES) for (const step of STEP_CODES) expect(it.limits[level][step], `${it.code} ${level}.${step}`).toBeGreaterThan(0);
      for (const step of STEP_CODES) {
        expect(it.limits.serious[step], `${it.code} ${step}`).toBeLessThanOrEqual(it.limits.major[step]);
        expect(it.limits.major[step], `${it.code} ${step}`).toBeLessThanOrEqual(it.limits.general[step]);
      }
      expect(it.limits.serious.handle, it.code).toBeLessThan(it.limits.general.handle);
    }
  });

  it('is varied: no two items of a category share a name or a text', () => {
    for (const c of catalogue.categories) {
      const items = catalogue.items.filter((it) => it.category === c.code);
      for (const field of ['name', 'reportCondition', 'techRequirement', 'inspect', 'procedure', 'closeCondition', 'levelRule'] as const) {
        expect(new Set(items.map((it) => it[field])).size, `${c.code} ${field}`).toBe(items.length);
      }
    }
    // Small things a grid worker fixes on the spot exist, and are the exception.
    const self = catalogue.items.filter((it) => it.selfHandle).length;
    expect(self).toBeGreaterThan(0);
    expect(self).toBeLessThan(catalogue.items.length / 4);
  });

  it('is exactly what its generator writes (deterministic)', () => {
    expect(catalogueText(buildCatalogue(departments))).toBe(readFileSync(FILE, 'utf8'));
  });

  it('is what data/SOURCES.md says it is: items per category, departments used', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', 'data', 'SOURCES.md'), 'utf8').replace(/\s+/g, ' ');
    const m = /(?<items>\d+) items in (?<cats>\d+) categories: (?<list>.*?); (?<used>\d+) of the (?<all>\d+) departments/.exec(doc);
    expect(m?.groups, 'SOURCES.md no longer states the catalogue figures').toBeDefined();
    const g = m!.groups!;
    expect([Number(g.items), Number(g.cats)]).toEqual([catalogue.items.length, catalogue.categories.length]);
    const stated = Object.fromEntries([...g.list.matchAll(/\b([A-Z]{2}) [^\d,]*?(\d+)/g)].map((x) => [x[1], Number(x[2])]));
    const actual = Object.fromEntries(catalogue.categories.map((c) => [c.code, catalogue.items.filter((it) => it.category === c.code).length]));
    expect(stated).toEqual(actual);
    expect([Number(g.used), Number(g.all)]).toEqual([new Set(catalogue.items.map((it) => it.department)).size, departments.list.length]);
  });
});

describe('the validator refuses a broken catalogue, naming the item and the field', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'catalogue-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const original = () => JSON.parse(readFileSync(FILE, 'utf8')) as CatalogueFile;
  let n = 0;
  const loadBroken = (c: unknown) => {
    const file = join(dir, `broken-${++n}.json`);
    writeFileSync(file, JSON.stringify(c));
    return () => loadCatalogue(departments, file);
  };

  it('the original copy, written out, loads', () => {
    expect(loadBroken(original())().items.length).toBe(catalogue.items.length);
  });

  it('an unknown department', () => {
    const c = original();
    c.items[3].department = 'no-such-dept';
    expect(loadBroken(c)).toThrow(new RegExp(`item ${c.items[3].code}: department no-such-dept`));
  });

  it('an unknown platform', () => {
    const c = original();
    c.items[5].platform = 'xx';
    expect(loadBroken(c)).toThrow(new RegExp(`item ${c.items[5].code}: platform xx`));
  });

  it('a duplicate code', () => {
    const c = original();
    c.items[10].code = c.items[9].code;
    expect(loadBroken(c)).toThrow(new RegExp(`item ${c.items[9].code}: code repeated`));
  });

  it('a missing field', () => {
    const c = original();
    delete (c.items[7] as Partial<CatalogueFile['items'][number]>).closeCondition;
    expect(loadBroken(c)).toThrow(new RegExp(`item ${c.items[7].code}: closeCondition is missing`));
  });

  it('a non-positive limit', () => {
    const c = original();
    c.items[12].limits.general.verify = 0;
    expect(loadBroken(c)).toThrow(new RegExp(`item ${c.items[12].code}: limits\\.general\\.verify`));
    const d = original();
    d.items[13].limits.serious.handle = -4;
    expect(loadBroken(d)).toThrow(new RegExp(`item ${d.items[13].code}: limits\\.serious\\.handle`));
  });

  it('a more serious level with a longer limit', () => {
    const c = original();
    c.items[2].limits.serious.handle = c.items[2].limits.general.handle + 1;
    expect(loadBroken(c)).toThrow(new RegExp(`item ${c.items[2].code}: limits\\.serious\\.handle`));
  });

  it('a category too many, or an item outside the categories', () => {
    const c = original();
    c.categories.push({ code: 'ZZ', name: '多余类别', scope: '不应存在', subclasses: [{ code: '01', name: '其他' }] });
    expect(loadBroken(c)).toThrow(/categories: 10, must be exactly 9/);
    const d = original();
    d.items[0].category = 'QQ';
    expect(loadBroken(d)).toThrow(new RegExp(`item ${d.items[0].code}: category QQ`));
  });

  it('a spine category left out or mapped to no item', () => {
    const c = original();
    delete c.spineCategories.fire_safety;
    expect(loadBroken(c)).toThrow(/spineCategories\.fire_safety: not mapped/);
    const d = original();
    d.spineCategories.dispute = 'PA-98-001';
    expect(loadBroken(d)).toThrow(/spineCategories\.dispute: no item PA-98-001/);
  });

  it('too few items', () => {
    const c = original();
    c.items = c.items.slice(0, MIN_ITEMS - 1);
    expect(loadBroken(c)).toThrow(new RegExp(`items: ${MIN_ITEMS - 1}, must be at least ${MIN_ITEMS}`));
  });

  it('a file that is not JSON, or not labelled a sample', () => {
    const file = join(dir, 'not-json.json');
    writeFileSync(file, '{ "sample": tru');
    expect(() => loadCatalogue(departments, file)).toThrow(/catalogue: cannot read/);
    const c = original() as unknown as Record<string, unknown>;
    c.sample = false;
    expect(loadBroken(c)).toThrow(/sample/);
  });
});

describe('GET /api/catalogue', () => {
  let t: TestApp;
  beforeAll(async () => { t = await testApp(); });
  afterAll(() => t?.close());

  it('answers the catalogue with levels and steps to a signed-in leader', async () => {
    const { headers } = await t.as('leader');
    const r = await t.app.inject({ url: '/api/catalogue', headers });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.sample).toBe(true);
    expect(body.source).toBe(catalogue.source);
    expect(body.categories).toHaveLength(CATEGORY_COUNT);
    expect(body.items).toHaveLength(catalogue.items.length);
    expect(body.items[0]).toEqual(catalogue.items[0]);
    expect(body.levels).toEqual([{ code: 'general', name: '一般' }, { code: 'major', name: '较大' }, { code: 'serious', name: '重大' }]);
    expect(body.steps.map((s: { name: string }) => s.name)).toEqual(['核实立案', '分流交办', '签收', '处置反馈', '核查结案']);
    // Unchanging: revalidated by ETag.
    const again = await t.app.inject({ url: '/api/catalogue', headers: { ...headers, 'if-none-match': String(r.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('answers a grid worker and a wall display too', async () => {
    for (const role of ['worker', 'display'] as const) {
      const { headers } = await t.as(role);
      expect((await t.app.inject({ url: '/api/catalogue', headers })).statusCode, role).toBe(200);
    }
  });

  it('is a 401 without credentials', async () => {
    const r = await t.app.inject({ url: '/api/catalogue' });
    expect(r.statusCode).toBe(401);
    expect(Object.keys(r.json()).sort()).toEqual(['error', 'message', 'statusCode']);
  });
});
