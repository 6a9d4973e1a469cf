// Patrol coverage (巡查覆盖): how much of each grid its own workers walked today. A grid is
// cut into 50 m cells (those whose centre the locator puts in the grid, counted once per
// grid when first asked); a cell is walked when one of the grid's own phones sent a fix
// in it today (CST). Coverage = walked cells / cells. Fixes only add to per-grid sets of
// cell numbers (no geometry at ingest); a new day starts empty.
// Off-grid: a phone standing outside its home grid for `offGridAfterMs` (30 min) is flagged.
import type { Net } from '../net/types.ts';
import type { Locator } from '../geo/locator.ts';
import { dayCST } from '../domain/day.ts';
import type { Fix } from '../domain/fix.ts';
import type { DeviceInfo } from './roster.ts';

export const CELL_M = 50;
const M_PER_DEG = 111_320;

export interface GridCoverage {
  grid: string;
  cells: number;
  walked: number;
  coverage: number;
}

export class Coverage {
  private readonly dLat = CELL_M / M_PER_DEG;
  private readonly dLon: number;
  private readonly lon0: number;
  private readonly lat0: number;
  private readonly cols: number;
  private day = -1;
  private readonly walked = new Map<string, Set<number>>();
  private readonly cellsOf = new Map<string, number>();
  /** Since when each device (by roster index) stands outside its home grid; 0: inside. */
  private offSince = new Float64Array(0);
  private standsIn: (string | null)[] = [];

  constructor(private readonly net: Net, private readonly locator: Locator, private readonly now: () => number, readonly offGridAfterMs = 30 * 60_000) {
    const [x0, y0, x1] = net.city.bbox;
    this.dLon = CELL_M / (M_PER_DEG * Math.cos((((net.city.bbox[1] + net.city.bbox[3]) / 2) * Math.PI) / 180));
    this.lon0 = x0;
    this.lat0 = y0;
    this.cols = Math.ceil((x1 - x0) / this.dLon) + 1;
  }

  private cellOf(lon: number, lat: number): number {
    return Math.floor((lat - this.lat0) / this.dLat) * this.cols + Math.floor((lon - this.lon0) / this.dLon);
  }

  private today(t: number): void {
    const d = dayCST(t);
    if (d !== this.day) {
      this.day = d;
      this.walked.clear();
    }
  }

  /** A fix just stored, standing in `grid` (or outside every grid). */
  add(device: DeviceInfo, fix: Fix, grid: string | null, today = dayCST(this.now())): void {
    if (dayCST(fix.t) !== today) return; // a late fix of another day
    if (today !== this.day) this.today(this.now());
    if (grid && grid === device.grid) {
      let set = this.walked.get(grid);
      if (!set) this.walked.set(grid, (set = new Set()));
      set.add(this.cellOf(fix.lon, fix.lat));
    }
    if (device.index >= this.offSince.length) {
      const grown = new Float64Array(Math.max(device.index + 1, this.offSince.length * 2, 1024));
      grown.set(this.offSince);
      this.offSince = grown;
    }
    const outside = device.kind === 'phone' && grid !== device.grid;
    this.standsIn[device.index] = grid;
    if (!outside) this.offSince[device.index] = 0;
    else if (!this.offSince[device.index]) this.offSince[device.index] = fix.t;
  }

  /** Today's stored fixes of one device, in time order, walked into the coverage again (after a
   * restart: coverage lives in memory). Each distinct 50 m cell is located once, by its centre
   * (coverage counts cells by their centre anyway); the device's last fix, exactly, sets
   * where it stands now. */
  replay(device: DeviceInfo, fixes: readonly Fix[], locate: (lon: number, lat: number) => string | null): void {
    const today = dayCST(this.now());
    if (today !== this.day) this.today(this.now());
    const gridOfCell = new Map<number, string | null>();
    const last = fixes.length - 1;
    for (let i = 0; i <= last; i++) {
      const f = fixes[i];
      if (dayCST(f.t) !== today) continue;
      if (i === last) {
        this.add(device, f, locate(f.lon, f.lat), today);
        continue;
      }
      const cell = this.cellOf(f.lon, f.lat);
      let grid = gridOfCell.get(cell);
      if (grid === undefined) {
        const col = cell % this.cols, row = (cell - col) / this.cols;
        grid = locate(this.lon0 + (col + 0.5) * this.dLon, this.lat0 + (row + 0.5) * this.dLat);
        gridOfCell.set(cell, grid);
      }
      this.add(device, f, grid, today);
    }
  }

  /** The grid's 50 m cells (centres inside it), counted once. */
  cells(code: string): number {
    let n = this.cellsOf.get(code);
    if (n !== undefined) return n;
    const g = this.net.areas.get(code);
    n = 0;
    if (g) {
      const [x0, y0, x1, y1] = g.bbox;
      const c0 = Math.floor((x0 - this.lon0) / this.dLon), c1 = Math.floor((x1 - this.lon0) / this.dLon);
      const r0 = Math.floor((y0 - this.lat0) / this.dLat), r1 = Math.floor((y1 - this.lat0) / this.dLat);
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          if (this.locator.gridAt(this.lon0 + (c + 0.5) * this.dLon, this.lat0 + (r + 0.5) * this.dLat) === code) n++;
        }
      }
    }
    this.cellsOf.set(code, Math.max(n, 1)); // a grid smaller than a cell is one cell
    return Math.max(n, 1);
  }

  of(code: string): GridCoverage {
    this.today(this.now());
    const cells = this.cells(code);
    const walked = Math.min(this.walked.get(code)?.size ?? 0, cells);
    return { grid: code, cells, walked, coverage: Math.round((walked / cells) * 1000) / 1000 };
  }

  /** Phones outside their home grid for longer than `offGridAfterMs`: [index, since, standsIn]. */
  offGrid(): { index: number; since: number; standsIn: string | null }[] {
    const out = [];
    const cutoff = this.now() - this.offGridAfterMs;
    for (let i = 0; i < this.offSince.length; i++) if (this.offSince[i] && this.offSince[i] <= cutoff) out.push({ index: i, since: this.offSince[i], standsIn: this.standsIn[i] ?? null });
    return out;
  }
}
