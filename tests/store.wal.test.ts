// Under a write-only load the WAL is checkpointed and cut back: it stays at a few MB.
// (A statement left open after its first row holds a read snapshot, no checkpoint can
// complete, and the WAL grows by every page every insert writes: ~18 KB a report.)
import { afterAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { gridOf, injectAs, report, testApp, theNet, type TestApp } from './helpers.ts';

let t: TestApp;
afterAll(() => t?.close());

describe('the write-ahead log', () => {
  it('stays under 8 MB over 10,000 reports with no reads', async () => {
    t = await testApp();
    const inject = await injectAs(t);
    const { net } = theNet();
    const grids = ['320402', '320411', '320481'].map((d) => gridOf(net, d));
    let maxWal = 0;
    for (let i = 0; i < 10_000; i++) {
      const g = grids[i % grids.length];
      const r = await inject({ method: 'POST', url: '/api/tickets', payload: report(g.label[0], g.label[1]) });
      if (r.statusCode !== 201) throw new Error(r.body);
      if (i % 500 === 499) maxWal = Math.max(maxWal, statSync(join(t.dir, 'one-net.sqlite-wal')).size);
    }
    console.log(JSON.stringify({ test: 'wal', reports: 10_000, maxWalBytes: maxWal }));
    expect(maxWal).toBeGreaterThan(0);
    expect(maxWal).toBeLessThan(8 * 1024 * 1024);
    expect((await t.store.total())).toBe(10_000);
  });
});
