// First start and the demo. The first admin is `admin`, its password from ADMIN_PASSWORD
// or generated and printed once. With the simulator on, the demo adds one account per
// role at different scopes, a wall display for the whole city, and the simulator's own
// API key; their secrets are kept in DATA_DIR/demo-accounts.json (mode 600) so each start
// can print them again. Nothing here bypasses the store's rules: it writes through the
// same interface as the admin routes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Net, Grid } from '../net/types.ts';
import type { AccessStore } from '../store/types.ts';
import { CITY_CODE } from '../net/codes.ts';
import { hashPassword } from './passwords.ts';
import { newId, newToken, tokenHash } from './tokens.ts';
import type { Role } from './roles.ts';

const password = () => randomBytes(9).toString('base64url');

/** Creates `admin` if missing; the generated password when one was made. */
export async function ensureAdmin(access: AccessStore, given: string | undefined, now: number): Promise<{ created: boolean; password?: string }> {
  if (await access.account('admin')) return { created: false };
  const pw = given || password();
  await access.createAccount({ username: 'admin', name: '系统管理员', role: 'admin', scope: CITY_CODE, department: null, grids: [], passwordHash: await hashPassword(pw) }, now);
  return { created: true, password: given ? undefined : pw };
}

export interface Demo {
  accounts: { username: string; password: string; role: Role; scope: string; scopeName: string; department?: string }[];
  displayToken: string;
}

/** The demo's accounts, display and secrets: made once, read back on later starts. */
export async function ensureDemo(access: AccessStore, net: Net, dataDir: string, now: number): Promise<Demo> {
  const file = join(dataDir, 'demo-accounts.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Demo;
  const district = net.areas.get(net.city.children[0])!; // 天宁区
  const street = net.areas.get(district.children[0])!;
  const community = net.areas.get(street.children[0])!;
  const grid = net.areas.get(community.children[0]) as Grid;
  const plan: { username: string; role: Role; scope: string; name: string; department?: string; grids?: string[] }[] = [
    { username: 'leader', role: 'leader', scope: CITY_CODE, name: '市领导（演示）' },
    { username: 'dispatcher', role: 'dispatcher', scope: CITY_CODE, name: '市中心座席员（演示）' },
    { username: 'district-dispatcher', role: 'dispatcher', scope: district.code, name: `${district.name}座席员（演示）` },
    { username: 'street-dispatcher', role: 'dispatcher', scope: street.code, name: `${street.name}调度员（演示）` },
    { username: 'handler', role: 'handler', scope: district.code, name: `${district.name}城管处置员（演示）`, department: 'cgj' },
    { username: 'worker', role: 'worker', scope: grid.code, name: `${grid.name}网格员（演示）`, grids: [grid.code] },
  ];
  const demo: Demo = { accounts: [], displayToken: newToken() };
  for (const a of plan) {
    const pw = password();
    const fields = { name: a.name, role: a.role, scope: a.scope, department: a.department ?? null, grids: a.grids ?? [], passwordHash: await hashPassword(pw) };
    if (await access.account(a.username)) await access.updateAccount(a.username, { ...fields, disabled: false }, now);
    else await access.createAccount({ username: a.username, ...fields }, now);
    demo.accounts.push({ username: a.username, password: pw, role: a.role, scope: a.scope, scopeName: net.areas.get(a.scope)!.name, ...(a.department ? { department: a.department } : {}) });
  }
  await access.issue('display', { id: newId(), name: '指挥中心大屏（演示）', scope: CITY_CODE, workerId: null, tokenHash: tokenHash(demo.displayToken), createdBy: 'demo', createdAt: now });
  writeFileSync(file, JSON.stringify(demo, null, 1), { mode: 0o600 });
  return demo;
}

/** A fresh API key for the simulator each start; the previous one is revoked. */
export async function simulatorKey(access: AccessStore, now: number): Promise<string> {
  for (const k of await access.issuedList('key')) if (k.name === 'simulator' && k.revokedAt === null) await access.revokeIssued('key', k.id, now);
  const key = newToken();
  await access.issue('key', { id: newId(), name: 'simulator', scope: CITY_CODE, workerId: null, tokenHash: tokenHash(key), createdBy: 'system', createdAt: now });
  return key;
}

/** The signing secret for access tokens: SESSION_SECRET, else one kept in DATA_DIR (mode
 * 600) so sessions survive a restart. */
export function sessionSecret(dataDir: string, given = process.env.SESSION_SECRET): string {
  if (given) return given;
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const s = randomBytes(32).toString('base64url');
  writeFileSync(file, s + '\n', { mode: 0o600 });
  return s;
}
