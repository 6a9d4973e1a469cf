-- Up Migration
-- Accounts, sessions and issued tokens (displays, devices, API keys), as the embedded
-- store keeps them (server/store/sqlite-access.ts). Tokens and passwords: hashes only.
CREATE TABLE accounts (
  username      TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL,
  scope         TEXT COLLATE "C" NOT NULL,
  department    TEXT,
  grids         TEXT[] NOT NULL DEFAULT '{}',
  password_hash TEXT NOT NULL,
  disabled      BOOLEAN NOT NULL DEFAULT false,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);
CREATE TABLE sessions (
  sid                   TEXT PRIMARY KEY,
  kind                  TEXT NOT NULL,
  principal_id          TEXT NOT NULL,
  refresh_hash          TEXT NOT NULL UNIQUE,
  previous_refresh_hash TEXT,
  created_at            BIGINT NOT NULL,
  expires_at            BIGINT NOT NULL,
  revoked_at            BIGINT
);
CREATE INDEX sessions_principal ON sessions (kind, principal_id);
CREATE INDEX sessions_previous ON sessions (previous_refresh_hash);
CREATE TABLE issued (
  kind       TEXT NOT NULL,
  id         TEXT NOT NULL,
  name       TEXT NOT NULL,
  scope      TEXT COLLATE "C" NOT NULL,
  worker_id  TEXT,
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  PRIMARY KEY (kind, id)
);

-- Down Migration
DROP TABLE IF EXISTS issued;
DROP TABLE IF EXISTS sessions;
DROP TABLE IF EXISTS accounts;
