// The replay's follow camera: while on, the map keeps the first replayed phone at its centre,
// moved (not animated: the replay's own frames are the animation) whenever the replay's instant
// moves it. Bound once by the map view.
import type { Map as MlMap } from 'maplibre-gl';
import { positionAt } from './replay.ts';
import { getPatrol, subscribePatrol } from './state.ts';

/** Close enough to see the street the phone walks. */
const FOLLOW_MIN_ZOOM = 15.5;

export function bindFollow(map: MlMap): () => void {
  let last: [number, number] | null = null;
  return subscribePatrol(() => {
    const r = getPatrol().replay;
    const lead = r?.follow ? r.entries[0] : undefined;
    if (!r || !lead) {
      last = null;
      return;
    }
    const at = positionAt(lead.points, r.clock.t);
    if (!at || (last && last[0] === at[0] && last[1] === at[1])) return;
    const first = last === null;
    last = at;
    map.jumpTo(first && map.getZoom() < FOLLOW_MIN_ZOOM ? { center: at, zoom: FOLLOW_MIN_ZOOM } : { center: at });
  });
}
