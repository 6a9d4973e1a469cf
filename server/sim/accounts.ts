// The simulator's people: the accounts it signs in with, made at start through the store
// like the demo's (server/auth/bootstrap.ts), every one named `sim-…` and labelled 模拟 so
// no one takes them for real staff:
//   sim-dispatcher          a city-scope dispatcher (座席员): verifies, rejects, dispatches,
//                           reminds, supervises, escalates, decides extensions, checks some,
//                           takes 12345 calls (hotline reports) and does the return visits (评价);
//   sim-handler-<dept>      one handler per department of the catalogue, at city scope;
//   sim-worker-<district>   one grid worker per district, holding every grid of it: reports
//                           on patrol, fixes small things on the spot (自处置), checks on site.
// One random password for all of them, new each start and kept only in memory (one argon2
// hash per start); their sessions from earlier starts are ended.
import { randomBytes } from 'node:crypto';
import type { Net } from '../net/types.ts';
import type { AccessStore } from '../store/types.ts';
import type { Role } from '../auth/roles.ts';
import { CITY_CODE } from '../net/codes.ts';
import { hashPassword } from '../auth/passwords.ts';
import { loadDepartments } from '../domain/departments.ts';
import { loadCatalogue } from '../domain/catalogue.ts';

export interface SimAccounts {
  /** The password of every sim account, this start only. */
  password: string;
  dispatcher: string;
  /** Department code → the handler's username. */
  handlers: Record<string, string>;
  /** District code → the grid worker's username. */
  workers: Record<string, string>;
}

export const SIM_PREFIX = 'sim-';

/** The departments the catalogue routes items to. */
export function catalogueDepartments(): string[] {
  const departments = loadDepartments();
  return [...new Set(loadCatalogue(departments).items.map((i) => i.department))].sort();
}

/** Creates (or refreshes) the simulator's accounts; what it signs in with. `credentials`:
 * a password and its hash to use instead of a new random one (tests: a cheaper hash). */
export async function ensureSimAccounts(access: AccessStore, net: Net, now: number, o: { departments?: string[]; credentials?: { password: string; passwordHash: string } } = {}): Promise<SimAccounts> {
  const names = loadDepartments().byCode;
  const departments = o.departments ?? catalogueDepartments();
  const password = o.credentials?.password ?? randomBytes(18).toString('base64url');
  const passwordHash = o.credentials?.passwordHash ?? await hashPassword(password);
  const plan: { username: string; name: string; role: Role; scope: string; department?: string; grids?: string[] }[] = [
    { username: `${SIM_PREFIX}dispatcher`, name: '模拟座席员（市中心，合成）', role: 'dispatcher', scope: CITY_CODE },
  ];
  const out: SimAccounts = { password, dispatcher: `${SIM_PREFIX}dispatcher`, handlers: {}, workers: {} };
  for (const d of departments) {
    const username = `${SIM_PREFIX}handler-${d}`;
    plan.push({ username, name: `模拟处置员（${names.get(d)?.name ?? d}，合成）`, role: 'handler', scope: CITY_CODE, department: d });
    out.handlers[d] = username;
  }
  for (const code of net.city.children) {
    const district = net.areas.get(code)!;
    const grids: string[] = [];
    for (const a of net.areas.values()) if (a.level === 'grid' && a.code.startsWith(code)) grids.push(a.code);
    const username = `${SIM_PREFIX}worker-${code}`;
    plan.push({ username, name: `模拟网格员（${district.name}，合成）`, role: 'worker', scope: code, grids: grids.sort() });
    out.workers[code] = username;
  }
  for (const a of plan) {
    const fields = { name: a.name, role: a.role, scope: a.scope, department: a.department ?? null, grids: a.grids ?? [], passwordHash };
    if (await access.account(a.username)) {
      await access.updateAccount(a.username, { ...fields, disabled: false }, now);
      await access.revokeSessionsOf('account', a.username, now);
    } else {
      await access.createAccount({ username: a.username, ...fields }, now);
    }
  }
  return out;
}
