// Build the net of Changzhou into data/net (or the directory given as the first argument,
// or $NET_OUT): `npx tsx scripts/build-net.ts [outDir]`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNet } from './net/build.ts';
import { writeNet } from './net/write.ts';
import type { Grid } from '../server/net/types.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? process.env.NET_OUT ?? path.join(root, 'data/net'));
const t0 = Date.now();
const net = buildNet(root);
const sizes = writeNet(out, net.areas, net.workers, net.volunteers, net.features);

const count = (level: string) => net.areas.filter((a) => a.level === level).length;
const grids = net.areas.filter((a) => a.level === 'grid') as Grid[];
const base = grids.filter((g) => g.type === 'base').length;
console.log(`net of 常州市 → ${path.relative(process.cwd(), out) || '.'}`);
console.log(`  districts ${count('district')}, streets ${count('street')}, communities ${count('community')}`);
console.log(`  grids ${grids.length} = ${base} base + ${grids.length - base} dedicated`);
console.log(`  households ${grids.reduce((s, g) => s + g.households, 0)}`);
const byRole = (carries: boolean) => {
  const n = new Map<string, number>();
  for (const w of net.workers) if (w.carriesPhone === carries) n.set(w.role, (n.get(w.role) ?? 0) + 1);
  return [...n].map(([role, k]) => `${role} ${k}`).join(', ');
};
console.log(`  team members ${net.workers.length}: with a grid phone ${net.workers.filter((w) => w.carriesPhone).length} (${byRole(true)}); without (${byRole(false)})`);
console.log(`  volunteers ${net.volunteers.reduce((s, v) => s + v.volunteers, 0)}`);
for (const d of net.districts) {
  console.log(`  ${d.code} ${d.name}: ${d.sourceKm2.toFixed(2)} km² source, symmetric difference ${d.symDiffKm2.toFixed(3)} km² (${((d.symDiffKm2 / d.sourceKm2) * 100).toFixed(3)} %)`);
}
let total = 0;
for (const [name, bytes] of Object.entries(sizes)) { total += bytes; console.log(`  ${name.padEnd(22)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB`); }
console.log(`  total ${(total / 1024 / 1024).toFixed(2)} MiB, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
