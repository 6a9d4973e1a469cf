// A tiny seeded PRNG (mulberry32): the net must come out byte-identical on every run,
// so nothing in the generator may touch Math.random.
import { mulberry32 } from '../../server/sim/random.ts';

export type Rng = () => number;

/** A stable per-area stream: the same code always draws the same numbers, whatever ran before. */
export function rngFor(seed: number, key: string): Rng {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return mulberry32(h >>> 0);
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}
