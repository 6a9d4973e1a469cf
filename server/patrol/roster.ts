// The devices that send positions, each with a dense index (0 … n-1) that frames carry
// instead of its id: the grid phones of the net's phone carriers first (in id order, so
// the same on every start and every node), then trackers an admin registered and the
// phone pages of signed-in worker accounts, in the order they are first seen.
import type { Net, Worker } from '../net/types.ts';

export type DeviceKind = 'phone' | 'tracker';

export interface DeviceInfo {
  index: number;
  id: string;
  name: string;
  /** The carrier's role in its grid team (full_time, part_time …); 'tracker' for a tracker. */
  role: string;
  /** Home grid (or the area a tracker is registered for). */
  grid: string;
  kind: DeviceKind;
}

/** A worker account's own phone page is the device `account:<username>`. */
export const accountDevice = (username: string) => `account:${username}`;

export class Roster {
  readonly devices: DeviceInfo[] = [];
  private readonly byId = new Map<string, DeviceInfo>();

  constructor(net: Net) {
    const carriers = [...net.workers.values()].filter((w: Worker & { carriesPhone?: boolean }) => w.carriesPhone !== false);
    carriers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const w of carriers) this.add({ id: w.id, name: w.name, role: w.role, grid: w.grid, kind: 'phone' });
  }

  get size(): number {
    return this.devices.length;
  }

  get(id: string): DeviceInfo | undefined {
    return this.byId.get(id);
  }

  /** The device's entry, added at the end if new. */
  add(d: Omit<DeviceInfo, 'index'>): DeviceInfo {
    const known = this.byId.get(d.id);
    if (known) return known;
    const info = { ...d, index: this.devices.length };
    this.devices.push(info);
    this.byId.set(d.id, info);
    return info;
  }
}
