// The whole generator: real districts, streets and communities; synthetic boundaries below
// the district, grids, households and grid teams. Every random draw comes from rngFor(SEED, key),
// the key an area's code (teams: `team <grid>`, `liaisons <community>`).
import type { Area, AreaFeature, Grid, GridVolunteers, Level, Worker } from '../../server/net/types.ts';
import { CITY_CODE, gridCode, readingOrder } from '../../server/net/codes.ts';
import { allocate } from './allocate.ts';
import { cleanDistricts, type CleanDistrict } from './clean.ts';
import { areaKm2, bboxOf, fromJsts, type Geom, labelPoint, pointInGeom, toJsts, validationError } from './geom.ts';
import { communityKind, displayCommunityName, streetKind, unitType } from './naming.ts';
import { partition } from './partition.ts';
import { rngFor } from './random.ts';
import { nodeRings, type NodingStats } from './topology.ts';
import { CITY, readCommunities, readDistricts, readStreets, type SourceUnit } from './sources.ts';
import { householdDensity } from './urban.ts';
import { gridTeam, liaisonCounts, liaisons } from './teams.ts';
import { gridWorkers } from './workers.ts';

export const SEED = 20240402;
export const TOTAL_BASE = 4982;
export const TOTAL_DEDICATED = 1316;
/** Households in Changzhou (≈ 5.3 M residents / ≈ 2.6 per household). */
export const TOTAL_HOUSEHOLDS = 2_000_000;

export interface BuiltNet {
  areas: (Area | Grid)[];
  /** Every named team member (phone carriers and the rest), in id order. */
  workers: Worker[];
  /** Volunteers per grid, in grid code order. */
  volunteers: GridVolunteers[];
  features: Record<Exclude<Level, 'city'>, AreaFeature[]>;
  districts: CleanDistrict[];
  noding: NodingStats;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

function areaRecord(code: string, name: string, level: Level, parent: string | null, g: Geom, synthetic: boolean): Area {
  return { code, name, level, parent, children: [], areaKm2: round4(areaKm2(g)), label: labelPoint(g), bbox: bboxOf(g), synthetic };
}

/**
 * Hand pieces to children: the smallest pieces go to the children expected to be smallest
 * (街道 before 镇, 社区 before 村); pieces are small where the density is high, so 街道 and
 * 社区 land in the urban cores.
 */
function assign<T>(pieces: { geometry: Geom }[], children: T[], expectedSize: (c: T) => number): Map<T, Geom> {
  const bySize = pieces.map((p) => ({ g: p.geometry, a: areaKm2(p.geometry) })).sort((a, b) => a.a - b.a);
  const order = children.map((c, i) => ({ c, i, s: expectedSize(c) })).sort((a, b) => a.s - b.s || a.i - b.i);
  return new Map(order.map((o, k) => [o.c, bySize[k].g]));
}

export function buildNet(root: string): BuiltNet {
  const districts = cleanDistricts(readDistricts(root));
  const streets = readStreets(root);
  const communities = readCommunities(root);
  const childrenOf = (units: SourceUnit[], parent: string) => units.filter((u) => u.parent === parent);
  const weight = (x: number, y: number) => householdDensity(x, y);

  const areas: (Area | Grid)[] = [];
  const features: BuiltNet['features'] = { district: [], street: [], community: [], grid: [] };
  const geomOf = new Map<string, Geom>();
  const feature = (code: string, name: string, level: Exclude<Level, 'city'>, g: Geom) =>
    features[level].push({ type: 'Feature', properties: { code, name, level }, geometry: g });

  for (const d of districts) {
    geomOf.set(d.code, d.geometry);
    areas.push(areaRecord(d.code, d.name, 'district', CITY_CODE, d.geometry, false));
    feature(d.code, d.name, 'district', d.geometry);
    const ss = childrenOf(streets, d.code);
    const pieces = partition(d.geometry, ss.length, rngFor(SEED, d.code), { weight, samplesPerPiece: 60, iterations: 20 });
    const factor = { subdistrict: 0.5, zone: 1, town: 2.5 };
    const got = assign(pieces, ss, (s) => childrenOf(communities, s.code).length * factor[streetKind(s.code)]);
    for (const s of ss) {
      const g = got.get(s)!;
      geomOf.set(s.code, g);
      areas.push(areaRecord(s.code, s.name, 'street', d.code, g, true));
      feature(s.code, s.name, 'street', g);
      const cs = childrenOf(communities, s.code);
      const cp = partition(g, cs.length, rngFor(SEED, s.code), { weight, samplesPerPiece: 40, iterations: 15 });
      const cf = { community: 1, park: 1.5, village: 3 };
      const cgot = assign(cp, cs, (c) => cf[communityKind(c.code)]);
      for (const c of cs) {
        const cg = cgot.get(c)!;
        geomOf.set(c.code, cg);
        const rec = areaRecord(c.code, displayCommunityName(c.name), 'community', s.code, cg, true);
        areas.push(rec.name === c.name ? rec : { ...rec, officialName: c.name } as Area);
        feature(c.code, rec.name, 'community', cg);
      }
    }
  }

  // Households per community from density × area, scaled to the city total.
  const comms = areas.filter((a) => a.level === 'community');
  const rawHh = comms.map((c) => householdDensity(c.label[0], c.label[1]) * c.areaKm2);
  const hhScale = TOTAL_HOUSEHOLDS / rawHh.reduce((a, b) => a + b, 0);
  const hh = rawHh.map((h) => h * hhScale);
  // Urban grids serve fewer households each, so urban communities get relatively more grids.
  const kinds = comms.map((c) => communityKind(c.code));
  const baseCounts = allocate(TOTAL_BASE, hh.map((h, i) => h * (kinds[i] === 'community' ? 1.2 : 1)), 1, 899);
  const dedWeights = comms.map((c, i) => {
    const k = kinds[i] === 'community' ? 1 : kinds[i] === 'park' ? 3 : 0.35;
    return k * (streetKind(c.parent!) === 'zone' ? 2 : 1) * Math.sqrt(hh[i]);
  });
  const dedCounts = allocate(TOTAL_DEDICATED, dedWeights, 0, 99);
  const liaisonsPer = liaisonCounts(baseCounts);

  const workers: Worker[] = [];
  const volunteers: GridVolunteers[] = [];
  comms.forEach((c, ci) => {
    const cg = geomOf.get(c.code)!;
    const nb = baseCounts[ci], nd = dedCounts[ci];
    const rng = rngFor(SEED, c.code);
    const pieces = partition(cg, nb + nd, rng, { weight, samplesPerPiece: 30, iterations: 12 })
      .map((p) => ({ ...p, area: areaKm2(p.geometry) }));
    // Dedicated grids are the compact units: the smallest pieces.
    const bySize = pieces.map((p, i) => ({ p, i })).sort((a, b) => a.p.area - b.p.area || a.i - b.i);
    const dedicated = new Set(bySize.slice(0, nd).map((e) => e.i));
    const groups = { base: pieces.filter((_, i) => !dedicated.has(i)), dedicated: pieces.filter((_, i) => dedicated.has(i)) };
    const baseWeights = groups.base.map((p) => { const l = labelPoint(p.geometry); return householdDensity(l[0], l[1]) * p.area; });
    const bwSum = baseWeights.reduce((a, b) => a + b, 0);
    for (const type of ['base', 'dedicated'] as const) {
      const list = groups[type];
      const labels = list.map((p) => labelPoint(p.geometry));
      readingOrder(labels, c.bbox).forEach((idx, k) => {
        const p = list[idx];
        const code = gridCode(c.code, (type === 'base' ? 1 : 901) + k);
        const urban = kinds[ci] !== 'village';
        const unit = type === 'dedicated' ? unitType(rng, kinds[ci]) : undefined;
        const households = type === 'base'
          ? Math.max(20, Math.round((hh[ci] * baseWeights[idx]) / bwSum))
          : unit === '企业' && rng() < 0.15 ? 20 + Math.floor(rng() * 60) : 0;
        const name = type === 'base' ? `${c.name}第${k + 1}网格` : `${c.name}·${unit}专属网格`;
        const ws = gridWorkers(code, type, urban, households, rng);
        const team = gridTeam(code, type, urban, households, ws, rngFor(SEED, `team ${code}`));
        workers.push(...ws, ...team.members);
        volunteers.push({ grid: code, volunteers: team.volunteers });
        const grid: Grid = {
          ...areaRecord(code, name, 'grid', c.code, p.geometry, true),
          level: 'grid', type, households, workers: ws.map((w) => w.id), ...(unit ? { unit } : {}),
        };
        areas.push(grid);
        feature(code, name, 'grid', p.geometry);
      });
    }
    const baseCodes = groups.base.map((_, k) => gridCode(c.code, 1 + k));
    workers.push(...liaisons(c.code, baseCodes, liaisonsPer[ci], rngFor(SEED, `liaisons ${c.code}`)));
  });

  // Dedicated grids that share a unit type within a community get a running number.
  const seen = new Map<string, number>();
  const dup = new Map<string, number>();
  for (const a of areas) if (a.level === 'grid' && (a as Grid).type === 'dedicated') dup.set(a.name, (dup.get(a.name) ?? 0) + 1);
  for (const a of areas) {
    if (a.level !== 'grid' || (dup.get(a.name) ?? 0) < 2) continue;
    const n = (seen.get(a.name) ?? 0) + 1;
    seen.set(a.name, n);
    a.name = a.name.replace('专属网格', `${n}专属网格`).replace(/·(.+?)(\d+)专属网格$/, '·$1$2专属网格');
  }
  const nameOf = new Map(areas.map((a) => [a.code, a.name]));
  for (const f of features.grid) f.properties.name = nameOf.get(f.properties.code)!;

  // Node all levels together (topology.ts): shared borders get identical vertices on both
  // sides and parents carry their children's border vertices. Pieces may share coordinate
  // arrays (a parent split into one piece), so every feature gets its own copy first.
  const all = (['district', 'street', 'community', 'grid'] as const).flatMap((l) => features[l]);
  for (const f of all) f.geometry = structuredClone(f.geometry);
  const rank = { district: 0, street: 1, community: 2, grid: 3 };
  const noding = nodeRings(all.map((f) => ({ code: f.properties.code, rank: rank[f.properties.level as keyof typeof rank], geometry: f.geometry })));
  const recByCode = new Map(areas.map((a) => [a.code, a]));
  for (const f of all) {
    const code = f.properties.code;
    if (!noding.changed.has(code)) continue;
    const err = validationError(f.geometry);
    if (err) throw new Error(`${code}: invalid after noding: ${err}`);
    const rec = recByCode.get(code)!;
    rec.areaKm2 = round4(areaKm2(f.geometry));
    rec.bbox = bboxOf(f.geometry);
    if (!pointInGeom(rec.label[0], rec.label[1], f.geometry)) rec.label = labelPoint(f.geometry);
  }
  for (const d of districts) d.geometry = features.district.find((f) => f.properties.code === d.code)!.geometry;

  // The city: union of the districts.
  let union = toJsts(districts[0].geometry);
  for (const d of districts.slice(1)) union = union.union(toJsts(d.geometry));
  const cityGeom = fromJsts(union)!;
  const city = areaRecord(CITY_CODE, CITY.name, 'city', null, cityGeom, false);
  city.areaKm2 = round4(districts.reduce((s, d) => s + areaKm2(d.geometry), 0));
  areas.push(city);

  areas.sort((a, b) => a.code.localeCompare(b.code));
  const byCode = new Map(areas.map((a) => [a.code, a]));
  for (const a of areas) if (a.parent) byCode.get(a.parent)!.children.push(a.code);
  for (const a of areas) a.children.sort();
  for (const level of Object.keys(features) as (keyof typeof features)[]) {
    features[level].sort((a, b) => a.properties.code.localeCompare(b.properties.code));
  }
  workers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  volunteers.sort((a, b) => (a.grid < b.grid ? -1 : a.grid > b.grid ? 1 : 0));
  return { areas, workers, volunteers, features, districts, noding };
}
