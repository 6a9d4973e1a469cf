// Share a fixed total among parties by weight: largest remainder (Hamilton), with a floor
// and a cap per party and ties broken by order, so the totals of DOMAIN.md are hit exactly.
export function allocate(total: number, weights: number[], min: number, max: number): number[] {
  const n = weights.length;
  const out = new Array<number>(n).fill(min);
  let left = total - min * n;
  if (left < 0 || total > max * n) throw new Error(`cannot share ${total} among ${n}`);
  while (left > 0) {
    const open = weights.map((w, i) => (out[i] < max ? w : 0));
    const sum = open.reduce((a, b) => a + b, 0);
    if (sum === 0) throw new Error('no weight left');
    const quota = open.map((w) => (w / sum) * left);
    let given = 0;
    quota.forEach((q, i) => {
      const add = Math.min(Math.floor(q), max - out[i]);
      out[i] += add;
      given += add;
    });
    left -= given;
    if (left > 0 && given === 0) {
      const order = quota.map((q, i) => ({ i, r: q - Math.floor(q) })).filter((e) => out[e.i] < max)
        .sort((a, b) => b.r - a.r || a.i - b.i);
      for (const e of order.slice(0, left)) out[e.i]++;
      left -= Math.min(left, order.length);
    }
  }
  return out;
}
