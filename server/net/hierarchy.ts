// Walking the net by code: a code's prefixes are its ancestors.
import type { AreaRef, Net } from './types.ts';
import { CITY_CODE, levelOfCode } from './codes.ts';

export { CITY_CODE };

export interface Location {
  grid: AreaRef;
  community: AreaRef;
  street: AreaRef;
  district: AreaRef;
}

/** An area's ref. A code the current net no longer has (a ticket stored before the net
 * was redrawn) keeps its code, with the code as its name, rather than failing. */
export function ref(net: Net, code: string): AreaRef {
  const a = net.areas.get(code);
  if (!a) return { code, name: code, level: levelOfCode(code) };
  return { code: a.code, name: a.name, level: a.level };
}

/** The hierarchy of a grid code: its own ref and its ancestors'. */
export function locationOf(net: Net, gridCode: string): Location {
  return {
    grid: ref(net, gridCode),
    community: ref(net, gridCode.slice(0, 12)),
    street: ref(net, gridCode.slice(0, 9)),
    district: ref(net, gridCode.slice(0, 6)),
  };
}

/** Refs from the city down to `code`'s parent (the breadcrumb). */
export function pathTo(net: Net, code: string): AreaRef[] {
  const out: AreaRef[] = [];
  let p = net.areas.get(code)?.parent ?? null;
  while (p) {
    const a = net.areas.get(p);
    if (!a) break;
    out.unshift({ code: a.code, name: a.name, level: a.level });
    p = a.parent;
  }
  return out;
}

/** Length of the codes one level below an area (city → 6-digit districts, … community → grids). */
export function childCodeLength(code: string): number {
  if (code === CITY_CODE) return 6;
  return code.length === 6 ? 9 : code.length === 9 ? 12 : 15;
}

/** The prefix every ticket in an area's grids starts with ('' for the whole city). */
export function areaPrefix(code: string): string {
  return code === CITY_CODE ? '' : code;
}
