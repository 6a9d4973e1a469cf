// The camera status conformance suite on the embedded SQLite store, and the product through a
// real restart: a status set over HTTP is what the next server (same DATA_DIR) shows.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStores, type SqliteStores } from '../server/store/sqlite.ts';
import { cameraStoreConformance } from './store/camera-store.conformance.ts';
import { injectAs, testApp } from './helpers.ts';

cameraStoreConformance('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'one-net-cameras-'));
  let stores: SqliteStores = openSqliteStores(dir);
  return {
    get cameras() {
      return stores.cameras;
    },
    async reopen() {
      stores.close();
      stores = openSqliteStores(dir);
      return stores.cameras;
    },
    async close() {
      if (stores.db.open) stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('camera status across a restart of the app', () => {
  it('shows after a restart the status set before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'one-net-cameras-app-'));
    try {
      const first = await testApp({ dir, cameras: { count: 500 } });
      const admin = await injectAs(first);
      const id = ((await admin('/api/cameras?area=320402')).json() as { ids: string[] }).ids[0];
      expect((await admin({ method: 'PUT', url: `/api/cameras/${id}/status`, payload: { status: 'offline' } })).statusCode).toBe(200);
      await first.close();
      const second = await testApp({ dir, cameras: { count: 500 } });
      const again = await injectAs(second);
      expect((await again(`/api/cameras/${id}`)).json()).toMatchObject({ id, status: 'offline', statusName: '离线' });
      expect(((await again('/api/cameras?status=offline')).json() as { ids: string[] }).ids).toEqual([id]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
