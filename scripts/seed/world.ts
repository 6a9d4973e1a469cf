// Where and what a seeded history reports, and who acts on it: the grids weighted by
// households as the simulator weighs them (server/sim/simulator.ts), points inside each
// grid, the channel and category mixes (server/sim/reports.ts) turned into catalogue items
// and descriptions, reporters, and one system-like actor per role and place
// (`dispatcher-320402001`, `handler-cgj-320402`, the grid's own worker).
// Everything here is drawn from seeded generators: the same seed gives the same world.
import { booleanPointInPolygon } from '@turf/turf';
import type { Grid, Net } from '../../server/net/types.ts';
import type { Catalogue, CatalogueItem, Level } from '../../server/domain/catalogue.ts';
import type { Departments } from '../../server/domain/departments.ts';
import type { Actor } from '../../server/domain/loop.ts';
import type { Category, Reporter, Source } from '../../server/domain/ticket.ts';
import { CITY_CODE } from '../../server/net/codes.ts';
import { locationOf } from '../../server/net/hierarchy.ts';
import { mulberry32, weightedPicker } from '../../server/sim/random.ts';
import { CATEGORY_MIX, DESCRIPTIONS, ITEM_PREFIXES, SOURCE_MIX } from '../../server/sim/reports.ts';

export type Rand = () => number;

/** The spine category (server/domain/ticket.ts) a catalogue item is reported under: the
 * simulator's own mapping (server/sim/reports.ts ITEM_PREFIXES). */
export function spineCategoryOf(code: string): Category | undefined {
  for (const [category, prefixes] of Object.entries(ITEM_PREFIXES) as [Category, string[]][]) if (prefixes.some((p) => code.startsWith(p))) return category;
  return undefined;
}

/** Items reported far more often than the rest (the field's everyday findings). */
const COMMON: Record<string, number> = {
  'SR-01-001': 6, 'SR-01-002': 4, 'SR-01-004': 3, 'SR-02-001': 4, 'SR-04-001': 2, 'SR-04-002': 3, 'JM-01-001': 4, 'JM-01-002': 5,
  'JM-01-003': 3, 'JM-02-001': 4, 'JM-03-001': 4, 'JM-03-002': 5, 'AQ-01-001': 6, 'AQ-01-003': 4, 'AQ-01-002': 3, 'AQ-01-005': 2,
  'PA-01-001': 4, 'PA-01-005': 3, 'PA-01-006': 2, 'PA-02-002': 3, 'ST-01-001': 3, 'ST-03-001': 2, 'ST-03-003': 2, 'MS-01-002': 3,
  'MS-03-005': 3, 'SG-01-005': 3, 'SG-01-004': 2, 'SP-01-001': 2, 'YJ-02-001': 2,
};
/** A channel's lean toward categories, on top of the simulator's mix. */
const SOURCE_LEAN: Record<Source, Partial<Record<Category, number>>> = {
  patrol: { city_appearance: 1.3, street_order: 1.3, fire_safety: 1.4, advertising: 1.2, dispute: 0.6, livelihood: 0.7 },
  hotline: { livelihood: 2.2, dispute: 2, environment: 1.5, construction: 1.4, city_appearance: 0.6, street_order: 0.7, advertising: 0.3 },
  citizen: { city_appearance: 1.2, livelihood: 1.4, environment: 1.3, street_order: 1.1, fire_safety: 0.6 },
  camera: { street_order: 3, city_appearance: 2, emergency: 1.5, fire_safety: 0.8, dispute: 0.05, livelihood: 0.1, food_drug: 0.1, security: 0.6 },
  department: { construction: 2.5, food_drug: 3, work_safety: 2.5, environment: 2, security: 1.5, city_appearance: 0.4, street_order: 0.4 },
};
const SUFFIXES = ['', '', '', '，请尽快处理', '，已持续多日', '，群众反映强烈', '，影响居民出行', '，存在安全隐患', '，多次反映未解决', '，请相关部门处理'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰华建国玲红梅林波斌宇浩凯鹏辉俊峰雪琳晨欣怡婷文博志新海燕丹萍';
const SURNAME_LIST = [...SURNAMES];
const GIVEN_LIST = [...GIVEN];
const PHONE_PREFIXES = ['130', '131', '132', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '177', '180', '181', '182', '187', '188', '189', '199'];

const POOL = 24;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export interface World {
  /** A grid index by household weight, and its grid. */
  pickGrid(): number;
  grids: Grid[];
  /** A point inside grid `i` (a few dozen per grid, drawn once: reports cluster at hot spots). */
  pointIn(i: number): [number, number];
  /** The names a search finds a grid's tickets by: grid, community, street, district. */
  placeNames(i: number): string;
  pickSource(): Source;
  /** The item a report of this channel is about, its spine category and description. */
  pickReport(source: Source): { item: CatalogueItem; category: Category; description: string };
  /** A self-handled item of the same spine category, if the catalogue has one. */
  selfHandleItem(category: Category): CatalogueItem | undefined;
  pickLevel(item: CatalogueItem): Level;
  reporter(): Reporter;
  photo(): string;
  clientId(): string;
  /** Another department of the same platform (a re-dispatch after a return). */
  otherDepartment(code: string): string;
  /** One actor per role and place, made once. */
  dispatcher(scope: string): Actor;
  handler(department: string, gridCode: string): Actor;
  worker(i: number): Actor;
  integration(id: string): Actor;
  system: Actor;
}

export function createWorld(net: Net, catalogue: Catalogue, departments: Departments, seed: number, rand: Rand): World {
  const features = net.features.grid.features;
  const grids = features.map((f) => net.areas.get(f.properties.code) as Grid);
  // As the simulator: households, a dedicated grid counting as 150 households' worth.
  const pickGrid = weightedPicker(grids.map((g) => (g.type === 'dedicated' ? Math.max(g.households, 150) : Math.max(g.households, 20))), rand);
  const pools: ([number, number][] | undefined)[] = new Array(grids.length);
  const names: (string | undefined)[] = new Array(grids.length);

  function pool(i: number): [number, number][] {
    // Its own generator per grid, so the points do not depend on the order grids come up.
    const r = mulberry32((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    const g = grids[i];
    const [w, s, e, n] = g.bbox;
    const out: [number, number][] = [[g.label[0], g.label[1]]];
    for (let tries = 0; out.length < POOL && tries < POOL * 20; tries++) {
      const p: [number, number] = [w + r() * (e - w), s + r() * (n - s)];
      if (booleanPointInPolygon(p, features[i])) out.push([round6(p[0]), round6(p[1])]);
    }
    return out;
  }

  const sources = SOURCE_MIX.map((s) => s[0]);
  const pickSourceIndex = weightedPicker(SOURCE_MIX.map((s) => s[1]), rand);
  const items = catalogue.items;
  const byCategory = new Map<Category, CatalogueItem[]>();
  for (const it of items) {
    const c = spineCategoryOf(it.code);
    if (!c) continue; // an item no report category leads to
    if (!byCategory.has(c)) byCategory.set(c, []);
    byCategory.get(c)!.push(it);
  }
  const itemWeight = (it: CatalogueItem) => (COMMON[it.code] ?? 1) * (it.code.split('-')[1] === '99' ? 0.4 : 1);
  const itemPickers = new Map([...byCategory].map(([c, list]) => [c, { list, pick: weightedPicker(list.map(itemWeight), rand) }]));
  const selfItems = new Map([...byCategory].map(([c, list]) => {
    const own = list.filter((it) => it.selfHandle);
    return [c, own.length ? { list: own, pick: weightedPicker(own.map(itemWeight), rand) } : undefined];
  }));
  const categoryPickers = new Map(sources.map((s) => {
    const mix = CATEGORY_MIX.filter(([c]) => byCategory.has(c));
    return [s, { mix, pick: weightedPicker(mix.map(([c, w]) => w * (SOURCE_LEAN[s][c] ?? 1)), rand) }];
  }));
  const byPlatform = new Map<string, string[]>();
  for (const d of departments.list) byPlatform.set(d.platform, [...(byPlatform.get(d.platform) ?? []), d.code]);

  /** `n` hex digits (n a multiple of 8). */
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i += 8) {
      const x = Math.floor(rand() * 2 ** 32);
      s += HEX[x >>> 24] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];
    }
    return s;
  };
  const workers: (Actor | undefined)[] = new Array(grids.length);
  const pickOf = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];

  const actors = new Map<string, Actor>();
  const made = (a: Actor) => (actors.set(a.id, a), a);

  return {
    grids,
    pickGrid,
    pointIn: (i) => {
      const p = (pools[i] ??= pool(i));
      return p[Math.floor(rand() * p.length)];
    },
    placeNames: (i) => (names[i] ??= Object.values(locationOf(net, grids[i].code)).map((a) => a.name).join(' ')),
    pickSource: () => sources[pickSourceIndex()],
    pickReport(source) {
      const c = categoryPickers.get(source)!;
      const category = c.mix[c.pick()][0];
      const p = itemPickers.get(category)!;
      const item = p.list[p.pick()];
      // People on the phone describe it in their words; the others name the item.
      const description = source === 'hotline' || (source === 'citizen' && rand() < 0.5)
        ? pickOf(DESCRIPTIONS[category]) + pickOf(SUFFIXES)
        : item.name + pickOf(SUFFIXES);
      return { item, category, description };
    },
    selfHandleItem(category) {
      const s = selfItems.get(category);
      return s && s.list[s.pick()];
    },
    pickLevel(item) {
      const x = rand();
      if (item.defaultLevel === 'general') return x < 0.9 ? 'general' : x < 0.99 ? 'major' : 'serious';
      if (item.defaultLevel === 'major') return x < 0.12 ? 'general' : x < 0.95 ? 'major' : 'serious';
      return 'serious';
    },
    reporter: () => ({
      name: pickOf(SURNAME_LIST) + pickOf(GIVEN_LIST) + (rand() < 0.6 ? pickOf(GIVEN_LIST) : ''),
      phone: pickOf(PHONE_PREFIXES) + String(Math.floor(rand() * 1e8)).padStart(8, '0'),
    }),
    photo: () => hex(64),
    clientId: () => { const h = hex(32); return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`; },
    otherDepartment(code) {
      const platform = departments.byCode.get(code)!.platform;
      const others = byPlatform.get(platform)!.filter((d) => d !== code);
      return others.length ? pickOf(others) : code;
    },
    dispatcher(scope) {
      const id = `dispatcher-${scope}`;
      return actors.get(id) ?? made({ kind: 'account', id, role: 'dispatcher', scope });
    },
    handler(department, gridCode) {
      const id = `handler-${department}-${gridCode.slice(0, 6)}`;
      return actors.get(id) ?? made({ kind: 'account', id, role: 'handler', scope: gridCode.slice(0, 6), department });
    },
    worker(i) {
      const g = grids[i];
      const id = g.workers[0] ?? `worker-${g.code}`;
      return (workers[i] ??= { kind: 'account', id, role: 'worker', scope: g.code, grids: [g.code] });
    },
    integration: (id) => actors.get(id) ?? made({ kind: 'key', id, role: 'integration', scope: CITY_CODE }),
    // As the deadline clock acts (server/loop/deadline-clock.ts).
    system: { kind: 'system', id: 'system', role: 'system', scope: CITY_CODE },
  };
}
