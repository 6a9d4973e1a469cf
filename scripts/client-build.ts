// The wall's build (client/dist) is made when missing or older than its sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const clientDist = join(root, 'client', 'dist');

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) if (e !== 'dist') m = Math.max(m, newest(join(path, e)));
  return m;
}

export function clientBuildIsStale(): boolean {
  const built = join(clientDist, 'index.html');
  if (!existsSync(built)) return true;
  // The wall also imports the pure modules it shares with the server (the CST day, the city's code).
  const sources = [join(root, 'client'), join(root, 'server', 'domain'), join(root, 'server', 'net', 'codes.ts'), join(root, 'server', 'sim', 'reports.ts'), join(root, 'vite.config.ts'), join(root, 'package-lock.json')].filter(existsSync);
  return Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
}

/** Builds the wall if needed; throws if the build fails. */
export function ensureClientBuilt(log: (s: string) => void = console.log): void {
  if (!clientBuildIsStale()) return;
  log('Building the wall (client/dist)…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
}
