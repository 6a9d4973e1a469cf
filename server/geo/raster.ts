// The raster behind GridIndex: a uniform grid of cells over the net's bbox where each cell
// says "outside", "wholly inside grid k", or lists the grids to test (CSR typed arrays).
//
// Cell of a point: col = floor((x - minX) * sx), row = floor((y - minY) * sy) — the very
// expressions GridIndex.locate evaluates, so build and lookup agree bit for bit. Both are
// monotone in x (resp. y), so the points mapped to one cell form a rectangle, and:
//  1. every cell that any point of grid k's boundary maps to is an edge cell of k. Edges
//     are rasterised row by row over y-bands widened by 1e-4 cell, and their x-range is
//     widened the same way, which swallows the rounding of the clipping arithmetic;
//  2. a cell that is not an edge cell of k holds no boundary point of k, so it is wholly
//     inside or wholly outside k; its centre decides, by a scanline over k's rings.
// A cell's candidates are the grids with an edge in it and an index below the lowest grid
// that covers it wholly; that covering grid, if any, closes the list as ~k (no test).
import type { PackedGrids } from './grid-index.ts';

export interface Raster {
  minX: number;
  minY: number;
  sx: number;
  sy: number;
  nx: number;
  ny: number;
  /** ≥ 0: wholly inside grid k; -1: outside every grid; ≤ -2: candidate list -2 - value. */
  cells: Int32Array;
  /** List l is items[listStart[l] .. listStart[l + 1]). */
  listStart: Uint32Array;
  /** Grid indices ascending; a negative item ~k means "grid k covers the cell: answer k". */
  items: Int32Array;
}

const NONE = 0x7fffffff;
const MAX_CELLS = 1 << 24;
const WIDEN = 1e-4; // of a cell

export function buildRaster(g: PackedGrids, cellsPerGrid: number): Raster {
  const { xy, vertexStart, ringStart, partStart, partBox } = g;
  const nGrids = partStart.length - 1;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let b = 0; b < partBox.length; b += 4) {
    minX = Math.min(minX, partBox[b]);
    minY = Math.min(minY, partBox[b + 1]);
    maxX = Math.max(maxX, partBox[b + 2]);
    maxY = Math.max(maxY, partBox[b + 3]);
  }
  if (!(minX <= maxX && minY <= maxY)) {
    return { minX: 0, minY: 0, sx: 0, sy: 0, nx: 0, ny: 0, cells: new Int32Array(0),
      listStart: new Uint32Array(1), items: new Int32Array(0) };
  }
  // Cells about square on the ground: a degree of longitude is cos(lat) of one of latitude.
  const w = Math.max(maxX - minX, 1e-9) * Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const h = Math.max(maxY - minY, 1e-9);
  const target = Math.min(MAX_CELLS, Math.max(1, Math.round(nGrids * cellsPerGrid)));
  const nx = Math.max(1, Math.round(Math.sqrt((target * w) / h)));
  const ny = Math.max(1, Math.round(target / nx));
  // Shrunk by 1e-9 so that maxX maps to a column below nx despite rounding.
  const sx = nx / (Math.max(maxX - minX, 1e-9) * (1 + 1e-9));
  const sy = ny / (Math.max(maxY - minY, 1e-9) * (1 + 1e-9));
  const col = (x: number) => Math.min(nx - 1, Math.max(0, Math.floor((x - minX) * sx)));
  const row = (y: number) => Math.min(ny - 1, Math.max(0, Math.floor((y - minY) * sy)));
  const colMid = Float64Array.from({ length: nx }, (_, i) => minX + (i + 0.5) / sx);
  const rowMid = Float64Array.from({ length: ny }, (_, j) => minY + (j + 0.5) / sy);
  colMid.forEach((x, i) => { if (col(x) !== i) throw new Error(`raster: column ${i} centre maps elsewhere`); });
  rowMid.forEach((y, j) => { if (row(y) !== j) throw new Error(`raster: row ${j} centre maps elsewhere`); });
  const wx = WIDEN / sx;
  const wy = WIDEN / sy;

  const n = nx * ny;
  const stamp = new Int32Array(n).fill(-1); // = k while k's edge cells are being marked
  const full = new Int32Array(n).fill(NONE); // lowest grid wholly covering the cell
  let edgeCell: Int32Array = new Int32Array(1 << 16); // (cell, grid) pairs, grids ascending
  let edgeGrid: Int32Array = new Int32Array(1 << 16);
  let pairs = 0;
  const xs: number[] = [];

  for (let k = 0; k < nGrids; k++) {
    // 1. Edge cells of k.
    for (let r = ringStart[partStart[k]]; r < ringStart[partStart[k + 1]]; r++) {
      for (let i = 2 * vertexStart[r]; i < 2 * vertexStart[r + 1] - 2; i += 2) {
        const ax = xy[i], ay = xy[i + 1], bx = xy[i + 2], by = xy[i + 3];
        const y0 = Math.min(ay, by), y1 = Math.max(ay, by);
        for (let j = row(y0 - wy), jEnd = row(y1 + wy); j <= jEnd; j++) {
          const lo = Math.max(y0, minY + j / sy - wy);
          const hi = Math.min(y1, minY + (j + 1) / sy + wy);
          if (lo > hi) continue;
          let xa = Math.min(ax, bx), xb = Math.max(ax, bx);
          if (ay !== by) {
            const ta = ax + ((lo - ay) / (by - ay)) * (bx - ax);
            const tb = ax + ((hi - ay) / (by - ay)) * (bx - ax);
            xa = Math.max(xa, Math.min(ta, tb));
            xb = Math.min(xb, Math.max(ta, tb));
          }
          for (let c = j * nx + col(xa - wx), cEnd = j * nx + col(xb + wx); c <= cEnd; c++) {
            if (stamp[c] === k) continue;
            stamp[c] = k;
            if (pairs === edgeCell.length) {
              edgeCell = grow(edgeCell);
              edgeGrid = grow(edgeGrid);
            }
            edgeCell[pairs] = c;
            edgeGrid[pairs++] = k;
          }
        }
      }
    }
    // 2. Cells wholly inside k: scanline through each row's centre, per polygon.
    for (let q = partStart[k]; q < partStart[k + 1]; q++) {
      for (let j = row(partBox[4 * q + 1]), jEnd = row(partBox[4 * q + 3]); j <= jEnd; j++) {
        const y = rowMid[j];
        xs.length = 0;
        for (let r = ringStart[q]; r < ringStart[q + 1]; r++) {
          for (let i = 2 * vertexStart[r]; i < 2 * vertexStart[r + 1] - 2; i += 2) {
            const ax = xy[i], ay = xy[i + 1], bx = xy[i + 2], by = xy[i + 3];
            if (ay > y !== by > y) xs.push(ax + ((y - ay) / (by - ay)) * (bx - ax));
          }
        }
        xs.sort((a, b) => a - b);
        for (let m = 0; m + 1 < xs.length; m += 2) {
          const x0 = xs[m], x1 = xs[m + 1];
          for (let i = col(x0), iEnd = col(x1); i <= iEnd; i++) {
            const c = j * nx + i;
            if (colMid[i] > x0 && colMid[i] < x1 && stamp[c] !== k && full[c] === NONE) full[c] = k;
          }
        }
      }
    }
  }

  // 3. Candidate lists (CSR): edge grids below the cell's covering grid, then ~covering.
  const count = new Int32Array(n);
  for (let p = 0; p < pairs; p++) if (edgeGrid[p] < full[edgeCell[p]]) count[edgeCell[p]]++;
  const cells = new Int32Array(n);
  let lists = 0;
  let items = 0;
  for (let c = 0; c < n; c++) {
    if (count[c] > 0) {
      cells[c] = -2 - lists++;
      items += count[c] + (full[c] === NONE ? 0 : 1);
    } else {
      cells[c] = full[c] === NONE ? -1 : full[c];
    }
  }
  const listStart = new Uint32Array(lists + 1);
  const fill = new Uint32Array(lists);
  for (let c = 0, l = 0, at = 0; c < n; c++) {
    if (cells[c] > -2) continue;
    listStart[l] = fill[l] = at;
    at += count[c] + (full[c] === NONE ? 0 : 1);
    listStart[++l] = at;
  }
  const list = new Int32Array(items);
  for (let p = 0; p < pairs; p++) {
    const c = edgeCell[p];
    if (edgeGrid[p] < full[c]) list[fill[-2 - cells[c]]++] = edgeGrid[p];
  }
  for (let c = 0; c < n; c++) {
    if (cells[c] <= -2 && full[c] !== NONE) list[fill[-2 - cells[c]]++] = ~full[c];
  }
  return { minX, minY, sx, sy, nx, ny, cells, listStart, items: list };
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
