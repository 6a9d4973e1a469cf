// The camera status store: the last known status (online/offline/fault) of every camera whose
// status was ever set, so a restart shows what the wall showed before it. Cameras never set
// are online. One interface, asynchronous because the PostgreSQL store of the scale-out issue
// will implement it too; the embedded one is sqlite-cameras.ts, and
// tests/store/camera-store.conformance.ts says what both must do.
//
//   await cameras.set({ id, status: 'fault', at: now, by: 'key:vms-gateway' })  // true: stored
//   for (const r of await cameras.all()) …                                       // at start
import type { CameraStatus } from '../domain/camera-id.ts';

export interface CameraStatusRecord {
  id: string;
  status: CameraStatus;
  /** When the status was observed (epoch ms). */
  at: number;
  /** Who set it (a principal id: the gateway's key, an admin, the simulator). */
  by: string;
}

export interface CameraStatusStore {
  /** Stores the status unless one observed later is already stored (reports from a gateway
   * may arrive out of order): true when stored. Resolves once committed. */
  set(r: CameraStatusRecord): Promise<boolean>;
  get(id: string): Promise<CameraStatusRecord | undefined>;
  /** Every stored status, by id. */
  all(): Promise<CameraStatusRecord[]>;
}
