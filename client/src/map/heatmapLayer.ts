// The heatmap (热力) under the tickets: a provider of the layer registry (layerRegistry.ts),
// drawn while the view's layers hold 'heatmap'. Points mode: deck.gl's HeatmapLayer over the
// window's subarray of the year's positions (heat/heatStore.ts), a binary attribute, so a
// slider move builds one layer and no objects. Hex mode: one polygon per H3 cell ever shown
// (outlines made once, h3's cellToBoundary costs ~30 µs a cell), coloured by the window's
// counts; a move only changes the colours (updateTriggers), so nothing is re-tessellated.
// Each move's JS time goes to window.__heat.last (performance marks; see tests/e2e.heatmap.test.ts).
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { SolidPolygonLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { registerLayers } from './layerRegistry.ts';
import { getView, subscribeView } from '../view.ts';
import { getHeat, parseMs, setHeatMode, setHeatWindow, subscribeHeat, type HeatMode, type HexAnswer } from '../heat/heatStore.ts';

export const HEATMAP_LAYER_ID = 'heatmap';
/** Cold to hot, readable on the dark wall. */
const COLORS: [number, number, number][] = [[25, 60, 120], [40, 120, 190], [70, 190, 170], [240, 220, 90], [245, 140, 50], [230, 50, 40]];

// h3-js (~80 KB gzipped of the wall's script) is loaded when hexagons are first drawn.
let h3: typeof import('h3-js') | null = null;
let h3Loading: Promise<void> | null = null;
let redrawHeat = (): void => {};

/** Hex mode: every cell drawn so far, its outline in one array (closed rings of 7 points). */
class HexCells {
  index = new Map<string, number>();
  rings: number[] = [];
  startIndices: number[] = [];
  colors = new Uint8Array(0);
  geometryVersion = 0;
  colorVersion = 0;
  data: { length: number; startIndices: Uint32Array; attributes: { getPolygon: { value: Float64Array; size: 2 } } } | null = null;

  /** Adds the answer's new cells (rare after the first windows), then sets every cell's colour. */
  show(a: HexAnswer): void {
    let grew = false;
    for (const c of a.cells) {
      if (this.index.has(c)) continue;
      this.index.set(c, this.index.size);
      this.startIndices.push(this.rings.length / 2);
      for (const [lon, lat] of h3!.cellToBoundary(c, true)) this.rings.push(lon, lat);
      grew = true;
    }
    if (grew || !this.data) {
      this.data = { length: this.index.size, startIndices: Uint32Array.from(this.startIndices), attributes: { getPolygon: { value: Float64Array.from(this.rings), size: 2 } } };
      this.geometryVersion++;
    }
    if (this.colors.length !== this.index.size * 4) this.colors = new Uint8Array(this.index.size * 4);
    else this.colors.fill(0);
    let max = 1;
    for (const n of a.counts) if (n > max) max = n;
    const scale = Math.log1p(max);
    for (let i = 0; i < a.cells.length; i++) {
      const k = this.index.get(a.cells[i])! * 4;
      const t = Math.log1p(a.counts[i]) / scale;
      const c = COLORS[Math.min(COLORS.length - 1, Math.floor(t * COLORS.length))];
      this.colors[k] = c[0];
      this.colors[k + 1] = c[1];
      this.colors[k + 2] = c[2];
      this.colors[k + 3] = 60 + Math.round(150 * t);
    }
    this.colorVersion++;
  }
}

export interface HeatMoveTiming {
  mode: 'points' | 'hex';
  /** The window's tickets (points) or cells (hex). */
  count: number;
  /** Layer props built from the store (binary search done by the store; hex: colours), ms. */
  layerMs: number;
}

/** What the end-to-end test and the bench read and drive. */
export interface HeatHandle {
  last: HeatMoveTiming | null;
  /** Moves the window; resolves when its data is in the store (hex: the server answered). */
  move(endDay: number, days?: number): Promise<void>;
  mode(m: HeatMode): void;
  state(): { mode: HeatMode; endDay: number; windowDays: number; firstDay: number; lastDay: number; chunksLoaded: number; chunksTotal: number; shown: number; hexKey: string | null };
  /** The JS time of the last hex answer's JSON.parse, ms. */
  parseMs(): number;
}

declare global {
  interface Window {
    __heat?: HeatHandle;
  }
}

let hex = new HexCells();
let hexArea = '';
/** The last layers and what they were built from: a store change that leaves these alone (a
 * hex window still being fetched) reuses them. */
let cached: { mode: string; positions: Float32Array; lo: number; hi: number; hex: HexAnswer | null; layers: Layer[] } | null = null;

function build(): Layer[] {
  const s = getHeat();
  const t0 = performance.now();
  let layers: Layer[] = [];
  let count = 0;
  if (s.mode === 'points') {
    count = s.hi - s.lo;
    layers = [new HeatmapLayer({
      id: HEATMAP_LAYER_ID,
      data: { length: count, attributes: { getPosition: { value: s.positions.subarray(s.lo * 2, s.hi * 2), size: 2 } } },
      radiusPixels: 25,
      intensity: 1,
      threshold: 0.05,
      colorRange: COLORS,
      // Aggregating again while the map pans costs the most in software GL; wait for it to settle.
      debounceTimeout: 250,
    })];
  } else if (s.hex) {
    if (hexArea !== s.area) (hex = new HexCells()), (hexArea = s.area);
    hex.show(s.hex);
    count = s.hex.cells.length;
    const colors = hex.colors;
    layers = [new SolidPolygonLayer({
      id: `${HEATMAP_LAYER_ID}-hex`,
      data: hex.data!,
      _normalize: false,
      getFillColor: (_: unknown, { index }: { index: number }) => colors.subarray(index * 4, index * 4 + 4) as unknown as [number, number, number, number],
      updateTriggers: { getFillColor: hex.colorVersion },
    } as never)];
  }
  if (window.__heat) window.__heat.last = { mode: s.mode, count, layerMs: performance.now() - t0 };
  return layers;
}

/** Registers the heatmap with the map (once; App mounts HeatSlider, which calls this). */
export function registerHeatmapLayer(): () => void {
  window.__heat ??= {
    last: null,
    move: (endDay, days) => setHeatWindow(endDay, days),
    mode: setHeatMode,
    state: () => {
      const s = getHeat();
      return { mode: s.mode, endDay: s.endDay, windowDays: s.windowDays, firstDay: s.firstDay, lastDay: s.lastDay, chunksLoaded: s.chunksLoaded, chunksTotal: s.chunksTotal, shown: s.mode === 'points' ? s.hi - s.lo : (s.hex?.total ?? 0), hexKey: s.hex?.key ?? null };
    },
    parseMs: () => parseMs,
  };
  return registerLayers({
    id: HEATMAP_LAYER_ID,
    z: -10,
    layers() {
      if (!getView().layers.has('heatmap')) return [];
      const s = getHeat();
      if (s.mode === 'hex' && !h3) {
        h3Loading ??= import('h3-js')
          .then((m) => {
            h3 = m;
            redrawHeat();
          })
          .catch((e) => {
            h3Loading = null; // tried again at the next redraw
            console.warn('heatmap: h3-js did not load', e);
          });
        return [];
      }
      const c = cached;
      if (!c || c.mode !== s.mode || c.positions !== s.positions || c.lo !== s.lo || c.hi !== s.hi || c.hex !== s.hex) {
        cached = { mode: s.mode, positions: s.positions, lo: s.lo, hi: s.hi, hex: s.hex, layers: build() };
      }
      return cached!.layers;
    },
    subscribe(redraw) {
      redrawHeat = redraw;
      const a = subscribeHeat(redraw);
      const b = subscribeView(redraw);
      return () => {
        a();
        b();
      };
    },
  });
}
