// The wall's cameras: one store the cameras layer, the camera panel, the video grid (四屏合一)
// and a ticket's nearest cameras read from. The register comes once over HTTP as columns
// (GET /api/cameras) into typed arrays; `camera` events from the socket (live/socket.ts) set
// one camera's status and colour in place. Components subscribe and re-read.
import { apiFetch } from '../auth/session.ts';

export const STATUSES = ['online', 'offline', 'fault'] as const;
export type CameraStatus = (typeof STATUSES)[number];
export const STATUS_NAME: Record<CameraStatus, string> = { online: '在线', offline: '离线', fault: '故障' };
/** Online green, offline grey, fault orange-red: read at 5 m against the dark map. */
export const STATUS_RGBA: Record<CameraStatus, [number, number, number, number]> = { online: [64, 220, 140, 235], offline: [120, 132, 150, 200], fault: [255, 96, 64, 255] };
export const statusCss = (s: CameraStatus) => `rgba(${STATUS_RGBA[s].slice(0, 3).join(',')},1)`;

export interface CameraDetails {
  id: string; name: string; type: string; typeName: string; owner: string; ownerName: string;
  status: CameraStatus; statusName: string; statusAt: string | null; grid: string; place: string;
  lon: number; lat: number; hlsUrl: string; testSignal: boolean; synthetic: boolean; distanceM?: number;
}

export interface CameraColumns {
  count: number;
  ids: string[];
  /** lon, lat per camera (deck.gl's getPosition). */
  positions: Float32Array;
  status: Uint8Array;
  /** RGBA per camera (getFillColor), normalised. */
  fill: Uint8Array;
  slot: Map<string, number>;
  /** Bumped when colours change, so the layer re-uploads only them. */
  colorVersion: number;
}

interface CameraState {
  columns: CameraColumns | null;
  loading: boolean;
  error: string | null;
  /** The camera whose panel is open. */
  open: CameraDetails | null;
  /** The video grid's four places (null: empty), kept in localStorage. */
  wall: (CameraDetails | null)[];
  /** A ticket's nearest cameras (视频联动). */
  ticket: { id: string; items: CameraDetails[]; status: 'loading' | 'ready' | 'error'; message?: string } | null;
}

const WALL_KEY = 'one-net.video-wall';
function loadWall(): (CameraDetails | null)[] {
  try {
    const v = JSON.parse(localStorage.getItem(WALL_KEY) ?? '[]') as unknown;
    if (Array.isArray(v)) return [0, 1, 2, 3].map((i) => (v[i] && typeof v[i] === 'object' && typeof v[i].id === 'string' ? (v[i] as CameraDetails) : null));
  } catch {
    /* a broken entry: start empty */
  }
  return [null, null, null, null];
}

let state: CameraState = { columns: null, loading: false, error: null, open: null, wall: loadWall(), ticket: null };
const listeners = new Set<() => void>();
const set = (patch: Partial<CameraState>) => {
  state = { ...state, ...patch };
  if (patch.wall) localStorage.setItem(WALL_KEY, JSON.stringify(patch.wall));
  for (const l of listeners) l();
};
export const getCameras = () => state;
export function subscribeCameras(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

async function getJson<T>(path: string): Promise<T> {
  const r = await apiFetch(path, { headers: { accept: 'application/json' } });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${((await r.json().catch(() => ({}))) as { message?: string }).message ?? ''}`);
  return (await r.json()) as T;
}

/** The register of the wall's scope, once (the layer asks when first shown). */
export async function loadCameras(): Promise<void> {
  if (state.columns || state.loading) return;
  set({ loading: true });
  try {
    const c = await getJson<{ count: number; ids: string[]; lon: number[]; lat: number[]; status: number[] }>('/api/cameras');
    const positions = new Float32Array(c.count * 2);
    const status = Uint8Array.from(c.status);
    const fill = new Uint8Array(c.count * 4);
    for (let i = 0; i < c.count; i++) {
      positions[2 * i] = c.lon[i];
      positions[2 * i + 1] = c.lat[i];
      fill.set(STATUS_RGBA[STATUSES[status[i]]], 4 * i);
    }
    set({ loading: false, error: null, columns: { count: c.count, ids: c.ids, positions, status, fill, slot: new Map(c.ids.map((id, i) => [id, i])), colorVersion: 1 } });
  } catch (e) {
    set({ loading: false, error: (e as Error).message });
  }
}

/** A `camera` event: the status of one camera, in place. */
export function receiveCamera(e: { id: string; status: string; at: number }): void {
  const s = STATUSES.indexOf(e.status as CameraStatus);
  if (s < 0 || typeof e.id !== 'string') return;
  const c = state.columns;
  const i = c?.slot.get(e.id);
  const patch: Partial<CameraState> = {};
  if (c && i !== undefined && c.status[i] !== s) {
    c.status[i] = s;
    c.fill.set(STATUS_RGBA[STATUSES[s]], 4 * i);
    patch.columns = { ...c, colorVersion: c.colorVersion + 1 };
  }
  const upd = (d: CameraDetails | null) => (d && d.id === e.id ? { ...d, status: e.status as CameraStatus, statusName: STATUS_NAME[e.status as CameraStatus] } : d);
  if (state.open?.id === e.id) patch.open = upd(state.open);
  if (state.wall.some((d) => d?.id === e.id)) patch.wall = state.wall.map(upd);
  if (state.ticket?.items.some((d) => d.id === e.id)) patch.ticket = { ...state.ticket, items: state.ticket.items.map((d) => upd(d)!) };
  if (Object.keys(patch).length) set(patch);
}

export async function openCamera(id: string): Promise<void> {
  try {
    // One panel in the left column at a time: a camera's replaces a ticket's cameras.
    set({ open: await getJson<CameraDetails>(`/api/cameras/${encodeURIComponent(id)}`), ticket: null });
  } catch (e) {
    console.warn('camera', e);
  }
}
export const closeCamera = () => set({ open: null });

/** Puts cameras on the video grid: into empty places first, then over the oldest ones. */
export function putOnWall(cams: CameraDetails[]): void {
  const wall = [...state.wall];
  const incoming = cams.slice(0, 4).filter((c) => !wall.some((w) => w?.id === c.id));
  for (const c of incoming) {
    const empty = wall.indexOf(null);
    if (empty >= 0) wall[empty] = c;
    else {
      wall.shift();
      wall.push(c);
    }
  }
  set({ wall });
}
/** Four at once (a ticket's nearest): they replace the whole grid, nearest top-left. */
export const replaceWall = (cams: CameraDetails[]) => set({ wall: [0, 1, 2, 3].map((i) => cams[i] ?? null) });
export const clearWallSlot = (i: number) => set({ wall: state.wall.map((w, j) => (j === i ? null : w)) });

export async function showTicketCameras(ticketId: string): Promise<void> {
  set({ ticket: { id: ticketId, items: [], status: 'loading' }, open: null });
  try {
    const r = await getJson<{ items: CameraDetails[] }>(`/api/tickets/${encodeURIComponent(ticketId)}/nearest-cameras?radius=200&limit=12`);
    if (state.ticket?.id === ticketId) set({ ticket: { id: ticketId, items: r.items, status: 'ready' } });
  } catch (e) {
    if (state.ticket?.id === ticketId) set({ ticket: { id: ticketId, items: [], status: 'error', message: (e as Error).message } });
  }
}
export const closeTicketCameras = () => set({ ticket: null });
