// Patrol positions across nodes. A phone posts its fixes to whichever node the balancer
// picks, but a wall on another node must see it move; and that node's other patrol state
// (nearest workers for dispatch, today's coverage) needs the fix as well.
//
// Chosen: each node publishes the fixes it accepted (after they are stored), batched every
// `flushMs`, as one entry of a Redis stream; every node reads the stream and applies its
// peers' fixes to its own live positions and coverage, exactly as if it had taken them in
// (patrol.applyPeer). Each node then frames for its own walls from complete state, sent
// with `io.local`: frames never cross nodes and never enter the adapter's stream.
// Rejected: merging frames in the client by device. Frame indices are per node, a wall's
// snapshot would only hold its own node's devices, and the server's own uses of positions
// (nearest workers, coverage) would still see a part of the city.
//
// Entry fields: n = the sending node (a node skips its own), d = device ids joined by "\n",
// f = float64 little-endian triples (t, lon, lat), x = JSON of the devices the net does not
// name (trackers, phone pages), so a peer can add them to its roster. ~40 bytes a fix.
// Memory is bounded: the stream is trimmed to ~`maxLen` entries (XADD MAXLEN ~), and a
// batch waiting here is sent early past `maxBatch` fixes. A batch that cannot be sent
// (Redis down) is dropped: positions are "where is it now", the next fix corrects them, and
// the fixes themselves are in the track store. A node (re)starting reads the newest fix of
// every device from the shared track store (patrol.restore), then this stream from "$".
import type { Redis } from 'ioredis';
import type { Fix } from '../domain/fix.ts';
import type { Patrol } from '../patrol/service.ts';
import type { DeviceInfo } from '../patrol/roster.ts';
import type { RedisLink } from './redis.ts';

export interface PositionsRelayOptions {
  flushMs?: number;
  maxLen?: number;
  maxBatch?: number;
  log?: (msg: string, obj?: object) => void;
}

type PeerDevice = Omit<DeviceInfo, 'index'>;

export function relayPositions(link: RedisLink, patrol: Patrol, o: PositionsRelayOptions = {}): { stop(): Promise<void> } {
  const key = `${link.prefix}positions`;
  const maxLen = o.maxLen ?? 2000;
  const maxBatch = o.maxBatch ?? 20_000;
  // The roster holds the net's phone carriers only until the first ingest: those every node
  // knows by the same id; devices added later travel with their description.
  const netDevices = patrol.roster.size;

  let ids: string[] = [];
  let nums: number[] = [];
  let extra: Record<string, PeerDevice> = {};
  const send = () => {
    if (!ids.length) return;
    const f = Buffer.allocUnsafe(nums.length * 8);
    for (let i = 0; i < nums.length; i++) f.writeDoubleLE(nums[i], i * 8);
    const fields = ['n', link.nodeId, 'd', ids.join('\n'), 'f', f, 'x', JSON.stringify(extra)];
    ids = [];
    nums = [];
    extra = {};
    link.commands.xadd(key, 'MAXLEN', '~', maxLen, '*', ...fields).catch((e: unknown) => o.log?.('positions relay: a batch was not sent', { err: (e as Error).message }));
  };
  patrol.relayFixesTo((d, fix) => {
    ids.push(d.id);
    nums.push(fix.t, fix.lon, fix.lat);
    if (d.index >= netDevices) extra[d.id] = { id: d.id, name: d.name, role: d.role, grid: d.grid, kind: d.kind };
    if (ids.length >= maxBatch) send();
  });
  const timer = setInterval(send, o.flushMs ?? 250);
  timer.unref();

  let stopped = false;
  const reader: Redis = link.blocking();
  const apply = (fields: Buffer[]) => {
    const m = new Map<string, Buffer>();
    for (let i = 0; i + 1 < fields.length; i += 2) m.set(fields[i].toString(), fields[i + 1]);
    if (m.get('n')?.toString() === link.nodeId) return;
    const d = m.get('d')?.toString().split('\n') ?? [];
    const f = m.get('f');
    if (!f || f.length !== d.length * 24) return;
    const x = JSON.parse(m.get('x')?.toString() || '{}') as Record<string, PeerDevice>;
    for (let k = 0; k < d.length; k++) {
      const info = patrol.roster.get(d[k]) ?? (x[d[k]] ? patrol.roster.add(x[d[k]]) : undefined);
      if (!info) continue;
      const t = f.readDoubleLE(k * 24), lon = f.readDoubleLE(k * 24 + 8), lat = f.readDoubleLE(k * 24 + 16);
      patrol.applyPeer(info, { device: info.id, t, lon, lat, speed: null, bearing: null, altitude: null, accuracy: null, battery: null });
    }
  };
  const reading = (async () => {
    let last = '$';
    while (!stopped) {
      try {
        const r = await reader.xreadBuffer('COUNT', 100, 'BLOCK', 2000, 'STREAMS', key, last);
        for (const [, entries] of r ?? []) {
          for (const [id, fields] of entries) {
            last = id.toString();
            try {
              apply(fields);
            } catch (e) {
              o.log?.('positions relay: an entry was not applied', { err: (e as Error).message });
            }
          }
        }
      } catch {
        // Redis away: ioredis reconnects; wait a little rather than spin.
        if (!stopped) await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      send();
      reader.disconnect();
      await reading;
    },
  };
}
