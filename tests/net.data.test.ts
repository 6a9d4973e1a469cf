// Invariants of the shipped net of Changzhou (data/net), checked on every feature.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import Flatbush from 'flatbush';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import UnaryUnionOp from 'jsts/org/locationtech/jts/operation/union/UnaryUnionOp.js';
import { loadNet } from '../server/net/load.ts';
import { gridSequence, gridTypeFromCode, levelOfCode, readingOrder } from '../server/net/codes.ts';
import type { Area, AreaGeometry, Grid, Net, Worker } from '../server/net/types.ts';
import { bufferZeroBoth, pointInGeom, ringSignedArea, toJsts, type JstsGeom, polygons, validationError } from '../scripts/net/geom.ts';
import { convertSource } from '../scripts/net/clean.ts';
import { readDistricts } from '../scripts/net/sources.ts';

const root = path.resolve(import.meta.dirname, '..');
let net: Net;
const geom = new Map<string, AreaGeometry>();
const jsts = new Map<string, JstsGeom>();
const factory = new GeometryFactory();
const unionOf = (gs: JstsGeom[]) => UnaryUnionOp.union(factory.createGeometryCollection(gs));
const j = (code: string) => { let g = jsts.get(code); if (!g) { g = toJsts(geom.get(code)!); jsts.set(code, g); } return g; };
const areasAt = (level: Area['level']) => [...net.areas.values()].filter((a) => a.level === level);
const grids = () => areasAt('grid') as Grid[];

beforeAll(() => {
  net = loadNet();
  for (const fc of Object.values(net.features)) for (const f of fc.features) geom.set(f.properties.code, f.geometry);
});

/**
 * The children of `parent` tile it exactly: the symmetric difference of their union and the
 * parent is < 1e-9 of the parent's area (noded borders: 0 up to floating point), so there are
 * no gaps and nothing sticks out. Overlaps are checked over the whole level (expectNoOverlaps).
 */
function expectTiles(parent: Area) {
  const kids = parent.children.map((c) => net.areas.get(c)!);
  const union = unionOf(kids.map((k) => j(k.code)));
  const p = j(parent.code);
  const symDiff = union.symDifference(p).getArea();
  expect(symDiff / p.getArea(), `${parent.name} ${parent.code}: children differ from it`).toBeLessThan(1e-9);
}

/**
 * No two areas of a level overlap, siblings or not: over ALL pairs whose bboxes meet, the
 * summed intersection area (jsts) is < 1e-9 of the city's area (≈ 4 m²; borders are noded, so
 * it is 0 up to floating point), and no pair's is > 1e-12 deg² (≈ 0.01 m²).
 */
function expectNoOverlaps(level: Area['level']) {
  const as = areasAt(level);
  const index = new Flatbush(as.length);
  for (const a of as) index.add(a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3]);
  index.finish();
  let total = 0, pairs = 0;
  const bad: string[] = [];
  as.forEach((a, i) => {
    for (const k of index.search(a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3])) {
      if (k <= i) continue;
      pairs++;
      const area = j(a.code).intersection(j(as[k].code)).getArea();
      total += area;
      if (area > 1e-12) bad.push(`${a.code} & ${as[k].code}: ${area.toExponential(2)} deg²`);
    }
  });
  expect(pairs, `${level}: pairs checked`).toBeGreaterThan(as.length);
  expect(bad.slice(0, 10), `${level}: overlapping pairs`).toEqual([]);
  const city = areasAt('district').reduce((sum, d) => sum + j(d.code).getArea(), 0);
  expect(total / city, `${level}: overlap / city`).toBeLessThan(1e-9);
}

describe('the net of 常州市', () => {
  it('has 6 districts, 67 streets, 1,049 communities and 6,298 grids (4,982 base + 1,316 dedicated)', () => {
    expect(net.city.code).toBe('320400');
    expect(net.city.children).toEqual(['320402', '320404', '320411', '320412', '320413', '320481']);
    expect(areasAt('district')).toHaveLength(6);
    expect(areasAt('street')).toHaveLength(67);
    expect(areasAt('community')).toHaveLength(1049);
    expect(grids()).toHaveLength(6298);
    expect(grids().filter((g) => g.type === 'base')).toHaveLength(4982);
    expect(grids().filter((g) => g.type === 'dedicated')).toHaveLength(1316);
    for (const level of ['district', 'street', 'community', 'grid'] as const) {
      const codes = net.features[level].features.map((f) => f.properties.code);
      expect(codes, `${level} features in ascending code order`).toEqual([...codes].sort());
      expect(new Set(codes).size).toBe(areasAt(level).length);
    }
  });

  it('has unique, well-formed codes whose prefix is the parent', () => {
    const codes = [...net.areas.keys()];
    expect(new Set(codes).size).toBe(codes.length);
    for (const a of net.areas.values()) {
      expect(levelOfCode(a.code)).toBe(a.level);
      if (a.level === 'city') continue;
      // a district's code shares the city's 4-digit prefix (3204); below that the parent's code is the prefix
      expect(a.code.startsWith(a.level === 'district' ? a.parent!.slice(0, 4) : a.parent!), a.code).toBe(true);
      expect(net.areas.get(a.parent!)!.children).toContain(a.code);
      expect(a.children, a.code).toEqual([...a.children].sort());
      if (a.level === 'grid') {
        const g = a as Grid;
        expect(gridTypeFromCode(g.code)).toBe(g.type);
        const s = gridSequence(g.code);
        expect(g.type === 'base' ? s >= 1 && s <= 899 : s >= 901 && s <= 999, g.code).toBe(true);
      }
    }
  });

  it('numbers the grids of each community west→east, north→south, base from 001 and dedicated from 901 without holes', () => {
    for (const c of areasAt('community')) {
      for (const type of ['base', 'dedicated'] as const) {
        const gs = c.children.map((k) => net.areas.get(k) as Grid).filter((g) => g.type === type);
        const first = type === 'base' ? 1 : 901;
        expect(gs.map((g) => gridSequence(g.code)), c.name).toEqual(gs.map((_, i) => first + i));
        expect(readingOrder(gs.map((g) => g.label), c.bbox), `${c.name} ${type}`).toEqual(gs.map((_, i) => i));
      }
      expect(c.children.some((k) => (net.areas.get(k) as Grid).type === 'base'), c.name).toBe(true);
    }
  });

  it('has only OGC-valid polygons, rounded to 6 decimals, exterior rings counter-clockwise and holes clockwise', () => {
    const bad: string[] = [];
    for (const [code, g] of geom) {
      const err = validationError(g);
      if (err) bad.push(`${code}: ${err}`);
      for (const p of polygons(g)) p.forEach((r, i) => {
        if ((ringSignedArea(r) > 0) !== (i === 0)) bad.push(`${code}: ring ${i} wound the wrong way`);
        for (const q of r) if (Math.round(q[0] * 1e6) / 1e6 !== q[0] || Math.round(q[1] * 1e6) / 1e6 !== q[1]) bad.push(`${code}: unrounded`);
      });
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('districts match the ECharts outline converted to WGS-84 (symmetric difference < 0.1 % of the area)', () => {
    for (const d of readDistricts(root)) {
      const src = toJsts(bufferZeroBoth(convertSource(d))!);
      const ratio = j(d.code).symDifference(src).getArea() / src.getArea();
      expect(ratio, d.name).toBeLessThan(0.001);
    }
  });

  it('the six districts tile 常州市', () => {
    let sum = 0;
    for (const d of areasAt('district')) sum += d.areaKm2;
    expect(Math.abs(sum - net.city.areaKm2) / net.city.areaKm2).toBeLessThan(0.001);
    expect(net.city.areaKm2).toBeGreaterThan(4300);
    expect(net.city.areaKm2).toBeLessThan(4500);
    const union = unionOf(areasAt('district').map((d) => j(d.code)));
    expect(union.getNumGeometries()).toBe(1);
    let overlap = 0;
    const ds = areasAt('district');
    for (let a = 0; a < ds.length; a++) for (let b = a + 1; b < ds.length; b++) overlap += j(ds[a].code).intersection(j(ds[b].code)).getArea();
    expect(overlap / union.getArea()).toBeLessThan(1e-6);
  });

  it('the streets of each district tile the district', () => {
    for (const d of areasAt('district')) expectTiles(d);
  });

  it('the communities of each street tile the street', () => {
    for (const s of areasAt('street')) expectTiles(s);
  });

  it('the grids of each community tile the community (e.g. 雕庄街道, every community)', () => {
    for (const c of areasAt('community')) expectTiles(c);
  });

  it('no two streets, communities or grids overlap, siblings or not (all pairs whose bboxes meet)', () => {
    for (const level of ['street', 'community', 'grid'] as const) expectNoOverlaps(level);
  });

  it('街道 are smaller than 镇, and 社区 smaller than 村, on median', () => {
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const streets = areasAt('street');
    expect(median(streets.filter((s) => s.code[6] === '0').map((s) => s.areaKm2)))
      .toBeLessThan(median(streets.filter((s) => s.code[6] === '1').map((s) => s.areaKm2)));
    const cs = areasAt('community');
    expect(median(cs.filter((c) => c.code[9] === '0').map((c) => c.areaKm2)))
      .toBeLessThan(median(cs.filter((c) => c.code[9] === '2').map((c) => c.areaKm2)));
  });

  it('grids have plausible households and every grid has a worker with a phone; about 8,500 phones in all', () => {
    const base = grids().filter((g) => g.type === 'base');
    const hh = base.map((g) => g.households).sort((a, b) => a - b);
    expect(hh[Math.floor(hh.length / 2)]).toBeGreaterThan(250);
    expect(hh[Math.floor(hh.length / 2)]).toBeLessThan(550);
    for (const g of grids()) {
      expect(g.workers.length, g.code).toBeGreaterThanOrEqual(1);
      for (const id of g.workers) {
        const w = net.workers.get(id)!;
        expect(w.grid).toBe(g.code);
        expect(w.phone).toMatch(/^1\d\d\*{4}\d{4}$/);
        expect(id.startsWith(`W${g.code}-`)).toBe(true);
      }
      if (g.type === 'dedicated') expect(g.unit, g.code).toBeTruthy();
    }
    expect(net.workers.size).toBeGreaterThanOrEqual(8000);
    expect(net.workers.size).toBeLessThanOrEqual(9000);
    // urban base grids have a full-time worker; village grids do not
    for (const g of base) {
      const roles = g.workers.map((id) => net.workers.get(id)!.role);
      expect(roles.includes('full_time'), g.code).toBe(g.code[9] !== '2');
    }
  });

  it('labels lie inside their areas', () => {
    for (const a of net.areas.values()) if (a.level !== 'city') expect(pointInGeom(a.label[0], a.label[1], geom.get(a.code)!), a.code).toBe(true);
  });
});

describe('the grid teams (synthetic)', () => {
  const isVillage = (g: Grid) => g.code[9] === '2' || g.code[9] === '3';
  const team = (g: Grid) => g.team!.members.map((id) => net.members.get(id)!);
  const roleCount = (ws: Worker[]) => ({
    liaison: ws.filter((w) => w.role === 'liaison').length,
    leader: ws.filter((w) => w.role === 'leader').length,
    full_time: ws.filter((w) => w.role === 'full_time').length,
  });

  it('an urban base grid is "4+X", a village grid "3+X" (no full-time worker), a dedicated grid "2+X" (leader and part-time)', () => {
    const seen = { urban: 0, village: 0, dedicated: 0 };
    for (const g of grids()) {
      const ws = team(g);
      const kind = g.type === 'dedicated' ? 'dedicated' : isVillage(g) ? 'village' : 'urban';
      seen[kind]++;
      const want = { urban: { liaison: 1, leader: 1, full_time: 1 }, village: { liaison: 1, leader: 1, full_time: 0 }, dedicated: { liaison: 0, leader: 1, full_time: 0 } }[kind];
      expect(roleCount(ws), `${g.code} (${kind})`).toEqual(want);
      expect(ws.filter((w) => w.role === 'part_time').length, `${g.code}: part-time workers`).toBeGreaterThanOrEqual(1);
      // one part-time worker per started 400 households: a 750-household village grid has two
      expect(ws.filter((w) => w.role === 'part_time').length, g.code).toBe(Math.max(1, Math.ceil(g.households / 400)));
      expect(g.team!.volunteers, `${g.code}: the X`).toBeGreaterThanOrEqual(1);
      expect(ws.map((w) => w.role), `${g.code}: role order`).toEqual([...ws.map((w) => w.role)].sort((a, b) => ['liaison', 'leader', 'full_time', 'part_time'].indexOf(a) - ['liaison', 'leader', 'full_time', 'part_time'].indexOf(b)));
    }
    expect(seen).toEqual({ urban: 3059, village: 1923, dedicated: 1316 });
  });

  it('only the phone carriers send positions: Grid.workers and Net.workers are exactly the members who carry a 网格通', () => {
    const carriers = [...net.members.values()].filter((w) => w.carriesPhone);
    expect([...net.workers.keys()]).toEqual(carriers.map((w) => w.id));
    for (const g of grids()) expect(g.workers, g.code).toEqual(team(g).filter((w) => w.carriesPhone).map((w) => w.id));
    for (const w of net.members.values()) {
      expect(w.phone, w.id).toMatch(/^1\d\d\*{4}\d{4}$/);
      expect(typeof w.carriesPhone, w.id).toBe('boolean');
      if (w.role === 'liaison' || w.role === 'leader') expect(w.carriesPhone, w.id).toBe(false);
    }
  });

  it('the 8,658 phone carriers are the ones generated before the teams existed: same ids, names, roles, grids and phones', () => {
    // sha256 over JSON [id, name, role, grid, phone] + "\n" per carrier in id order, taken from
    // the committed workers.json of c5355e8, when it held only the carriers.
    const h = createHash('sha256');
    for (const w of net.workers.values()) h.update(JSON.stringify([w.id, w.name, w.role, w.grid, w.phone]) + '\n');
    expect(net.workers.size).toBe(8658);
    expect(h.digest('hex')).toBe('5b50a26785e7c052b50b2f564f1c2347598fe0dadcec260fc3ea2643b08acd4d');
  });

  it('3,967 liaison cadres, as in C市, each serving a run of neighbouring base grids of one community', () => {
    const liaisons = [...net.members.values()].filter((w) => w.role === 'liaison');
    expect(liaisons).toHaveLength(3967);
    const served = new Map<string, string>();
    for (const l of liaisons) {
      const community = l.id.slice(1, 13);
      expect(l.id, 'L<community>-<n>').toMatch(/^L\d{12}-\d+$/);
      expect(l.grids!.length, l.id).toBeGreaterThanOrEqual(1);
      expect(l.grid).toBe(l.grids![0]);
      for (const code of l.grids!) {
        expect((net.areas.get(code) as Grid).type, `${l.id}: ${code}`).toBe('base');
        expect(net.areas.get(code)!.parent, `${l.id} serves ${code} outside its community`).toBe(community);
        expect(served.has(code), `${code} has two liaisons`).toBe(false);
        served.set(code, l.id);
      }
      // consecutive codes: neighbours in the reading order west→east, north→south
      const seq = l.grids!.map(gridSequence);
      expect(seq, l.id).toEqual(seq.map((_, i) => seq[0] + i));
    }
    expect(served.size, 'every base grid has its liaison').toBe(grids().filter((g) => g.type === 'base').length);
    const perCadre = served.size / liaisons.length;
    expect(perCadre).toBeCloseTo(4982 / 3967, 3);
    expect(Math.max(...liaisons.map((l) => l.grids!.length))).toBeLessThanOrEqual(2);
  });

  it('new members are numbered on after the carriers of their grid, and every id is unique', () => {
    for (const g of grids()) {
      const own = team(g).filter((w) => w.role !== 'liaison').map((w) => w.id).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      expect(own, g.code).toEqual(own.map((_, i) => `W${g.code}-${i + 1}`));
      expect(own.slice(0, g.workers.length), `${g.code}: carriers first`).toEqual(g.workers);
    }
    const raw = JSON.parse(fs.readFileSync(path.join(root, 'data/net/workers.json'), 'utf8')) as Worker[];
    expect(new Set(raw.map((w) => w.id)).size).toBe(raw.length);
    expect(net.members.size).toBe(raw.length);
  });
});

describe('the generator', () => {
  it('rebuilds the same bytes from the same seed', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'net-'));
    execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/build-net.ts'), out], { cwd: root, stdio: 'pipe' });
    const shipped = path.join(root, 'data/net');
    expect(fs.readdirSync(out).sort()).toEqual(fs.readdirSync(shipped).sort());
    for (const f of fs.readdirSync(shipped)) {
      expect(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(shipped, f))), f).toBe(true);
    }
    fs.rmSync(out, { recursive: true });
  }, 300_000);
});

