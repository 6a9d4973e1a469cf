// Departments (责任部门) and the four platforms (四个平台) they sit on: data, from
// data/departments.json. The ticket loop's catalogue routes items to them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Department {
  code: string;
  name: string;
  platform: string;
}

export interface Departments {
  platforms: { code: string; name: string }[];
  list: Department[];
  byCode: Map<string, Department>;
}

const FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'departments.json');

export function loadDepartments(file = FILE): Departments {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { platforms: Departments['platforms']; departments: Department[] };
  return { platforms: raw.platforms, list: raw.departments, byCode: new Map(raw.departments.map((d) => [d.code, d])) };
}
