// The live feed across nodes, besides the adapter (socket-adapter.ts) and the positions
// (positions-relay.ts): the small signals one node's change must give the others, and what
// a node does while it cannot reach Redis.
//  - `stats`: a change marks its areas on every node (a server-side event, batched), and
//    each node pushes only to its own walls (live/stats-push.ts): one `stats` per wall.
//  - tasks: a ticket assigned or finished on one node turns its worker "on a task" on
//    every node's frames.
//  - Partition: a node that lost Redis would show its walls only its own part of the city
//    and drop their broadcasts, so it refuses new connections ("unavailable: …", the
//    middleware's error the client sees in connect_error) and closes the transports of the
//    walls it has: they reconnect by themselves, through the balancer, to a node that can
//    serve them, and recover what they missed there (the session is kept in Redis).
import type { Live, LiveOptions } from '../live/socket.ts';
import type { StatsPush } from '../live/stats-push.ts';
import type { Patrol } from '../patrol/service.ts';
import type { RedisLink } from './redis.ts';
import { redisStreamsAdapter } from './socket-adapter.ts';
import { relayPositions } from './positions-relay.ts';

const STATS = 'one-net:stats';
const TASK = 'one-net:task';
export const UNAVAILABLE = 'unavailable: this server lost the shared state (Redis); connect again (another server will answer)';

/** The live feed's options on a node of several. */
export function clusterLiveOptions(link: RedisLink, o: LiveOptions = {}): Pick<LiveOptions, 'adapter' | 'refuse'> {
  return {
    adapter: redisStreamsAdapter(link, { packets: o.recoveryMaxPackets ?? 5000, replay: Math.floor((o.maxQueuedPackets ?? 2000) / 2) }),
    refuse: () => (link.up() ? null : UNAVAILABLE),
  };
}

type Log = (msg: string, obj?: object) => void;

/** Joins this node's live feed and patrol state to the others'; `stop` when the app closes. */
export function joinCluster(link: RedisLink, live: Live, statsPush: StatsPush, patrol: Patrol, log: Log): { stop(): Promise<void> } {
  const io = live.io;
  let touched = new Set<string>();
  statsPush.relayTo((grid) => touched.add(grid));
  const relayStats = setInterval(() => {
    if (!touched.size) return;
    io.serverSideEmit(STATS, [...touched]);
    touched = new Set();
  }, 200);
  relayStats.unref();
  io.on(STATS, (grids: unknown) => {
    if (Array.isArray(grids)) for (const g of grids) if (typeof g === 'string') statsPush.touchFromPeer(g);
  });

  patrol.relayTasksTo((r) => io.serverSideEmit(TASK, r));
  io.on(TASK, (r: unknown) => {
    const x = r as { seq?: unknown; status?: unknown; assignee?: unknown };
    if (typeof x?.seq === 'number' && typeof x.status === 'string' && (x.assignee === null || typeof x.assignee === 'string')) {
      patrol.taskChangedByPeer(x as Parameters<Patrol['taskChangedByPeer']>[0]);
    }
  });

  const positions = relayPositions(link, patrol, { log });

  let closed = false;
  link.onChange((up) => {
    if (closed) return;
    if (up) return log('live: Redis reachable again, taking walls');
    log('live: Redis unreachable, walls sent elsewhere');
    for (const s of io.of('/').sockets.values()) s.conn.close();
  });

  return {
    async stop() {
      closed = true;
      clearInterval(relayStats);
      await positions.stop();
      await io.of('/').adapter.close();
    },
  };
}
