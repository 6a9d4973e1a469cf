// Tracks on the map: the picked worker's day (its path and its stops, 停留 of 5 minutes or
// more, as dots), and the replay (each replayed phone's whole range faint, the part walked by
// the replay's instant bright, and a marker where it is). Plain deck.gl layers over small
// arrays: a day's track comes simplified (a few hundred points), and only the replay's
// walked paths and markers change per animation frame.
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { Stop, Track } from '../patrol/api.ts';
import { positionAt, walkedPath } from '../patrol/replay.ts';
import type { ReplayState } from '../patrol/state.ts';

const TRACK_RGBA: [number, number, number, number] = [120, 240, 255, 220];
const STOP_RGBA: [number, number, number, number] = [255, 226, 140, 235];

type Coords = [number, number][];
const coordsOf = (points: readonly { lon: number; lat: number }[]): Coords => points.map((p) => [p.lon, p.lat]);

/** The picked worker's track and stops. */
export function trackLayers(track: Track): Layer[] {
  const path = coordsOf(track.points);
  return [
    new PathLayer<Coords>({
      id: 'worker-track',
      data: path.length > 1 ? [path] : [],
      getPath: (d) => d,
      getColor: TRACK_RGBA,
      widthUnits: 'pixels',
      getWidth: 3,
      jointRounded: true,
      capRounded: true,
      pickable: false,
    }),
    new ScatterplotLayer<Stop>({
      id: 'worker-stops',
      data: track.stops,
      getPosition: (s) => [s.lon, s.lat],
      getFillColor: STOP_RGBA,
      getLineColor: [8, 14, 26, 230],
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      radiusUnits: 'pixels',
      // Longer stays, larger dots: 5 minutes → 6 px, an hour or more → 12 px.
      getRadius: (s) => 6 + Math.min(6, s.durationMs / 600_000),
      pickable: false,
    }),
  ];
}

interface Walked {
  colour: [number, number, number, number];
  path: Coords;
}

/** The replay's whole ranges, faint; they change only when the replay's tracks do. */
export function replayRangeLayer(r: ReplayState): Layer {
  return new PathLayer<{ path: Coords; colour: readonly number[] }>({
    id: 'replay-range',
    data: r.entries.filter((e) => e.points.length > 1).map((e) => ({ path: coordsOf(e.points), colour: e.colour })),
    getPath: (d) => d.path,
    getColor: (d) => [d.colour[0]!, d.colour[1]!, d.colour[2]!, 70],
    widthUnits: 'pixels',
    getWidth: 2,
    jointRounded: true,
    pickable: false,
  });
}

/** The walked parts and the markers at the replay's instant. */
export function replayLayers(r: ReplayState): Layer[] {
  const t = r.clock.t;
  const walked: Walked[] = [];
  const markers: { at: [number, number]; colour: [number, number, number, number] }[] = [];
  for (const e of r.entries) {
    const colour = [...e.colour] as [number, number, number, number];
    const path = walkedPath(e.points, t);
    if (path.length > 1) walked.push({ colour, path });
    const at = positionAt(e.points, t);
    if (at) markers.push({ at, colour });
  }
  return [
    new PathLayer<Walked>({
      id: 'replay-walked',
      data: walked,
      getPath: (d) => d.path,
      getColor: (d) => d.colour,
      widthUnits: 'pixels',
      getWidth: 4,
      jointRounded: true,
      capRounded: true,
      pickable: false,
    }),
    new ScatterplotLayer<{ at: [number, number]; colour: [number, number, number, number] }>({
      id: 'replay-markers',
      data: markers,
      getPosition: (d) => d.at,
      getFillColor: (d) => d.colour,
      getLineColor: [255, 255, 255, 255],
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 3,
      radiusUnits: 'pixels',
      getRadius: 10,
      pickable: false,
    }),
  ];
}
