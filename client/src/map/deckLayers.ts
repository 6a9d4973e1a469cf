// Composes the deck.gl layers from the store (and the workers store) and hands them to the
// overlay. Runs synchronously on every store change, so the socket's timing covers it;
// each layer is rebuilt only when the slice it draws has changed. Between changes it runs
// only to animate: every frame while arrival pulses play, a dozen frames a second while
// overdue tickets breathe, not at all otherwise (a playing replay animates through the
// patrol state, which it subscribes to like the stores).
import type { MapboxOverlay } from '@deck.gl/mapbox';
import type { Layer } from '@deck.gl/core';
import type { Map as MlMap } from 'maplibre-gl';
import { PULSE_DURATION_MS } from '../live/tickets.ts';
import { pickedWorker, subscribeWorkers, workers } from '../live/workers.ts';
import { loadLabels } from '../live/sync.ts';
import { getState, subscribe, type WallState } from '../store.ts';
import { declutter, type PlacedLabel } from './declutter.ts';
import { levelsNeededAt } from './labelRules.ts';
import { labelsLayer } from './labelsLayer.ts';
import { pulseLayer } from './pulseLayer.ts';
import { selectionLayer } from './selectionLayer.ts';
import { ticketLayerComposer } from './ticketLayers.ts';
import { workersLayer, workerTrailsLayer } from './workersLayer.ts';
import { getPatrol, subscribePatrol, type PatrolState } from '../patrol/state.ts';
import { coverageLayer } from './coverageLayer.ts';
import { replayLayers, replayRangeLayer, trackLayers } from './trackLayer.ts';
import { layerProviders, setMapZoom, subscribeProviders } from './layerRegistry.ts';
import { getView, subscribeView } from '../view.ts';

/** The overdue halo's frame interval: a slow breath needs no more. */
const HALO_FRAME_MS = 80;

export function bindDeckLayers(map: MlMap, overlay: MapboxOverlay): () => void {
  const ticketLayers = ticketLayerComposer();
  let selection: { geometry: unknown; layer: Layer } | null = null;
  let crew: { version: number; picked: number; trails: Layer; dots: Layer } | null = null;
  let labels: { placed: PlacedLabel[]; layer: Layer } | null = null;
  let placed: PlacedLabel[] = [];
  let labelSource: WallState['labels'] | null = null;
  // Patrol (patrol/state.ts): coverage under everything, the picked worker's track and the
  // replay over the phones; each rebuilt only when its slice changed (the replay's markers
  // every animation frame while it plays).
  let coverage: { data: unknown; layer: Layer } | null = null;
  let track: { track: unknown; layers: Layer[] } | null = null;
  let replayRange: { entries: unknown; layer: Layer } | null = null;
  let replay: { replay: PatrolState['replay']; layers: Layer[] } | null = null;
  let raf = 0;
  let drawnAt = 0;

  const render = (): void => {
    const s = getState();
    const now = performance.now();
    drawnAt = now;
    const layers: Layer[] = [];
    const patrol = getPatrol();
    const shown = getView().layers;
    const providers = layerProviders();
    for (const p of providers) if (p.z < 0) layers.push(...p.layers());

    const cov = patrol.coverage;
    if (cov.on && cov.data && cov.geometry) {
      if (coverage?.data !== cov.data) coverage = { data: cov.data, layer: coverageLayer(cov.geometry, cov.data) };
      layers.push(coverage.layer);
    } else {
      coverage = null;
    }

    const geometry = s.selection?.geometry ?? null;
    if (geometry) {
      if (selection?.geometry !== geometry) selection = { geometry, layer: selectionLayer(geometry) };
      layers.push(selection.layer);
    } else {
      selection = null;
    }

    // Finished ones (or at city zoom the aggregate) under everything; the grid phones over them
    // (so 8,500 of them never hide an open ticket); the halo under the open dots; the overdue
    // dots on top (ticketLayers.ts).
    const showTickets = shown.has('tickets');
    const tickets = ticketLayers(s.tickets, map.getZoom(), now);
    if (showTickets) layers.push(...tickets.below);
    if (workers.count > 0 && shown.has('workers')) {
      const picked = pickedWorker();
      if (crew?.version !== workers.version || crew.picked !== picked) {
        // A click alone changes only the dots' highlight: the trails' layer stays as it is.
        const trails = crew?.version === workers.version ? crew.trails : workerTrailsLayer(workers);
        crew = { version: workers.version, picked, trails, dots: workersLayer(workers, picked) };
      }
      layers.push(crew.trails, crew.dots);
    }
    const dayTrack = patrol.worker?.track ?? null;
    const r = patrol.replay;
    if (dayTrack && !r?.entries.some((e) => e.id === dayTrack.device)) {
      if (track?.track !== dayTrack) track = { track: dayTrack, layers: trackLayers(dayTrack) };
      layers.push(...track.layers);
    }
    if (r) {
      if (replayRange?.entries !== r.entries) replayRange = { entries: r.entries, layer: replayRangeLayer(r) };
      if (replay?.replay !== r) replay = { replay: r, layers: replayLayers(r) };
      layers.push(replayRange.layer, ...replay.layers);
    }
    const breathing = showTickets && tickets.breathing;
    if (showTickets) layers.push(...tickets.above);
    for (const p of providers) if (p.z >= 0) layers.push(...p.layers());

    const live = showTickets ? s.pulses.filter((p) => now - p.t0 < PULSE_DURATION_MS) : [];
    if (live.length > 0) layers.push(pulseLayer(live, now));
    if ((breathing || live.length > 0) && !raf) raf = requestAnimationFrame(tick);

    // An empty TextLayer would still build a font atlas (and warn): leave it out until there are names.
    if (placed.length > 0) {
      if (labels?.placed !== placed) labels = { placed, layer: labelsLayer(placed) };
      layers.push(labels.layer);
    }

    overlay.setProps({ layers });
  };

  const tick = (): void => {
    raf = 0;
    const now = performance.now();
    const pulsing = getState().pulses.some((p) => now - p.t0 < PULSE_DURATION_MS);
    if (pulsing || now - drawnAt >= HALO_FRAME_MS) render();
    else raf = requestAnimationFrame(tick);
  };

  const relabel = (): void => {
    placed = declutter(map, getState().labels);
  };

  const onMoveEnd = (): void => {
    setMapZoom(map.getZoom());
    for (const level of levelsNeededAt(map.getZoom())) void loadLabels(level);
    relabel();
    render();
  };

  const unsubscribe = subscribe(() => {
    const s = getState();
    if (s.labels !== labelSource) {
      labelSource = s.labels;
      relabel();
    }
    render();
  });
  const unsubscribeWorkers = subscribeWorkers(render);
  const unsubscribePatrol = subscribePatrol(render);
  const unsubscribeView = subscribeView(render);
  // Each provider's own changes redraw; when providers come or go, subscribe afresh.
  let providerSubs: (() => void)[] = [];
  const resubscribe = (): void => {
    for (const u of providerSubs) u();
    providerSubs = layerProviders().map((p) => p.subscribe(render));
    render();
  };
  const unsubscribeProviders = subscribeProviders(resubscribe);
  providerSubs = layerProviders().map((p) => p.subscribe(render));
  map.on('moveend', onMoveEnd);
  onMoveEnd();

  return () => {
    unsubscribe();
    unsubscribeWorkers();
    unsubscribePatrol();
    unsubscribeView();
    unsubscribeProviders();
    for (const u of providerSubs) u();
    map.off('moveend', onMoveEnd);
    if (raf) cancelAnimationFrame(raf);
  };
}
