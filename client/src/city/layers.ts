// Registers the components and places layers with the wall's layer registry (imported once,
// by panels/CityPanel.tsx). Each is drawn while its layer is on in the view (?layers=…),
// loads its data the first time it is turned on, and redraws only when its store changes.
import type { Layer } from '@deck.gl/core';
import { registerLayers, shownAtZoom } from '../map/layerRegistry.ts';
import { componentsLayer, COMPONENTS_LAYER_ID, placesLayers, PLACES_LAYER_ID } from '../map/componentsLayer.ts';
import { getView, subscribeView } from '../view.ts';
import { ensureComponents, ensurePlaces, getCity, loadComponents, pickComponent, pickPlace, subscribeCity } from './components.ts';

// States follow live ticket events (city/components.ts componentTicketChanged); this reload
// only catches what a lost connection missed.
const REFRESH_MS = 5 * 60_000;
let refresh: ReturnType<typeof setInterval> | null = null;

function follow(): void {
  const on = getView().layers;
  if (on.has('components')) {
    void ensureComponents();
    refresh ??= setInterval(() => void loadComponents(), REFRESH_MS);
  } else if (refresh) {
    clearInterval(refresh);
    refresh = null;
  }
  if (on.has('places')) void ensurePlaces();
}

let comp: { points: unknown; layer: Layer } | null = null;
let places: { data: unknown; layers: Layer[] } | null = null;

const subscribe = (redraw: () => void) => {
  const a = subscribeCity(redraw);
  const b = subscribeView(() => { follow(); redraw(); });
  follow();
  return () => { a(); b(); };
};

registerLayers({
  id: 'components',
  z: 20,
  layers() {
    const p = getCity().points;
    if (!getView().layers.has('components') || !p || !shownAtZoom('components')) return [];
    if (comp?.points !== p) {
      performance.mark('components:layer-start');
      comp = { points: p, layer: componentsLayer(p) };
      performance.measure('components:layer', 'components:layer-start');
    }
    return [comp.layer];
  },
  subscribe,
  pickable: () => [COMPONENTS_LAYER_ID],
  onPick(info) {
    const p = getCity().points;
    if (p && info.index >= 0) void pickComponent(p.ids[info.index]);
  },
});

registerLayers({
  id: 'places',
  z: 25,
  layers() {
    const d = getCity().places;
    if (!getView().layers.has('places') || !d || !shownAtZoom('places')) return [];
    if (places?.data !== d) places = { data: d, layers: placesLayers(d, 0) };
    return places.layers;
  },
  subscribe,
  pickable: () => [PLACES_LAYER_ID],
  onPick(info) {
    if (info.index >= 0) pickPlace(info.index);
  },
});

// For the end-to-end tests and the benchmarks: what the components store holds.
(window as unknown as { __city?: unknown }).__city = { get: getCity };
