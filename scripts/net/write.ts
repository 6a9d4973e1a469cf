// Serialise the net: areas.json, workers.json and volunteers.json (one record per line, diff-friendly) and
// one GeoJSON FeatureCollection per level; the big levels gzipped at a fixed level, which
// is byte-deterministic.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Area, AreaFeature, Grid, GridVolunteers, Level, Worker } from '../../server/net/types.ts';

export const GZIP_LEVELS: Level[] = ['community', 'grid'];

function lines(items: unknown[]): string {
  return '[\n' + items.map((x) => JSON.stringify(x)).join(',\n') + '\n]\n';
}

export function writeNet(dir: string, areas: (Area | Grid)[], workers: Worker[], volunteers: GridVolunteers[], features: Record<Exclude<Level, 'city'>, AreaFeature[]>): Record<string, number> {
  fs.mkdirSync(dir, { recursive: true });
  const sizes: Record<string, number> = {};
  const put = (name: string, data: string | Buffer) => {
    fs.writeFileSync(path.join(dir, name), data);
    sizes[name] = Buffer.byteLength(data);
  };
  put('areas.json', lines(areas));
  put('workers.json', lines(workers));
  put('volunteers.json', lines(volunteers));
  for (const level of ['district', 'street', 'community', 'grid'] as const) {
    const text = '{"type":"FeatureCollection","features":' + lines(features[level]).trimEnd() + '}\n';
    if (GZIP_LEVELS.includes(level)) put(`${level}.geojson.gz`, zlib.gzipSync(text, { level: 9 }));
    else put(`${level}.geojson`, text);
  }
  return sizes;
}
