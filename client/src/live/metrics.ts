// JS time spent per socket update (store write + layer props), exposed for the tests.
import { wallHandle } from '../map/testHandle.ts';

let n = 0;
let sum = 0;

export function measureUpdate(work: () => void): void {
  const t0 = performance.now();
  work();
  const ms = performance.now() - t0;
  n++;
  sum += ms;
  wallHandle().updateMs = { last: ms, mean: sum / n, count: n };
}
