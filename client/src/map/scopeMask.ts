// The account's scope on the map: everything outside it dimmed and its border lit, so a
// street's wall reads as that street's. MapLibre layers over the net's own tiles (the
// scope's level is a source layer of them); nothing to draw for the city's scope.
import type { ExpressionSpecification, Map as MlMap } from 'maplibre-gl';
import { getState, subscribe } from '../store.ts';
import { NET_SOURCE } from './baseStyle.ts';

const IDS = ['scope-mask', 'scope-glow', 'scope-line'] as const;

export function bindScopeMask(map: MlMap): () => void {
  let drawn: string | null = null;

  const draw = (): void => {
    const scope = getState().scope;
    if (!scope || scope.level === 'city' || drawn === scope.code || !map.getSource(NET_SOURCE)) return;
    drawn = scope.code;
    for (const id of IDS) if (map.getLayer(id)) map.removeLayer(id);
    const base = { source: NET_SOURCE, 'source-layer': scope.level } as const;
    const is: ExpressionSpecification = ['==', ['get', 'code'], scope.code];
    map.addLayer({ id: 'scope-mask', type: 'fill', ...base, filter: ['!', is], paint: { 'fill-color': '#02060d', 'fill-opacity': 0.5 } });
    map.addLayer({ id: 'scope-glow', type: 'line', ...base, filter: is, layout: { 'line-join': 'round' }, paint: { 'line-color': '#78f0ff', 'line-width': 10, 'line-blur': 6, 'line-opacity': 0.3 } });
    map.addLayer({ id: 'scope-line', type: 'line', ...base, filter: is, layout: { 'line-join': 'round' }, paint: { 'line-color': '#78f0ff', 'line-width': 2.5, 'line-opacity': 0.9 } });
  };

  draw();
  const unsubscribe = subscribe(draw);
  return () => {
    unsubscribe();
    if (!map.style) return;
    for (const id of IDS) if (map.getLayer(id)) map.removeLayer(id);
  };
}
