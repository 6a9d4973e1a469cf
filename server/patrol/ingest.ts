// Position ingest, the same for every way a fix arrives (OsmAnd from Traccar Client and
// trackers, the native batch API for gateways, the phone page): each fix checked and
// converted to WGS-84 (domain/fix-check.ts), refused alone when wrong, located in its grid,
// appended to the track store (duplicates — the same device and instant — dropped there),
// and, once committed, handed to the live positions that frame it for walls.
import { checkFix, type RawFix } from '../domain/fix-check.ts';
import { osmandTime } from '../domain/osmand.ts';
import { CRS_CODES, type Crs } from '../geo/datum.ts';
import type { Fix } from '../domain/fix.ts';
import type { Locator } from '../geo/locator.ts';
import type { TrackStore } from '../store/tracks.ts';
import type { LivePositions } from './live-positions.ts';
import type { DeviceInfo, Roster } from './roster.ts';
import type { Coverage } from './coverage.ts';
import { dayCST } from '../domain/day.ts';

export interface Sent {
  device: string;
  fix: RawFix;
}

export interface Ingested {
  accepted: number;
  /** Indices (in the request) of fixes already stored: dropped. */
  duplicates: number[];
  rejected: { index: number; message: string }[];
}

export interface IngestDeps {
  roster: Roster;
  tracks: TrackStore;
  live: LivePositions;
  coverage: Coverage;
  locator: Locator;
  now: () => number;
  /** The oldest instant a fix may carry (the tracks' retention). */
  oldest: () => number;
  /** Each fix stored and shown here (the cluster relays them to the other nodes' walls). */
  onAccepted?: (device: DeviceInfo, fix: Fix) => void;
}

/** `mayWrite(device)`: whether the caller may send this device's fixes (null: yes). */
export type DeviceCheck = (device: string) => { info: DeviceInfo } | { problem: string };

export function patrolIngest(d: IngestDeps) {
  return async function ingest(sent: Sent[], check: DeviceCheck): Promise<Ingested> {
    const lim = { now: d.now(), oldest: d.oldest() };
    const rejected: Ingested['rejected'] = [];
    const fixes: Fix[] = [];
    const from: number[] = []; // request index of each fix kept
    const devices: DeviceInfo[] = [];
    for (let k = 0; k < sent.length; k++) {
      const who = check(sent[k].device);
      if ('problem' in who) {
        rejected.push({ index: k, message: who.problem });
        continue;
      }
      const r = checkFix(who.info.id, sent[k].fix, lim);
      if ('problem' in r) {
        rejected.push({ index: k, message: r.problem });
        continue;
      }
      fixes.push(r.fix);
      from.push(k);
      devices.push(who.info);
    }
    const stored = fixes.length ? await d.tracks.append(fixes) : { stored: 0, duplicates: [] };
    const dropped = new Set(stored.duplicates);
    const today = dayCST(lim.now);
    for (let j = 0; j < fixes.length; j++) {
      if (dropped.has(j)) continue;
      const f = fixes[j];
      const grid = d.locator.gridAt(f.lon, f.lat);
      d.live.update(devices[j].index, f, grid);
      d.coverage.add(devices[j], f, grid, today);
      d.onAccepted?.(devices[j], f);
    }
    return { accepted: fixes.length - dropped.size, duplicates: stored.duplicates.map((j) => from[j]), rejected };
  };
}

export type Ingest = ReturnType<typeof patrolIngest>;

// One fix of a batch (POST /api/positions, the socket's `fixes`) as sent: its shape checked
// here, its values by checkFix; one bad fix is refused alone.
const FIELDS = new Set(['device', 't', 'lon', 'lat', 'crs', 'speed', 'bearing', 'altitude', 'accuracy', 'battery']);
const NUMERIC = ['lon', 'lat', 'speed', 'bearing', 'altitude', 'accuracy', 'battery'] as const;

/** One fix of a batch as sent, or what is wrong with its shape. */
export function sentFix(v: unknown): Sent | { problem: string } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { problem: 'fix: expected an object' };
  const o = v as Record<string, unknown>;
  const extra = Object.keys(o).find((k) => !FIELDS.has(k));
  if (extra !== undefined) return { problem: `${extra.slice(0, 40)}: not a field of a fix` };
  if (o.device !== undefined && (typeof o.device !== 'string' || o.device.length > 128)) return { problem: 'device: must be a device id (text, up to 128 characters)' };
  for (const k of NUMERIC) if (o[k] !== undefined && o[k] !== null && typeof o[k] !== 'number') return { problem: `${k}: must be a number` };
  if (o.crs !== undefined && !CRS_CODES.includes(o.crs as Crs)) return { problem: `crs: must be one of ${CRS_CODES.join(', ')}` };
  const t = typeof o.t === 'number' ? o.t : typeof o.t === 'string' ? osmandTime(o.t) : NaN;
  if (o.t === undefined) return { problem: 't: required (epoch ms or ISO 8601)' };
  const fix: RawFix = { t, lon: o.lon as number, lat: o.lat as number, crs: (o.crs as Crs | undefined) ?? 'wgs84' };
  for (const k of ['speed', 'bearing', 'altitude', 'accuracy', 'battery'] as const) fix[k] = (o[k] as number | null | undefined) ?? null;
  return { device: (o.device as string | undefined) ?? '', fix };
}

