// The PostgreSQL camera status store (store/cameras.ts): one row per camera ever set
// (migrations/011_camera_status.sql). A write is one upsert, committed before it resolves.
//
//   const cameras = pgCameraStatusStore(pool);   // the pool is the caller's (pool.ts)
//
// Out-of-order reports: the upsert's WHERE compares with the row as it is when the update
// runs. Two reports of one camera racing on several nodes serialise on the row lock, and
// the second re-evaluates `excluded.at >= camera_status.at` against the first's committed
// row (READ COMMITTED re-check), so a stale report never overwrites a later one. Equal
// instants replace, as in the SQLite store: the interface keeps a status unless one
// observed *later* is stored.
import type pg from 'pg';
import type { CameraStatus } from '../../domain/camera-id.ts';
import type { CameraStatusRecord, CameraStatusStore } from '../cameras.ts';

const UPSERT = `INSERT INTO camera_status (id, status, at, by) VALUES ($1, $2, $3, $4)
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, at = excluded.at, by = excluded.by
  WHERE excluded.at >= camera_status.at`;

interface Row {
  id: string;
  status: string;
  at: number; // BIGINT, parsed as a number by pool.ts
  by: string;
}
const record = (r: Row): CameraStatusRecord => ({ id: r.id, status: r.status as CameraStatus, at: r.at, by: r.by });

export function pgCameraStatusStore(pool: pg.Pool): CameraStatusStore {
  return {
    async set(r) {
      // pool.query: a lost connection or statement timeout rejects this promise (and the
      // pool drops the client); it never surfaces as an unhandled 'error' event.
      const res = await pool.query(UPSERT, [r.id, r.status, r.at, r.by]);
      return (res.rowCount ?? 0) > 0;
    },
    async get(id) {
      const { rows } = await pool.query<Row>('SELECT id, status, at, by FROM camera_status WHERE id = $1', [id]);
      return rows.length ? record(rows[0]) : undefined;
    },
    async all() {
      // COLLATE "C": the same byte order as SQLite's, whatever the database's locale.
      const { rows } = await pool.query<Row>('SELECT id, status, at, by FROM camera_status ORDER BY id COLLATE "C"');
      return rows.map(record);
    },
  };
}
