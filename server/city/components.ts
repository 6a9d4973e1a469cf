// The components (部件) the server holds: generated once per net (generate.ts), a kdbush
// point index over them, and each one's state as its open tickets make it.
//
//   const reg = componentRegistry(net, locator);
//   reg.query([w, s, e, n], classMask)  // ids in the box of those classes, from the index
//   reg.encode(ids)                     // the compact binary answer (layout below)
//   reg.ticketChanged(record)           // a ticket naming a component moved: its state follows
//
// State. A component with an open ticket (anything not closed or rejected) shows damaged
// (破损), or missing (丢失) when a ticket's description says it is gone (丢失/缺失/被盗):
// "井盖缺失或破损" is one catalogue item for both, so the item alone cannot tell. When its
// last open ticket closes it shows its own state again. The overlay is keyed by code, so
// it can be filled from the store at start-up before the components are built (lazily, on
// the first request that needs them: tests that never ask pay nothing).
import KDBush from 'kdbush';
import type { Net } from '../net/types.ts';
import type { Locator } from '../geo/locator.ts';
import { generateComponents, type Components } from './generate.ts';

export interface ComponentTicket {
  seq: number;
  component?: string | null;
  status: string;
  description: string;
}

const MISSING_WORDS = /丢失|缺失|被盗|不见/;
const isOpen = (status: string) => status !== 'closed' && status !== 'rejected';

/**
 * Binary layout of a bbox answer (little-endian, every array aligned):
 *   Uint32 version (1), Uint32 n,
 *   Float32 xy[2n] (lon, lat interleaved: deck.gl's getPosition as is; ±0.7 m at 120°E),
 *   Uint32 id[n] (the component's index: GET /api/components/meta's runs turn it into its code),
 *   Uint8 class[n] (1..6), Uint8 state[n] (0 normal, 1 damaged, 2 missing), Uint8 sub[n] (index into meta's subclasses).
 */
export const COMPONENTS_WIRE_VERSION = 1;

export interface ComponentRegistry {
  data(): Components;
  /** Ids of components inside [w, s, e, n] (the whole city when null) whose class bit is set in `mask` (bit c for class c), ascending. */
  query(bbox: readonly [number, number, number, number] | null, mask: number): number[];
  encode(ids: readonly number[]): Buffer;
  /** The state shown now (0, 1, 2): its own, or what its open tickets make it. */
  state(i: number): number;
  /** Open tickets naming a component: seq → whether one says it is missing. */
  openTickets(code: string): number[];
  ticketChanged(t: ComponentTicket): void;
  /** Every open ticket naming a component, read from the store at start-up. */
  load(open: ComponentTicket[]): void;
}

const cache = new WeakMap<Net, { components: Components; index: KDBush }>();

/** Built once per net (tests share the net, so they share the ~0.2 s build too). */
function built(net: Net) {
  let b = cache.get(net);
  if (!b) {
    const components = generateComponents(net);
    const index = new KDBush(components.n, 64, Float64Array);
    for (let i = 0; i < components.n; i++) index.add(components.lon[i], components.lat[i]);
    index.finish();
    b = { components, index };
    cache.set(net, b);
  }
  return b;
}

export function componentRegistry(net: Net, locator: Locator): ComponentRegistry {
  const overlay = new Map<string, Map<number, boolean>>(); // code → open ticket seq → says missing
  let eff: Uint8Array | null = null;
  const shown = (c: Components, i: number, code = c.codeAt(i)) => {
    const open = overlay.get(code);
    if (!open || open.size === 0) return c.base[i];
    for (const missing of open.values()) if (missing) return 2;
    return 1;
  };
  const effective = () => {
    if (!eff) {
      const c = built(net).components;
      eff = c.base.slice();
      for (const code of overlay.keys()) {
        const i = c.indexOf(code);
        if (i >= 0) eff[i] = shown(c, i, code);
      }
    }
    return eff;
  };
  const refresh = (code: string) => {
    if (!eff) return;
    const c = built(net).components;
    const i = c.indexOf(code);
    if (i >= 0) eff[i] = shown(c, i, code);
  };
  const apply = (t: ComponentTicket) => {
    if (!t.component) return;
    let open = overlay.get(t.component);
    if (isOpen(t.status)) {
      if (!open) overlay.set(t.component, (open = new Map()));
      open.set(t.seq, MISSING_WORDS.test(t.description));
    } else if (open) {
      open.delete(t.seq);
      if (open.size === 0) overlay.delete(t.component);
    }
  };

  return {
    data: () => built(net).components,
    query(bbox, mask) {
      const { components: c, index } = built(net);
      const all = (mask & 0x7e) === 0x7e;
      // A box holding the whole city is a plain pass over the classes: the tree would only
      // visit every node (scripts/bench/components.ts: 20 ms through kdbush, 1 ms this way).
      const whole = !bbox || (bbox[0] <= net.city.bbox[0] && bbox[1] <= net.city.bbox[1] && bbox[2] >= net.city.bbox[2] && bbox[3] >= net.city.bbox[3]);
      if (whole) {
        const out: number[] = [];
        for (let i = 0; i < c.n; i++) if (all || (mask >> c.cls[i]) & 1) out.push(i);
        return out;
      }
      // Ascending, as a whole-city pass and PostGIS (store/pg/registers.ts) give them.
      const ids = index.range(bbox[0], bbox[1], bbox[2], bbox[3]).sort((a, b) => a - b);
      return all ? ids : ids.filter((i) => (mask >> c.cls[i]) & 1);
    },
    encode(ids) {
      const c = built(net).components;
      const e = effective();
      const n = ids.length;
      const buf = Buffer.alloc(8 + 12 * n + 3 * n);
      const ab = buf.buffer, off = buf.byteOffset;
      const head = new Uint32Array(ab, off, 2);
      head[0] = COMPONENTS_WIRE_VERSION; head[1] = n;
      const xy = new Float32Array(ab, off + 8, 2 * n);
      const id = new Uint32Array(ab, off + 8 + 8 * n, n);
      const cls = new Uint8Array(ab, off + 8 + 12 * n, n);
      const st = new Uint8Array(ab, off + 8 + 13 * n, n);
      const sub = new Uint8Array(ab, off + 8 + 14 * n, n);
      for (let k = 0; k < n; k++) {
        const i = ids[k];
        xy[2 * k] = c.lon[i]; xy[2 * k + 1] = c.lat[i];
        id[k] = i; cls[k] = c.cls[i]; st[k] = e[i]; sub[k] = c.sub[i];
      }
      return buf;
    },
    state: (i) => effective()[i],
    openTickets: (code) => [...(overlay.get(code)?.keys() ?? [])].sort((a, b) => a - b),
    ticketChanged(t) {
      if (!t.component) return;
      apply(t);
      refresh(t.component);
    },
    load(open) {
      for (const t of open) apply(t);
      eff = null;
    },
  };
}
