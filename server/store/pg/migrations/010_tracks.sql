-- Up Migration
-- The PostgreSQL track store (server/store/pg/tracks.ts): three tiers, like the SQLite one.
-- Device ids use the "C" collation: byte order is all the store needs (keyset slices in
-- compaction), and it compares faster than a linguistic collation.

-- 1. The append log: one row per fix, quantised values (server/domain/track-codec.ts), so a
-- read gives back exactly what a chunk would. The primary key is the duplicate rule itself:
-- appends insert with ON CONFLICT DO NOTHING, which also holds between concurrent appends
-- (the second waits on the first's uncommitted key, then skips). Rows live for about a
-- minute (compaction moves them out), so the table churns: vacuum it by row count, not by
-- a fraction of its size.
CREATE TABLE track_log (
  device TEXT COLLATE "C" NOT NULL,
  t BIGINT NOT NULL,
  lon DOUBLE PRECISION NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  speed DOUBLE PRECISION,
  bearing DOUBLE PRECISION,
  altitude DOUBLE PRECISION,
  accuracy DOUBLE PRECISION,
  battery DOUBLE PRECISION,
  PRIMARY KEY (device, t)
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 20000);

-- 2. Open chunks: the codec runs of device-days not yet final — today's small per-minute
-- chunks (sealed = false) and their half-hourly merges (sealed = true), and chunks of late
-- fixes for a finished day. Written and deleted all day, so kept out of the day partitions
-- below: its dead space is reused here by autovacuum, and a finished day's partition is
-- written once and never churned. Each chunk's extent (the bounding box of its fixes) is
-- indexed, so spatial queries see today too.
CREATE TABLE track_open (
  id BIGSERIAL PRIMARY KEY,
  day INTEGER NOT NULL,
  device TEXT COLLATE "C" NOT NULL,
  t0 BIGINT NOT NULL,
  t1 BIGINT NOT NULL,
  n INTEGER NOT NULL,
  sealed BOOLEAN NOT NULL,
  body BYTEA NOT NULL,
  extent geometry(Polygon, 4326) NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0.05);
-- Codec runs are already packed (sealed ones deflated): TOAST's pglz would only spend CPU.
ALTER TABLE track_open ALTER COLUMN body SET STORAGE EXTERNAL;
-- t1 before t0: "chunks that end at or after t" is then a range, empty for a fix newer than
-- every chunk of its device (an append's duplicate check, nearly every fix).
CREATE INDEX track_open_key ON track_open (day, device, t1, t0);
-- Compaction's "which device-days have gathered enough small chunks to merge".
CREATE INDEX track_open_recent ON track_open (day, device) WHERE NOT sealed;
CREATE INDEX track_open_extent ON track_open USING gist (extent);

-- 3. Final chunks: one deflated run per device and CST day, partitioned by day. Why
-- partitions rather than an index on day: retention (dropDaysBefore) is then DROP TABLE of
-- whole days — constant time, no dead tuples, the space back to the file system at once,
-- no vacuum of ~250 MB of TOAST a day — and a day's partition holds only that day's ~8,500
-- rows, so its GiST index answers "who was near this point that day" without the other
-- days in the way. Partitions are created by compaction when it first finalises a day
-- (server/store/pg/tracks-compact.ts). The primary key (day, device) is also the read path.
CREATE TABLE track_chunks (
  day INTEGER NOT NULL,
  device TEXT COLLATE "C" NOT NULL,
  t0 BIGINT NOT NULL,
  t1 BIGINT NOT NULL,
  n INTEGER NOT NULL,
  body BYTEA NOT NULL,
  extent geometry(Polygon, 4326) NOT NULL,
  PRIMARY KEY (day, device)
) PARTITION BY RANGE (day);
ALTER TABLE track_chunks ALTER COLUMN body SET STORAGE EXTERNAL;
CREATE INDEX track_chunks_extent ON track_chunks USING gist (extent);

-- Each device's newest fix once compacted (the live layer's reload at start), quantised.
-- Updated in place every compaction: pages half empty so the new version fits beside the
-- old (a HOT update, no new index entry).
CREATE TABLE track_last (
  device TEXT COLLATE "C" PRIMARY KEY,
  t BIGINT NOT NULL,
  lon DOUBLE PRECISION NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  speed DOUBLE PRECISION,
  bearing DOUBLE PRECISION,
  altitude DOUBLE PRECISION,
  accuracy DOUBLE PRECISION,
  battery DOUBLE PRECISION
) WITH (fillfactor = 50);

-- Down Migration
DROP TABLE IF EXISTS track_last;
DROP TABLE IF EXISTS track_chunks;
DROP TABLE IF EXISTS track_open;
DROP TABLE IF EXISTS track_log;
