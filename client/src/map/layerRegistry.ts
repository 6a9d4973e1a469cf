// The wall's pluggable layers: a feature (components, cameras, places, heatmap, the
// choropleth…) registers a provider once; bindDeckLayers draws every provider's layers in
// `z` order around the live ones and redraws when a provider says it changed; a click on
// the map goes first to the provider whose pickable layer is under the pointer.
//   registerLayers({ id: 'cameras', z: 30, layers: () => [...], subscribe: (redraw) => unsub })
// z < 0: under the tickets (areas, heat); 0 < z: over the tickets and phones (points, markers).
import type { Layer, PickingInfo } from '@deck.gl/core';

export interface LayerProvider {
  id: string;
  z: number;
  /** The layers to draw now; called on every redraw, so return cached layers when unchanged. */
  layers(): Layer[];
  /** Call `redraw` whenever `layers()` would return something new; returns the unsubscribe. */
  subscribe(redraw: () => void): () => void;
  /** deck.gl layer ids a click may pick, and what a pick on one of them does. */
  pickable?: () => string[];
  onPick?(info: PickingInfo): void;
}

const providers: LayerProvider[] = [];
const listeners = new Set<() => void>();

export function registerLayers(p: LayerProvider): () => void {
  const i = providers.findIndex((q) => q.id === p.id);
  if (i >= 0) providers.splice(i, 1);
  providers.push(p);
  providers.sort((a, b) => a.z - b.z);
  for (const l of listeners) l();
  return () => {
    const j = providers.indexOf(p);
    if (j >= 0) providers.splice(j, 1);
    for (const l of listeners) l();
  };
}

export const layerProviders = (): readonly LayerProvider[] => providers;

/** Told when a provider comes or goes (bindDeckLayers re-subscribes and redraws). */
export function subscribeProviders(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Which provider owns a picked layer id. */
export function providerOfLayer(layerId: string): LayerProvider | undefined {
  return providers.find((p) => p.pickable?.().includes(layerId));
}

// ── Legible at any volume: point layers only where their points can be told apart ──────
// At city or district zoom 120,000 components, 20,000 cameras or 6,000 places are one blob;
// below these zooms their providers draw nothing and the switcher says "放大后显示".
export const LAYER_MIN_ZOOM: Readonly<Record<string, number>> = { components: 13, places: 12, cameras: 12 };

let zoom = 0;
const zoomListeners = new Set<() => void>();
/** The map's zoom after its last move (bindDeckLayers sets it on every moveend). */
export const mapZoom = (): number => zoom;
export function setMapZoom(z: number): void {
  if (z === zoom) return;
  zoom = z;
  for (const l of zoomListeners) l();
}
export function subscribeZoom(l: () => void): () => void {
  zoomListeners.add(l);
  return () => zoomListeners.delete(l);
}
/** Is this layer drawn at the map's zoom now? */
export const shownAtZoom = (id: string): boolean => zoom >= (LAYER_MIN_ZOOM[id] ?? 0);
