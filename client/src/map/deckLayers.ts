// Composes the deck.gl layers from the store and hands them to the overlay.
// Runs synchronously on every store change, so the socket's timing covers it;
// each layer is rebuilt only when the slice it draws has changed.
import type { MapboxOverlay } from '@deck.gl/mapbox';
import type { Layer } from '@deck.gl/core';
import type { Map as MlMap } from 'maplibre-gl';
import { PULSE_DURATION_MS } from '../live/tickets.ts';
import { loadLabels } from '../live/sync.ts';
import { getState, subscribe, type WallState } from '../store.ts';
import { declutter, type PlacedLabel } from './declutter.ts';
import { levelsNeededAt } from './labelRules.ts';
import { labelsLayer } from './labelsLayer.ts';
import { pulseLayer } from './pulseLayer.ts';
import { selectionLayer } from './selectionLayer.ts';
import { ticketsLayer } from './ticketsLayer.ts';

export function bindDeckLayers(map: MlMap, overlay: MapboxOverlay): () => void {
  let tickets: { version: number; layer: Layer } | null = null;
  let selection: { geometry: unknown; layer: Layer } | null = null;
  let labels: { placed: PlacedLabel[]; layer: Layer } | null = null;
  let placed: PlacedLabel[] = [];
  let labelSource: WallState['labels'] | null = null;
  let raf = 0;

  const render = (): void => {
    const s = getState();
    const now = performance.now();
    const layers: Layer[] = [];

    const geometry = s.selection?.geometry ?? null;
    if (geometry) {
      if (selection?.geometry !== geometry) selection = { geometry, layer: selectionLayer(geometry) };
      layers.push(selection.layer);
    } else {
      selection = null;
    }

    if (tickets?.version !== s.ticketsVersion) tickets = { version: s.ticketsVersion, layer: ticketsLayer(s.tickets, s.ticketsVersion) };
    layers.push(tickets.layer);

    const live = s.pulses.filter((p) => now - p.t0 < PULSE_DURATION_MS);
    if (live.length > 0) {
      layers.push(pulseLayer(live, now));
      if (!raf) raf = requestAnimationFrame(tick);
    }

    // An empty TextLayer would still build a font atlas (and warn): leave it out until there are names.
    if (placed.length > 0) {
      if (labels?.placed !== placed) labels = { placed, layer: labelsLayer(placed) };
      layers.push(labels.layer);
    }

    overlay.setProps({ layers });
  };

  // Pulses animate only while there are any; otherwise nothing runs between updates.
  const tick = (): void => {
    raf = 0;
    render();
  };

  const relabel = (): void => {
    placed = declutter(map, getState().labels);
  };

  const onMoveEnd = (): void => {
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
  map.on('moveend', onMoveEnd);
  onMoveEnd();

  return () => {
    unsubscribe();
    map.off('moveend', onMoveEnd);
    if (raf) cancelAnimationFrame(raf);
  };
}
