// The simulator's video gateway: a few cameras a minute go offline or fault and come back a
// few minutes later, through the public API (PUT /api/cameras/:id/status) with the
// simulator's own key, like a real gateway's status reports. Reproducible from `seed`.
import { mulberry32 } from './random.ts';

export interface CameraSimOptions {
  baseUrl: string;
  apiKey: string;
  seed: number;
  /** Mean ms between two cameras going down (default 20 s: three a minute). */
  everyMs?: number;
  /** How long a camera stays down: between these, ms (default 2–10 minutes). */
  downMs?: [number, number];
  onError?: (e: unknown) => void;
}

export function startCameraSim(o: CameraSimOptions): { stop(): void; changes(): number } {
  const rand = mulberry32(o.seed ^ 0x28181);
  const every = o.everyMs ?? 20_000;
  const [downMin, downMax] = o.downMs ?? [120_000, 600_000];
  const headers = { 'x-api-key': o.apiKey, 'content-type': 'application/json' };
  const timers = new Set<NodeJS.Timeout>();
  let ids: string[] | null = null;
  let stopped = false;
  let changes = 0;
  const later = (ms: number, f: () => Promise<void>) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) f().catch((e: unknown) => o.onError?.(e));
    }, ms);
    timers.add(t);
  };
  const put = async (id: string, status: string) => {
    const r = await fetch(`${o.baseUrl}/api/cameras/${id}/status`, { method: 'PUT', headers, body: JSON.stringify({ status }) });
    if (!r.ok) throw new Error(`camera ${id} → ${status}: ${r.status} ${await r.text()}`);
    changes++;
  };
  const tick = async () => {
    later(every * (0.5 + rand()), tick); // the next, whatever this one does
    if (!ids) {
      const r = await fetch(`${o.baseUrl}/api/cameras?status=online`, { headers });
      if (!r.ok) throw new Error(`cameras: ${r.status} ${await r.text()}`);
      ids = ((await r.json()) as { ids: string[] }).ids;
    }
    if (!ids.length) return;
    const id = ids[Math.floor(rand() * ids.length)];
    await put(id, rand() < 0.7 ? 'offline' : 'fault');
    later(downMin + rand() * (downMax - downMin), () => put(id, 'online'));
  };
  later(every * rand(), tick);
  return {
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
    },
    changes: () => changes,
  };
}
