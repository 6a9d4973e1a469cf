// The camera status conformance suite on the PostgreSQL store (each test on a fresh
// migrated schema of the machine's real PostgreSQL, tests/pg/fresh.ts), then what only a
// shared database has to show: reports racing from several nodes, and a blocked write
// failing within the statement timeout instead of hanging.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { pgCameraStatusStore } from '../server/store/pg/cameras.ts';
import { openPgPool } from '../server/store/pg/pool.ts';
import { cameraStoreConformance } from './store/camera-store.conformance.ts';
import { freshSchema } from './pg/fresh.ts';
import { mulberry32 } from '../server/sim/random.ts';

cameraStoreConformance('PostgreSQL', async () => {
  const s = await freshSchema('cameras');
  let cameras = pgCameraStatusStore(s.pool);
  return {
    get cameras() {
      return cameras;
    },
    async reopen() {
      return (cameras = pgCameraStatusStore(s.pool));
    },
    close: s.drop,
  };
});

const A = '32040201001320000001';
const T0 = Date.UTC(2026, 10, 23, 2);

describe('PostgreSQL camera status store', () => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const d of drops) await d();
  });

  it('keeps the latest of many reports arriving out of order from two nodes at once', async () => {
    const s = await freshSchema('cameras_race');
    drops.push(s.drop);
    const other = openPgPool({ url: s.url, schema: s.schema });
    try {
      const nodes = [pgCameraStatusStore(s.pool), pgCameraStatusStore(other)];
      const r = mulberry32(7);
      for (let round = 0; round < 5; round++) {
        const base = T0 + round * 1000;
        const reports = Array.from({ length: 60 }, (_, k) => ({ id: A, status: (['online', 'offline', 'fault'] as const)[k % 3], at: base + k, by: `gw-${k}` }));
        for (let i = reports.length - 1; i > 0; i--) { // shuffled: any order of arrival
          const j = Math.floor(r() * (i + 1));
          [reports[i], reports[j]] = [reports[j], reports[i]];
        }
        const answers = await Promise.all(reports.map((rep, k) => nodes[k % 2].set(rep)));
        const newest = reports.find((x) => x.at === base + 59)!;
        expect(answers[reports.indexOf(newest)]).toBe(true); // the newest is always stored
        expect(await nodes[round % 2].get(A)).toEqual(newest);
        expect(answers.filter(Boolean).length).toBeGreaterThanOrEqual(1);
      }
      // a stale report after all of them is refused by either node
      expect(await nodes[1].set({ id: A, status: 'fault', at: T0, by: 'late' })).toBe(false);
      expect(await nodes[0].all()).toHaveLength(1);
    } finally {
      await other.end();
    }
  });

  it('rejects a write blocked past the statement timeout, and works again once unblocked', async () => {
    const s = await freshSchema('cameras_timeout');
    drops.push(s.drop);
    const impatient = openPgPool({ url: s.url, schema: s.schema, statementTimeoutMs: 300 });
    const blocker = new pg.Client({ connectionString: s.url });
    await blocker.connect();
    try {
      const cameras = pgCameraStatusStore(impatient);
      await cameras.set({ id: A, status: 'online', at: T0, by: 'sim' });
      await blocker.query(`SET search_path = ${s.schema}`);
      await blocker.query('BEGIN');
      await blocker.query('SELECT * FROM camera_status WHERE id = $1 FOR UPDATE', [A]); // another node holds the row
      const t = performance.now();
      await expect(cameras.set({ id: A, status: 'fault', at: T0 + 1, by: 'sim' })).rejects.toThrow(/statement timeout/);
      expect(performance.now() - t).toBeLessThan(5000);
      await blocker.query('ROLLBACK');
      expect(await cameras.set({ id: A, status: 'fault', at: T0 + 1, by: 'sim' })).toBe(true);
      expect((await cameras.get(A))?.status).toBe('fault');
    } finally {
      await blocker.end();
      await impatient.end();
    }
  });
});
