// The simulator moves to another node when its node dies (a lease, server/cluster/). The
// phones' device tokens must then be the same on the new node: derived from the
// deployment's shared secret they are; from each node's own DATA_DIR they were not, and the
// new node found every phone registered under another token and simulated none.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStores } from '../server/store/sqlite.ts';
import { phoneSecret, simPhones } from '../server/sim/phones.ts';
import { theNet } from './helpers.ts';

const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'one-net-simphones-')));
const stores = openSqliteStores(dirs[0]); // the deployment's one store
afterAll(() => {
  stores.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("the simulated phones after the simulator moves to another node", () => {
  it('are the same phones with the same tokens when the secret is the shared one', async () => {
    const { net } = theNet();
    const onA = await simPhones(stores.access, net, phoneSecret({ shared: 'the deployment secret' }), Date.now(), 40);
    expect(onA).toHaveLength(40);
    const onB = await simPhones(stores.access, net, phoneSecret({ shared: 'the deployment secret' }), Date.now(), 40);
    expect(onB.map((p) => [p.id, p.token])).toEqual(onA.map((p) => [p.id, p.token]));
    // Each node's own DATA_DIR secret: none of the other node's phones is its own (it would
    // register phones nobody had yet, and with every phone registered, none).
    const own = await simPhones(stores.access, net, phoneSecret({ dataDir: dirs[1] }), Date.now(), 40);
    expect(own.filter((p) => onA.some((a) => a.id === p.id))).toEqual([]);
    // One node: its DATA_DIR secret is kept, so its restart finds its phones again.
    const fresh = openSqliteStores(dirs[2]);
    try {
      const first = await simPhones(fresh.access, net, phoneSecret({ dataDir: dirs[2] }), Date.now(), 10);
      const again = await simPhones(fresh.access, net, phoneSecret({ dataDir: dirs[2] }), Date.now(), 10);
      expect(again.map((p) => p.token)).toEqual(first.map((p) => p.token));
      expect(first).toHaveLength(10);
    } finally {
      fresh.close();
    }
  });
});
