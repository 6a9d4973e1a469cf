// The k nearest online grid phones to a point (a ticket's place): a kdbush index of the
// online phones' current positions, rebuilt at most once a second when asked (8,500 points
// build in ~1 ms), searched by geokdbush's great-circle k-nearest — no scan of every phone.
import KDBush from 'kdbush';
import { around, distance } from 'geokdbush';
import type { LivePositions } from './live-positions.ts';
import type { Roster } from './roster.ts';

const REBUILD_MS = 1000;

export interface Nearby {
  index: number;
  distanceM: number;
}

export class NearestWorkers {
  private index: KDBush | null = null;
  private ids = new Uint32Array(0);
  private builtAt = -Infinity;

  constructor(private readonly live: LivePositions, private readonly roster: Roster, private readonly now: () => number) {}

  private build(): KDBush | null {
    const picked: number[] = [];
    for (const i of this.live.known(true)) if (this.roster.devices[i].kind === 'phone') picked.push(i);
    this.builtAt = this.now();
    if (!picked.length) return (this.index = null);
    const index = new KDBush(picked.length);
    for (const i of picked) {
      const at = this.live.get(i)!;
      index.add(at.lon, at.lat);
    }
    this.ids = Uint32Array.from(picked);
    return (this.index = index.finish());
  }

  /** Up to `k` online phones nearest to (lon, lat), within `maxKm`, nearest first. */
  nearest(lon: number, lat: number, k: number, maxKm = Infinity): Nearby[] {
    const index = this.now() - this.builtAt >= REBUILD_MS ? this.build() : this.index;
    if (!index) return [];
    return around(index, lon, lat, k, maxKm).map((j) => {
      const i = this.ids[j];
      const at = this.live.get(i)!;
      return { index: i, distanceM: Math.round(distance(lon, lat, at.lon, at.lat) * 1000) };
    });
  }
}
