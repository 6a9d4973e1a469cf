// A stable random stream per key (an area's code): the same code draws the same numbers
// whatever ran before, so a grid's synthetic counts never change between runs or requests.
import { mulberry32 } from '../sim/random.ts';

export function rngFor(seed: number, key: string): () => number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return mulberry32(h >>> 0);
}
