// Patrol, put together once for the app: the roster of devices, their live positions and
// frames, ingest, and the track store behind them; plus who may send which device's fixes.
import type { Net } from '../net/types.ts';
import type { Locator } from '../geo/locator.ts';
import { TRACK_COMPACT_INTERVAL_MS, type TrackStore } from '../store/tracks.ts';
import type { FastifyInstance } from 'fastify';
import type { Live } from '../live/socket.ts';
import type { AccessStore } from '../store/types.ts';
import { inScope, type Principal } from '../auth/principal.ts';
import { dayCST, dayStartMs } from '../domain/day.ts';
import { accountDevice, Roster, type DeviceInfo } from './roster.ts';
import { LivePositions } from './live-positions.ts';
import { patrolIngest, sentFix, type DeviceCheck, type Ingested, type Sent } from './ingest.ts';
import { PatrolTasks } from './tasks.ts';
import { NearestWorkers } from './nearest.ts';
import { Coverage } from './coverage.ts';
import type { TicketRecord } from '../domain/ticket.ts';
import type { TicketStore } from '../store/types.ts';
import type { Fix } from '../domain/fix.ts';
import { localSingletons, type Singletons } from '../cluster/singleton.ts';

export interface PatrolOptions {
  net: Net;
  tracks: TrackStore;
  locator: Locator;
  access: AccessStore;
  now: () => number;
  /** Days of tracks kept (whole CST days). */
  retentionDays?: number;
  offlineAfterMs?: number;
  frameIntervalMs?: number;
}

export const DEFAULT_RETENTION_DAYS = 30;
const COMPACT_AFTER_FIXES = 200_000;

export function createPatrol(o: PatrolOptions) {
  const roster = new Roster(o.net);
  const retentionDays = o.retentionDays ?? DEFAULT_RETENTION_DAYS;
  /** The first instant kept: the start of the oldest CST day inside the retention. */
  const oldest = () => dayStartMs(dayCST(o.now()) - retentionDays + 1);
  const tasks = new PatrolTasks();
  const live = new LivePositions({ roster, now: o.now, offlineAfterMs: o.offlineAfterMs, intervalMs: o.frameIntervalMs, onTask: (device) => tasks.has(device) });
  const nearest = new NearestWorkers(live, roster, o.now);
  const coverage = new Coverage(o.net, o.locator, o.now);
  // With several nodes (server/cluster/) each node's walls see the fixes every node took in:
  // what is accepted here goes to `relay`, and what a peer accepted comes in by `applyPeer`.
  let relay: ((device: DeviceInfo, fix: Fix) => void) | null = null;
  let taskRelay: ((r: Pick<TicketRecord, 'seq' | 'status' | 'assignee'>) => void) | null = null;
  const ingestFixes = patrolIngest({ roster, tracks: o.tracks, live, coverage, locator: o.locator, now: o.now, oldest, onAccepted: (d, f) => relay?.(d, f) });
  const taskChangedHere = (r: Pick<TicketRecord, 'seq' | 'status' | 'assignee'>) => {
    for (const device of tasks.changed(r)) {
      const info = roster.get(device);
      if (info) live.refreshTask(info.index);
    }
  };
  // Fixes wait in the track store's memory until compaction: at a gateway's rate (50,000 a
  // second) a minute's worth is ~0.75 GB, so past this many it compacts without waiting.
  let sinceCompaction = 0;
  const ingest: typeof ingestFixes = async (sent, check) => {
    const r = await ingestFixes(sent, check);
    sinceCompaction += r.accepted;
    if (sinceCompaction >= COMPACT_AFTER_FIXES) {
      sinceCompaction = 0;
      void o.tracks.compact().catch(() => {}); // the timer's next round reports a failure
    }
    return r;
  };

  /** The device a principal writes as: a tracker's own id, a worker account's phone page. */
  function deviceOf(p: Principal): DeviceInfo {
    if (p.kind === 'device') return roster.get(p.id) ?? roster.add({ id: p.id, name: p.name, role: 'tracker', grid: p.scope, kind: 'tracker' });
    const id = accountDevice(p.id);
    return roster.get(id) ?? roster.add({ id, name: p.name, role: 'worker', grid: p.grids?.[0] ?? p.scope, kind: 'phone' });
  }

  /** Which devices' fixes a principal may send: its own (a device or a worker's phone page);
   * any device inside its scope for an admin or a gateway (an integration key). */
  async function checkFor(p: Principal, sent: Sent[]): Promise<DeviceCheck> {
    if (p.kind === 'device' || p.role === 'worker') {
      const own = deviceOf(p);
      return (device) => (device === '' || device === own.id ? { info: own } : { problem: `device: ${device.slice(0, 64)} is not yours (you send as ${own.id})` });
    }
    // Trackers an admin registered are added when first named.
    for (const id of new Set(sent.map((s) => s.device))) {
      if (!id || roster.get(id)) continue;
      const d = await o.access.issued('device', id);
      if (d && d.revokedAt === null) roster.add({ id: d.id, name: d.name, role: 'tracker', grid: d.scope, kind: 'tracker' });
    }
    return (device) => {
      if (!device) return { problem: 'device: required (the id of the device the fix is from)' };
      const info = roster.get(device);
      if (!info) return { problem: `device: ${device.slice(0, 64)} is not a registered device` };
      if (!inScope(p, info.grid)) return { problem: `device: ${device.slice(0, 64)} belongs to ${info.grid}, outside your scope ${p.scope}` };
      return { info };
    };
  }

  return {
    roster,
    live,
    tasks,
    nearest,
    coverage,
    /** A ticket changed: its worker's "on a task" colour follows. */
    taskChanged(r: Pick<TicketRecord, 'seq' | 'status' | 'assignee'>): void {
      taskChangedHere(r);
      taskRelay?.({ seq: r.seq, status: r.status, assignee: r.assignee });
    },
    /** Where fixes accepted here go (the cluster's positions relay). */
    relayFixesTo(f: (device: DeviceInfo, fix: Fix) => void): void {
      relay = f;
    },
    /** Where task changes made here go (the cluster tells the other nodes). */
    relayTasksTo(f: (r: Pick<TicketRecord, 'seq' | 'status' | 'assignee'>) => void): void {
      taskRelay = f;
    },
    /** A fix another node accepted (and stored): shown and counted here as if taken in here. */
    applyPeer(device: DeviceInfo, fix: Fix): void {
      const grid = o.locator.gridAt(fix.lon, fix.lat);
      live.update(device.index, fix, grid);
      coverage.add(device, fix, grid);
    },
    /** A ticket change another node made: the worker's "on a task" colour follows here too. */
    taskChangedByPeer: taskChangedHere,
    tracks: o.tracks,
    retentionDays,
    oldest,
    deviceOf,
    checkFor,
    ingest,
    /** A batch as sent (POST /api/positions, the socket's `fixes`): each fix's shape, then
     * its values, checked alone; the answer in the request's indices. */
    async ingestBatch(p: Principal, raw: readonly unknown[]): Promise<Ingested> {
      const sent: Sent[] = [];
      const at: number[] = [];
      const rejected: Ingested['rejected'] = [];
      raw.forEach((v, index) => {
        const s = sentFix(v);
        if ('problem' in s) rejected.push({ index, message: s.problem });
        else (sent.push(s), at.push(index));
      });
      const r = await ingest(sent, await checkFor(p, sent));
      for (const x of r.rejected) rejected.push({ index: at[x.index], message: x.message });
      return { accepted: r.accepted, duplicates: r.duplicates.map((k) => at[k]), rejected: rejected.sort((a, b) => a.index - b.index) };
    },
    /** Reloads each device's newest fix (after a restart, before walls connect). */
    async restore(store: TicketStore): Promise<void> {
      await tasks.restore(store);
      for (const f of await o.tracks.lastFixes()) {
        const info = roster.get(f.device);
        if (info) live.update(info.index, f, o.locator.gridAt(f.lon, f.lat));
      }
    },
    /** Today's coverage (kept in memory) walked again from the stored tracks after a restart:
     * one device at a time, each read a yield for the server's other work. Resolves with the
     * devices and fixes replayed. */
    async rebuildCoverage(): Promise<{ devices: number; fixes: number }> {
      const from = dayStartMs(dayCST(o.now()));
      let devices = 0, fixes = 0;
      for (const last of await o.tracks.lastFixes()) {
        if (last.t < from) continue;
        const info = roster.get(last.device);
        if (!info) continue;
        const day = await o.tracks.track(last.device, from, o.now() + 1);
        coverage.replay(info, day, (lon, lat) => o.locator.gridAt(lon, lat));
        devices++;
        fixes += day.length;
      }
      return { devices, fixes };
    },
  };
}

export type Patrol = ReturnType<typeof createPatrol>;

/** The coverage rebuild started with each app (tests and the startup log wait for it). */
export const coverageRebuilt = new WeakMap<Patrol, Promise<{ devices: number; fixes: number } | null>>();

/** Runs patrol in the app: the newest fixes back on the wall after a restart, frames to walls
 * every half second, tracks compacted every minute and whole days past the retention
 * dropped; all stopped when the app closes. */
export async function startPatrol(app: FastifyInstance, patrol: Patrol, live: Live, store: TicketStore, singletons: Singletons = localSingletons()): Promise<void> {
  await patrol.restore(store);
  // In the background: a wall asking meanwhile sees today's coverage filling in.
  const rebuilt = patrol.rebuildCoverage().then(
    (r) => (r.devices > 0 && app.log.info(r, 'patrol: today\'s coverage rebuilt from the stored tracks'), r),
    (e: unknown) => (app.log.error({ err: e }, 'patrol: coverage not rebuilt'), null),
  );
  coverageRebuilt.set(patrol, rebuilt);
  live.positions.snapshotFrom((area) => patrol.live.snapshot(area));
  live.positions.fixesTo((p, raw) => patrol.ingestBatch(p, raw));
  patrol.live.start(live.positions);
  // Compaction and retention: on one node of several (the track store is shared), both
  // idempotent, so an overlap while a lease changes hands does no harm.
  const housekeeping = singletons.runOnce('track-housekeeping', () => {
    let dropped = -1;
    const timer = setInterval(() => {
      void (async () => {
        await patrol.tracks.compact();
        const keepFrom = dayCST(patrol.oldest());
        if (keepFrom !== dropped) (await patrol.tracks.dropDaysBefore(keepFrom), (dropped = keepFrom));
      })().catch((e: unknown) => app.log.error({ err: e }, 'patrol: track housekeeping failed'));
    }, TRACK_COMPACT_INTERVAL_MS);
    timer.unref();
    return () => clearInterval(timer);
  });
  app.addHook('onClose', async () => {
    await housekeeping.stop();
    patrol.live.stop();
  });
}
