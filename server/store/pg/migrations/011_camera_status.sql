-- Up Migration
-- The last known status of every camera ever set (server/store/pg/cameras.ts).
CREATE TABLE camera_status (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  at BIGINT NOT NULL,
  by TEXT NOT NULL
);

-- Down Migration
DROP TABLE IF EXISTS camera_status;
