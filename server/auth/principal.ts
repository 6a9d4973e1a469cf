// Who is asking: a signed-in account, a wall display, an integration's API key. Each has
// one scope, an area code at any level; it holds every area below it, so "inside the
// scope" is a prefix test on codes. Pure functions, no I/O.
import { CITY_CODE } from '../net/codes.ts';
import { MASKED_ROLES, type Role } from './roles.ts';

export type PrincipalKind = 'account' | 'display' | 'key' | 'device';

export interface Principal {
  kind: PrincipalKind;
  /** Account username, display id or key id. */
  id: string;
  name: string;
  role: Role;
  /** An area code: 320400 (the city), a district, street, community or grid. */
  scope: string;
  /** A handler's department code. */
  department?: string;
  /** A grid worker's own grids (inside the scope): where they report and check. */
  grids?: string[];
  /** The session the request came with (accounts and displays signed in). */
  sid?: string;
}

/** The prefix every code inside `scope` starts with ('' for the whole city). */
export function scopePrefix(scope: string): string {
  return scope === CITY_CODE ? '' : scope;
}

/** Is area `code` (any level) inside `scope`? The city is inside only the city's scope. */
export function codeInScope(scope: string, code: string): boolean {
  if (scope === CITY_CODE) return true;
  return code !== CITY_CODE && code.startsWith(scope);
}

export function inScope(p: Principal, code: string): boolean {
  return codeInScope(p.scope, code);
}

/** Where a principal may write (report, check on site): a worker only in their grids. */
export function mayWriteIn(p: Principal, gridCode: string): boolean {
  if (!inScope(p, gridCode)) return false;
  return p.role !== 'worker' || !p.grids?.length || p.grids.some((g) => gridCode.startsWith(g));
}

/** May this principal see personal data about area `code`? */
export function seesPersonalData(p: Principal | null, code: string): boolean {
  return !!p && !MASKED_ROLES.includes(p.role) && inScope(p, code);
}

/** 13812345678 → 138****5678; anything else keeps only its last 2 characters. */
export function maskPhone(phone: string): string {
  if (/^\d{11}$/.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  return phone.length <= 2 ? '**' : '*'.repeat(phone.length - 2) + phone.slice(-2);
}

/** What an API answer says of a principal. */
export function describePrincipal(p: Principal) {
  return {
    kind: p.kind, username: p.id, name: p.name, role: p.role, scope: p.scope,
    ...(p.department ? { department: p.department } : {}), ...(p.grids?.length ? { grids: p.grids } : {}),
  };
}
