// The cameras of a deployment: the register (catalogue.ts), its point index (index.ts), each
// camera's status kept in the store (store/cameras.ts) and pushed live as `camera` events,
// and where each one's video is played from.
//
// Built at the first call, not at start: ~0.1 s of drawing and locating that a server with
// no wall looking at cameras (most tests) never pays. The statuses live in typed arrays
// beside the catalogue's columns, loaded once from the store and written through on change.
import type { Net } from '../net/types.ts';
import type { Live } from '../live/socket.ts';
import type { CameraStatusStore } from '../store/cameras.ts';
import { CAMERA_STATUSES, type CameraStatus } from '../domain/camera-id.ts';
import { generateCameras, type CameraCatalogue } from './catalogue.ts';
import { CameraIndex } from './index.ts';
import type { CameraLookup, PgRegisters } from '../store/pg/registers.ts';

/** The clip the project ships (data/video/test-signal), served by routes/video.ts. */
export const TEST_SIGNAL_URL = '/video/test-signal/index.m3u8';

export interface CameraState {
  catalogue: CameraCatalogue;
  /** By place: the node's kdbush index, or PostGIS's on PostgreSQL (the same answers). */
  index: CameraIndex | CameraLookup;
  /** Index into CAMERA_STATUSES per camera (0: online). */
  status: Uint8Array;
  /** When it was last set (epoch ms), 0 when never. */
  statusAt: Float64Array;
}

export interface Cameras {
  ready(): Promise<CameraState>;
  /** Stores and pushes a camera's status; `changed` false when a later one was already stored
   * or it was already so. Undefined when there is no such camera. */
  setStatus(id: string, status: CameraStatus, by: string, at?: number): Promise<{ changed: boolean; before: CameraStatus; status: CameraStatus; at: number } | undefined>;
  /** The camera's HLS address: the deployment's template (`{id}` replaced) or the test signal. */
  hlsUrl(id: string): string;
  /** True when every camera plays the shipped test signal (no gateway configured). */
  testSignal: boolean;
}

export interface CameraOptions {
  net: Net;
  gridAt: (lon: number, lat: number) => string | null;
  store: CameraStatusStore;
  /** PostgreSQL: the register is loaded into PostGIS, which answers the queries by place. */
  registers?: PgRegisters;
  live: Live;
  now: () => number;
  /** e.g. `https://vms.example.gov.cn/hls/{id}/index.m3u8` (CAMERA_HLS_URL); default the test signal. */
  hlsTemplate?: string;
  /** How many to draw (default 20,000); tests may ask fewer. */
  count?: number;
}

export function createCameras(o: CameraOptions): Cameras {
  let state: Promise<CameraState> | null = null;
  const template = o.hlsTemplate || TEST_SIGNAL_URL;
  const build = async (): Promise<CameraState> => {
    const catalogue = generateCameras(o.net, o.gridAt, o.count);
    const status = new Uint8Array(catalogue.count);
    const statusAt = new Float64Array(catalogue.count);
    for (const r of await o.store.all()) {
      const i = catalogue.byId.get(r.id);
      if (i === undefined) continue; // a camera no longer in the register
      status[i] = CAMERA_STATUSES.indexOf(r.status);
      statusAt[i] = r.at;
    }
    if (o.registers) await o.registers.sync({ cameras: catalogue });
    return { catalogue, index: o.registers?.cameras ?? new CameraIndex(catalogue), status, statusAt };
  };
  const ready = () => (state ??= build().catch((e: unknown) => {
    state = null; // a store that failed once may answer next time
    throw e;
  }));

  return {
    ready,
    async setStatus(id, status, by, at = o.now()) {
      const s = await ready();
      const i = s.catalogue.byId.get(id);
      if (i === undefined) return undefined;
      const before = CAMERA_STATUSES[s.status[i]];
      const stored = before !== status && (await o.store.set({ id, status, at, by }));
      if (!stored) return { changed: false, before, status: CAMERA_STATUSES[s.status[i]], at: s.statusAt[i] };
      s.status[i] = CAMERA_STATUSES.indexOf(status);
      s.statusAt[i] = at;
      o.live.publishCamera(s.catalogue.grid[i], { id, status, at });
      return { changed: true, before, status, at };
    },
    hlsUrl: (id) => template.replaceAll('{id}', encodeURIComponent(id)),
    testSignal: template === TEST_SIGNAL_URL,
  };
}
