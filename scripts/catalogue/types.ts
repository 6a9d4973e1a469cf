// How the catalogue's items are written down before build.ts expands them into
// data/catalogue.json: the texts item by item, the time limits from a pace and the
// handling hours (so the three levels stay consistent), codes from the order of the items.
import type { Level } from '../../server/domain/catalogue.ts';

/**
 * How fast the steps around handling run:
 * - `routine`: city appearance, services; a day's patrol rhythm.
 * - `prompt`: hazards that can hurt someone (fire, gas, structures).
 * - `urgent`: emergencies under way; minutes matter.
 */
export type Pace = 'routine' | 'prompt' | 'urgent';

export interface ItemDef {
  /** Two-digit subclass of the category the file is for; the item's sequence is its order in it. */
  sub: string;
  name: string;
  /** Department code (data/departments.json). */
  dept: string;
  /** Platform, when it is not the department's own. */
  platform?: string;
  basis: string;
  report: string;
  tech: string;
  inspect: string;
  procedure: string;
  close: string;
  docs?: string[];
  level: string;
  /** Default `general`. */
  def?: Level;
  /** 自处置; default false. */
  self?: boolean;
  pace: Pace;
  /** Working hours to handle at the 一般 level; 较大 gets half, 重大 a quarter. */
  handle: number;
  /** Photos needed to close; default both. */
  evidence?: { before: boolean; after: boolean };
}
