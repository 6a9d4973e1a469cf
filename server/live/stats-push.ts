// Today's figures of an area, for the wall's header: by REST (`GET /api/stats/today`) and
// pushed live as `stats`, one computation for both so they are equal. Each carries a
// watermark: the last change (timeline sequence) it includes, so a wall applies only live
// ticket events beyond it; and `serverTime`, the instant (epoch ms) "today" was decided at,
// so a wall keeps its clock and its day boundary on the server's time, not its own PC's.
// Pushes are coalesced: a change marks its five areas, and once a second each marked area
// that has a room with sockets in it gets one `stats`.
// With several nodes (REDIS_URL) each node pushes to its own walls only (`io.local`), and a
// change made on one node marks the areas on every node (server/cluster/live.ts relays the
// touches): so a wall gets one `stats` a second from the node it is connected to, never
// one from each node.
import type { Server } from 'socket.io';
import type { Net } from '../net/types.ts';
import type { KpiStore, TicketStore } from '../store/types.ts';
import { dateCST, dayCST, startOfDayCST } from '../domain/day.ts';
import { figures } from '../domain/kpi.ts';
import { areaKeys } from '../domain/kpi.ts';
import { areaPrefix, childCodeLength } from '../net/hierarchy.ts';
import { CITY_CODE } from '../net/codes.ts';

export interface StatsDeps {
  net: Net;
  store: TicketStore;
  kpi: KpiStore;
  now: () => number;
}

/** `department`: a handler's view, today's tickets dispatched to it (no area KPIs). */
export async function todayStats({ net, store, kpi, now }: StatsDeps, code: string, department?: string) {
  const area = net.areas.get(code)!;
  const t = now();
  // Read together (one synchronous store, one tick): the counts include exactly the
  // changes up to the watermark.
  const watermark = await store.lastChange();
  const c = await store.count({ area: areaPrefix(area.code), from: startOfDayCST(t), department }, childCodeLength(area.code));
  const base = {
    date: dateCST(t),
    serverTime: t,
    watermark,
    area: { code: area.code, name: area.name, level: area.level },
    reported: c.total,
    byStatus: c.byStatus,
    byCategory: c.byCategory,
    byChild: area.children.map((child) => ({ code: child, name: net.areas.get(child)!.name, reported: c.byChild[child] ?? 0 })),
  };
  if (department) return base;
  const day = dayCST(t);
  const k = figures(await kpi.total('area', code, day, day + 1));
  return {
    ...base,
    registered: k.registered, closed: k.closed, closureRate: k.closureRate, onTimeRate: k.onTimeRate, supervised: k.supervised,
    overdueNow: await store.overdue(code === CITY_CODE ? '' : areaPrefix(code), t),
  };
}

export interface StatsPush {
  /** A ticket of this grid changed: its areas' figures go out with the next push. */
  touch(gridCode: string): void;
  /** A change made on another node (not relayed again). */
  touchFromPeer(gridCode: string): void;
  /** Where touches made here go besides this node (the cluster's relay). */
  relayTo(f: (gridCode: string) => void): void;
  /** Pushes now (tests; the timer calls it every `intervalMs`). */
  flush(): Promise<void>;
  stop(): void;
}

export function createStatsPush(deps: StatsDeps, io: () => Server | undefined, intervalMs = 1000): StatsPush {
  const dirty = new Set<string>();
  let running = false;
  const flush = async () => {
    if (running || dirty.size === 0) return;
    running = true;
    try {
      const server = io();
      const codes = [...dirty];
      dirty.clear();
      for (const code of codes) {
        const room = `area:${code}`;
        if (!server?.sockets.adapter.rooms.get(room)?.size || !deps.net.areas.has(code)) continue;
        server.local.to(room).emit('stats', await todayStats(deps, code));
      }
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void flush().catch(() => {}), intervalMs);
  timer.unref();
  let relay: ((gridCode: string) => void) | null = null;
  const mark = (gridCode: string) => { for (const k of areaKeys(gridCode, CITY_CODE)) dirty.add(k); };
  return {
    touch: (gridCode) => (mark(gridCode), relay?.(gridCode)),
    touchFromPeer: mark,
    relayTo: (f) => void (relay = f),
    flush,
    stop: () => clearInterval(timer),
  };
}
