// The embedded store: better-sqlite3 in WAL mode under DATA_DIR.
// Each write is committed before the HTTP answer (writes arriving together share one
// commit: sqlite-group-commit.ts), so an acknowledged ticket survives a killed process
// (WAL + synchronous=NORMAL is durable against process death; FULL would add power-loss
// durability at ~1 fsync per commit).
// Writes are run to completion with `.run()`: a statement stepped only to its first row
// (`INSERT … RETURNING` through `.get()`) hides the commit's error (SQLITE_FULL) and
// holds a read snapshot that stops every checkpoint, so the WAL grows without bound.
// EXCLUSIVE locking: one process per data directory (see lock.ts).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Stores } from './types.ts';
import { migrateTickets, sqliteTicketStore } from './sqlite-tickets.ts';
import { KPI_SCHEMA, sqliteKpiStore } from './sqlite-kpi.ts';
import { DataDirInUseError, withFullDiskErrors } from './errors.ts';
import { sqliteAccessStore } from './sqlite-access.ts';
import { sqliteAuditStore } from './sqlite-audit.ts';
import { groupCommit } from './sqlite-group-commit.ts';
import { openSqliteTrackStore } from './sqlite-tracks.ts';
import { sqliteCameraStatusStore } from './sqlite-cameras.ts';
import { describeOwner, writeOwner } from './lock.ts';

export interface SqliteOptions {
  file?: string;
  /** SQLite's max_page_count: a store that is "full" at this many pages (tests of a full disk). */
  maxPageCount?: number;
  /** How long to wait for another process to let go of the data directory, ms. */
  lockWaitMs?: number;
}

/** After a checkpoint the WAL is cut back to this size (SQLite's journal_size_limit). */
const WAL_KEEP_BYTES = 4 * 1024 * 1024;

function openExclusive(dataDir: string, file: string, lockWaitMs: number): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, file), { timeout: lockWaitMs });
  try {
    // Before the first WAL access, so the wal-index lives in this process's memory and
    // the file lock is never released until the connection closes.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.exec('BEGIN IMMEDIATE; COMMIT'); // take the write lock now, not at the first report
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUseError(dataDir, describeOwner(dataDir));
    throw e;
  }
  writeOwner(dataDir);
  return db;
}

/** The stores and, for tests and tools that read it whole, the database they share. */
export interface SqliteStores extends Stores {
  db: Database.Database;
}

/** Every store of the product in one SQLite database under `dataDir`. */
export function openSqliteStores(dataDir: string, opts: SqliteOptions = {}): SqliteStores {
  const db = openExclusive(dataDir, opts.file ?? 'one-net.sqlite', opts.lockWaitMs ?? 2000);
  db.pragma('synchronous = NORMAL');
  db.pragma(`journal_size_limit = ${WAL_KEEP_BYTES}`);
  migrateTickets(db);
  db.exec(KPI_SCHEMA);
  const tracks = openSqliteTrackStore(dataDir, { lockWaitMs: opts.lockWaitMs });
  const commit = groupCommit(db); // one queue: reports, steps and audit rows share commits
  const stores: SqliteStores = {
    db,
    tickets: withFullDiskErrors(sqliteTicketStore(db, commit)),
    kpi: sqliteKpiStore(db),
    access: withFullDiskErrors(sqliteAccessStore(db)),
    audit: withFullDiskErrors(sqliteAuditStore(db, commit)),
    tracks,
    cameras: withFullDiskErrors(sqliteCameraStatusStore(db)),
    // At once, like the main store: fixes not yet in chunks wait in the tracks' append log,
    // replayed when the store next opens, so nothing acknowledged is lost by not flushing.
    close: () => {
      if (tracks.db.open) tracks.db.close();
      db.close();
    },
  };
  if (opts.maxPageCount) db.pragma(`max_page_count = ${Math.max(1, Math.floor(opts.maxPageCount))}`);
  return stores;
}
