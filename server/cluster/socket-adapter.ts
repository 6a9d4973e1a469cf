// Socket.IO across nodes: @socket.io/redis-streams-adapter. Streams, not pub/sub, because
// the wall relies on connection-state recovery: every broadcast is an entry of a Redis
// stream whose id is the client's offset, and a client that reconnects (to any node) is
// replayed what it missed from the stream; the pub/sub adapter cannot do that.
// Bounded like the in-memory adapter (live/bounds.ts): the stream is trimmed to ~maxLen
// entries (all areas together), and a session that missed more than `replay` packets is
// not recovered (the wall resyncs over HTTP) so the replay fits the client's queue bound.
// Frames sent volatile and with `io.local` (positions) never enter the stream.
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { ServerOptions } from 'socket.io';
import type { Session } from 'socket.io-adapter';
import type { RedisLink } from './redis.ts';

/** Longest wait for a session's recovery from Redis before the wall is served without it. */
const RESTORE_TIMEOUT_MS = 2000;

export function redisStreamsAdapter(link: RedisLink, max: { packets: number; replay: number }): ServerOptions['adapter'] {
  // Publishes with this client, reads with duplicates of it (each its own blocking XREAD).
  // An offline queue with few retries: while Redis is away a broadcast waits for a
  // reconnection briefly, then fails (the node refuses walls meanwhile, see cluster/live.ts).
  const client = link.blocking({ maxRetriesPerRequest: 2 });
  // The adapter fires some commands and never looks at their result: persistSession's SET
  // (on every wall's disconnect, which is exactly when a node that lost Redis closes its
  // walls) and ephemeral PUBLISHes. Their rejection was unhandled and ended the process
  // (found by tests/cluster.faults.test.ts cutting a node off from Redis). A handler on
  // each promise marks it handled; a caller that awaits it still gets the rejection.
  for (const m of ['set', 'publish', 'spublish'] as const) {
    const f = (client[m] as (...a: unknown[]) => Promise<unknown>).bind(client);
    (client as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
      const p = f(...a);
      p.catch(() => {});
      return p;
    };
  }
  const make = createAdapter(client, {
    streamName: `${link.prefix}socket.io`,
    channelPrefix: `${link.prefix}socket.io`,
    sessionKeyPrefix: `${link.prefix}sio:session:`,
    maxLen: max.packets,
  });
  return function capped(nsp: Parameters<typeof make>[0]) {
    const adapter = make(nsp);
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => {
      // Socket.IO awaits this before the middlewares that would refuse the wall, and a Redis
      // that is unreachable (a partition: packets dropped, nothing answers) never settles
      // it: the wall would hang until its own 20 s connect timeout. Not recoverable then;
      // the refusal follows at once and the wall goes elsewhere (found by the fault test).
      if (!link.up()) return null as unknown as Session;
      const session = await Promise.race([restore(pid, offset), new Promise<null>((r) => setTimeout(r, RESTORE_TIMEOUT_MS, null).unref())]);
      // Typed as Session, but upstream resolves null for "not recoverable".
      return (session && session.missedPackets.length > max.replay ? null : session) as Session;
    };
    const close = adapter.close.bind(adapter);
    adapter.close = () => {
      close();
      client.disconnect();
    };
    return adapter;
  } as unknown as ServerOptions['adapter'];
}
