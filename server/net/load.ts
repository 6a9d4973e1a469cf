// Load the shipped net (data/net) into memory: synchronous, once at start-up.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Area, AreaGeometry, Grid, Level, Net, Worker } from './types.ts';
import { CITY_CODE } from './codes.ts';

export const DEFAULT_NET_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/net');

type Fc = Net['features'][Exclude<Level, 'city'>];

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
  const workers = new Map<string, Worker>(readJson<Worker[]>(dir, 'workers.json').map((w) => [w.id, w]));
  const features = {
    district: readJson<Fc>(dir, 'district.geojson'),
    street: readJson<Fc>(dir, 'street.geojson'),
    community: readJson<Fc>(dir, 'community.geojson'),
    grid: readJson<Fc>(dir, 'grid.geojson'),
  } satisfies Record<Exclude<Level, 'city'>, { features: { geometry: AreaGeometry }[] }>;
  return { city, areas, features, workers };
}
