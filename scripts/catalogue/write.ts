// Writes the sample item catalogue to data/catalogue.json (or the file given as the first
// argument): `npx tsx scripts/catalogue/write.ts [file]`. Validates it as the server will
// before writing, so a broken item never reaches the file.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDepartments } from '../../server/domain/departments.ts';
import { validateCatalogue } from '../../server/domain/catalogue.ts';
import { buildCatalogue, catalogueText } from './build.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'data/catalogue.json'));
const departments = loadDepartments();
const c = validateCatalogue(buildCatalogue(departments), departments);
writeFileSync(out, catalogueText(c));

const used = new Set(c.items.map((it) => it.department));
console.log(`item catalogue → ${path.relative(process.cwd(), out) || '.'}: ${c.items.length} items`);
for (const cat of c.categories) console.log(`  ${cat.code} ${cat.name}: ${c.items.filter((it) => it.category === cat.code).length}`);
console.log(`  departments used ${used.size} of ${departments.list.length}; unused: ${departments.list.filter((d) => !used.has(d.code)).map((d) => d.code).join(', ') || 'none'}`);
