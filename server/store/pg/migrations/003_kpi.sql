-- Up Migration
-- KPI counters per dimension, key and CST day (server/domain/kpi.ts COUNTERS, in order),
-- added to in the same transaction as the report or transition they count. Keys are area
-- codes among others: COLLATE "C" so an ancestor prefix is a byte range of the primary key.
-- `stripe`: every report and step adds to the city's row of the day (and its district's…),
-- and a row being updated is locked until its transaction commits, so with one row per key
-- and day every write would queue behind the one before, a WAL flush each. A write adds to
-- the stripe of its connection (pg_backend_pid() % 8) instead: concurrent writes take
-- different rows and commit together; reads sum the stripes (a key's day is ≤ 8 rows).
CREATE TABLE kpi (
  dim TEXT COLLATE "C" NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  day INTEGER NOT NULL,
  received BIGINT NOT NULL DEFAULT 0,
  registered BIGINT NOT NULL DEFAULT 0,
  rejected BIGINT NOT NULL DEFAULT 0,
  closed BIGINT NOT NULL DEFAULT 0,
  closed_on_time BIGINT NOT NULL DEFAULT 0,
  self_handled BIGINT NOT NULL DEFAULT 0,
  rework BIGINT NOT NULL DEFAULT 0,
  supervised BIGINT NOT NULL DEFAULT 0,
  reminded BIGINT NOT NULL DEFAULT 0,
  escalated BIGINT NOT NULL DEFAULT 0,
  reopened BIGINT NOT NULL DEFAULT 0,
  returned BIGINT NOT NULL DEFAULT 0,
  satisfaction_sum BIGINT NOT NULL DEFAULT 0,
  satisfaction_n BIGINT NOT NULL DEFAULT 0,
  verify_ms BIGINT NOT NULL DEFAULT 0,
  verify_n BIGINT NOT NULL DEFAULT 0,
  dispatch_ms BIGINT NOT NULL DEFAULT 0,
  dispatch_n BIGINT NOT NULL DEFAULT 0,
  accept_ms BIGINT NOT NULL DEFAULT 0,
  accept_n BIGINT NOT NULL DEFAULT 0,
  handle_ms BIGINT NOT NULL DEFAULT 0,
  handle_n BIGINT NOT NULL DEFAULT 0,
  check_ms BIGINT NOT NULL DEFAULT 0,
  check_n BIGINT NOT NULL DEFAULT 0,
  stripe SMALLINT NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, key, day, stripe)
);
-- byKey(dim, period): every key of a dimension over a few days reads these, not the keys.
CREATE INDEX kpi_dim_day ON kpi (dim, day);

-- Down Migration
DROP TABLE IF EXISTS kpi;
