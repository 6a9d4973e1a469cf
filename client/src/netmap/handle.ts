// window.__netmap: what the end-to-end tests read of the choropleth and the charts (the
// numbers drawn, the hovered area), beside the wall's own handle (map/testHandle.ts).
export interface NetmapHandle {
  choropleth: { area: string; level: string; kpi: string; from: string; to: string; breaks: number[]; shown: Record<string, { value: number | null; color: string | null }> } | null;
  /** The area outlined on the map as hovered. */
  mapHover: string | null;
  /** Each chart's drawn data by its test id: categories (codes or keys) and values. */
  charts: Record<string, { keys: string[]; values: (number | null)[]; highlighted: string | null; query: string; point?: (i: number) => [number, number] | null }>;
}

declare global {
  interface Window {
    __netmap?: NetmapHandle;
  }
}

export function netmapHandle(): NetmapHandle {
  window.__netmap ??= { choropleth: null, mapHover: null, charts: {} };
  return window.__netmap;
}
