// The area under the pointer, shared by the map and the charts: hovering a bar outlines its
// area on the map, hovering the map highlights the bar. One value, no history.
import { useSyncExternalStore } from 'react';

let hovered: string | null = null;
const listeners = new Set<() => void>();

export const getHover = (): string | null => hovered;

export function setHover(code: string | null): void {
  if (code === hovered) return;
  hovered = code;
  for (const l of listeners) l();
}

export function subscribeHover(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export const useHover = (): string | null => useSyncExternalStore(subscribeHover, getHover);
