// What every CameraStatusStore must do, written once as a function of the store: SQLite runs it
// now (tests/store.cameras.test.ts), the PostgreSQL store of the scale-out issue will run the
// same. `make` gives a fresh empty store; `reopen` closes it and opens the same data (a restart).
import { describe, expect, it } from 'vitest';
import type { CameraStatusStore } from '../../server/store/cameras.ts';

export interface MadeCameraStore {
  cameras: CameraStatusStore;
  reopen(): Promise<CameraStatusStore>;
  close(): Promise<void>;
}

const A = '32040201001320000001'; // a 雪亮工程 road camera in 天宁区
const B = '32048103011318000042'; // an analogue community camera in 溧阳市
const T0 = Date.UTC(2026, 10, 23, 2);

export function cameraStoreConformance(name: string, make: () => Promise<MadeCameraStore>) {
  describe(`CameraStatusStore conformance: ${name}`, () => {
    const withStore = (f: (s: CameraStatusStore, made: MadeCameraStore) => Promise<void>) => async () => {
      const made = await make();
      try {
        await f(made.cameras, made);
      } finally {
        await made.close();
      }
    };

    it('starts empty and gives back what was set, by id', withStore(async (s) => {
      expect(await s.all()).toEqual([]);
      expect(await s.get(A)).toBeUndefined();
      expect(await s.set({ id: A, status: 'fault', at: T0, by: 'key:vms' })).toBe(true);
      expect(await s.set({ id: B, status: 'offline', at: T0 + 5, by: 'account:admin' })).toBe(true);
      expect(await s.get(A)).toEqual({ id: A, status: 'fault', at: T0, by: 'key:vms' });
      expect(await s.all()).toEqual([{ id: A, status: 'fault', at: T0, by: 'key:vms' }, { id: B, status: 'offline', at: T0 + 5, by: 'account:admin' }]);
    }));

    it('keeps the latest observation: a later one replaces, an earlier one arriving late does not', withStore(async (s) => {
      await s.set({ id: A, status: 'fault', at: T0 + 1000, by: 'key:vms' });
      expect(await s.set({ id: A, status: 'online', at: T0, by: 'key:slow-gateway' })).toBe(false);
      expect((await s.get(A))?.status).toBe('fault');
      expect(await s.set({ id: A, status: 'online', at: T0 + 2000, by: 'key:vms' })).toBe(true);
      expect(await s.get(A)).toEqual({ id: A, status: 'online', at: T0 + 2000, by: 'key:vms' });
      expect(await s.all()).toHaveLength(1);
    }));

    it('keeps every status through a restart', withStore(async (_s, made) => {
      await made.cameras.set({ id: A, status: 'offline', at: T0, by: 'sim' });
      await made.cameras.set({ id: B, status: 'fault', at: T0, by: 'sim' });
      await made.cameras.set({ id: B, status: 'online', at: T0 + 1, by: 'sim' });
      const again = await made.reopen();
      expect(await again.all()).toEqual([{ id: A, status: 'offline', at: T0, by: 'sim' }, { id: B, status: 'online', at: T0 + 1, by: 'sim' }]);
    }));
  });
}
