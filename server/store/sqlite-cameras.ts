// The embedded camera status store (store/cameras.ts): one row per camera ever set, in the
// main database. A write is a single upsert committed before it resolves.
import type Database from 'better-sqlite3';
import type { CameraStatusRecord, CameraStatusStore } from './cameras.ts';

export const CAMERA_STATUS_SCHEMA = `CREATE TABLE IF NOT EXISTS camera_status (
  id TEXT PRIMARY KEY, status TEXT NOT NULL, at INTEGER NOT NULL, by TEXT NOT NULL
) WITHOUT ROWID`;

export function sqliteCameraStatusStore(db: Database.Database): CameraStatusStore {
  db.exec(CAMERA_STATUS_SCHEMA);
  // Later-or-equal wins: a gateway's stale report does not undo a newer one.
  const upsert = db.prepare(`INSERT INTO camera_status (id, status, at, by) VALUES (@id, @status, @at, @by)
    ON CONFLICT(id) DO UPDATE SET status = excluded.status, at = excluded.at, by = excluded.by WHERE excluded.at >= camera_status.at`);
  const one = db.prepare('SELECT id, status, at, by FROM camera_status WHERE id = ?');
  const every = db.prepare('SELECT id, status, at, by FROM camera_status ORDER BY id');
  return {
    async set(r) {
      return upsert.run(r).changes > 0;
    },
    async get(id) {
      return one.get(id) as CameraStatusRecord | undefined;
    },
    async all() {
      return every.all() as CameraStatusRecord[];
    },
  };
}
