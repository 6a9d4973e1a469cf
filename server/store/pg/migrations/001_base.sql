-- Up Migration
-- A deployment's identity (one row): which product schema this is.
CREATE TABLE IF NOT EXISTS deployment (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  created_at BIGINT NOT NULL
);
INSERT INTO deployment (id, created_at) VALUES (1, (extract(epoch from now()) * 1000)::bigint) ON CONFLICT DO NOTHING;

-- Down Migration
DROP TABLE IF EXISTS deployment;
