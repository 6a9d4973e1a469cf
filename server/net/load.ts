// Load the shipped net (data/net) into memory: synchronous, once at start-up. Grid teams are
// joined here (areas.json carries only the phone carriers' ids, as before the teams existed):
// every grid gets `team` from workers.json (liaisons by their `grids`) and volunteers.json.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Area, AreaGeometry, Grid, GridVolunteers, Level, Net, Worker, WorkerRole } from './types.ts';
import { CITY_CODE } from './codes.ts';

export const DEFAULT_NET_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/net');

type Fc = Net['features'][Exclude<Level, 'city'>];

const ROLE_ORDER: Record<WorkerRole, number> = { liaison: 0, leader: 1, full_time: 2, part_time: 3 };
const byRoleThenId = (a: Worker, b: Worker) =>
  ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.id.localeCompare(b.id, 'en', { numeric: true });

function readJson<T>(dir: string, name: string): T {
  const plain = path.join(dir, name);
  if (fs.existsSync(plain)) return JSON.parse(fs.readFileSync(plain, 'utf8')) as T;
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(`${plain}.gz`)).toString('utf8')) as T;
}

export function loadNet(dir: string = DEFAULT_NET_DIR): Net {
  const list = readJson<(Area | Grid)[]>(dir, 'areas.json');
  const areas = new Map<string, Area | Grid>(list.map((a) => [a.code, a]));
  const city = areas.get(CITY_CODE);
  if (!city) throw new Error(`no city ${CITY_CODE} in ${dir}`);
  const people = readJson<Worker[]>(dir, 'workers.json');
  const members = new Map<string, Worker>(people.map((w) => [w.id, w]));
  const workers = new Map<string, Worker>(people.filter((w) => w.carriesPhone).map((w) => [w.id, w]));
  joinTeams(areas, people, readJson<GridVolunteers[]>(dir, 'volunteers.json'));
  const features = {
    district: readJson<Fc>(dir, 'district.geojson'),
    street: readJson<Fc>(dir, 'street.geojson'),
    community: readJson<Fc>(dir, 'community.geojson'),
    grid: readJson<Fc>(dir, 'grid.geojson'),
  } satisfies Record<Exclude<Level, 'city'>, { features: { geometry: AreaGeometry }[] }>;
  return { city, areas, features, workers, members };
}

function joinTeams(areas: Map<string, Area | Grid>, people: Worker[], volunteers: GridVolunteers[]) {
  const of = new Map<string, Worker[]>();
  for (const w of people) for (const g of w.grids ?? [w.grid]) {
    const list = of.get(g);
    if (list) list.push(w); else of.set(g, [w]);
  }
  const counts = new Map(volunteers.map((v) => [v.grid, v.volunteers]));
  for (const a of areas.values()) {
    if (a.level !== 'grid') continue;
    const team = (of.get(a.code) ?? []).sort(byRoleThenId);
    (a as Grid).team = { members: team.map((w) => w.id), volunteers: counts.get(a.code) ?? 0 };
  }
}
