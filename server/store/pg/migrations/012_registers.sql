-- Up Migration
-- The registers with a place (server/store/pg/registers.ts): the net's grids as polygons,
-- the city's components and cameras as points, each with a GiST index, so the database
-- answers "which grid holds this point", "which components are in this box" and "which
-- cameras are within 200 m" itself (the nodes' in-memory indexes answer the same from the
-- same rows: tests/store.pg.registers.test.ts holds them equal). Codes sort bytewise
-- (COLLATE "C"): an area's grids are a prefix range. A register is loaded whole, once per
-- deployment, and re-loaded only when its content (register_versions.version) changes.
CREATE TABLE grids (
  code TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX grids_geom ON grids USING GIST (geom);

CREATE TABLE components (
  idx INTEGER PRIMARY KEY,
  code TEXT COLLATE "C" NOT NULL UNIQUE,
  class SMALLINT NOT NULL,
  grid TEXT COLLATE "C" NOT NULL,
  geom geometry(Point, 4326) NOT NULL
);
CREATE INDEX components_geom ON components USING GIST (geom);

-- Cameras twice: as geometry for boxes (edges along meridians and parallels, as a map's
-- view), as geography for distances in metres (ST_DWithin on the sphere, as the nodes'
-- great-circle index measures them).
CREATE TABLE cameras (
  idx INTEGER PRIMARY KEY,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  grid TEXT COLLATE "C" NOT NULL,
  geom geometry(Point, 4326) NOT NULL,
  geog geography(Point, 4326) NOT NULL
);
CREATE INDEX cameras_geom ON cameras USING GIST (geom);
CREATE INDEX cameras_geog ON cameras USING GIST (geog);

CREATE TABLE register_versions (
  name TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  rows INTEGER NOT NULL,
  loaded_at BIGINT NOT NULL
);

-- Down Migration
DROP TABLE IF EXISTS register_versions;
DROP TABLE IF EXISTS cameras;
DROP TABLE IF EXISTS components;
DROP TABLE IF EXISTS grids;
