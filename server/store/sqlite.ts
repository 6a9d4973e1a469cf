// The embedded store: better-sqlite3 in WAL mode under DATA_DIR.
// Each insert is its own committed transaction before the HTTP answer, so an
// acknowledged ticket survives a killed process (WAL + synchronous=NORMAL is durable
// against process death; FULL would add power-loss durability at ~1 fsync per write).
// Writes are run to completion with `.run()`: a statement stepped only to its first row
// (`INSERT … RETURNING` through `.get()`) hides the commit's error (SQLITE_FULL) and
// holds a read snapshot that stops every checkpoint, so the WAL grows without bound.
// EXCLUSIVE locking: one process per data directory (see lock.ts).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TicketInput, TicketRecord } from '../domain/ticket.ts';
import type { CountQuery, Stores, TicketCounts, TicketQuery, TicketStore } from './types.ts';
import { DataDirInUseError, withFullDiskErrors } from './errors.ts';
import { sqliteAccessStore } from './sqlite-access.ts';
import { sqliteAuditStore } from './sqlite-audit.ts';
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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tickets (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at  INTEGER NOT NULL,
  grid_code   TEXT    NOT NULL,
  status      TEXT    NOT NULL,
  category    TEXT    NOT NULL,
  source      TEXT    NOT NULL,
  lon         REAL    NOT NULL,
  lat         REAL    NOT NULL,
  description TEXT    NOT NULL,
  department  TEXT,
  reporter_name  TEXT,
  reporter_phone TEXT
);
CREATE INDEX IF NOT EXISTS tickets_grid_seq ON tickets (grid_code, seq);
CREATE INDEX IF NOT EXISTS tickets_created ON tickets (created_at, grid_code);
`;

interface Row {
  seq: number;
  created_at: number;
  grid_code: string;
  status: string;
  category: string;
  source: string;
  lon: number;
  lat: number;
  description: string;
  reporter_name: string | null;
  reporter_phone: string | null;
  department: string | null;
}

function fromRow(r: Row): TicketRecord {
  return {
    seq: r.seq,
    createdAt: r.created_at,
    gridCode: r.grid_code,
    status: r.status as TicketRecord['status'],
    category: r.category as TicketRecord['category'],
    source: r.source as TicketRecord['source'],
    lon: r.lon,
    lat: r.lat,
    description: r.description,
    department: r.department,
    ...(r.reporter_name !== null && r.reporter_phone !== null ? { reporter: { name: r.reporter_name, phone: r.reporter_phone } } : {}),
  };
}

/** Codes are digits only, so every code starting with `p` sorts in [p, p + ':'). */
function prefixRange(area: string): [string, string] {
  return [area, area + ':'];
}

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
  db.exec(SCHEMA);
  // Stores made by the spine lack the columns added since.
  const columns = new Set((db.pragma('table_info(tickets)') as { name: string }[]).map((c) => c.name));
  for (const c of ['department', 'reporter_name', 'reporter_phone']) if (!columns.has(c)) db.exec(`ALTER TABLE tickets ADD COLUMN ${c} TEXT`);
  const stores: SqliteStores = {
    db,
    tickets: withFullDiskErrors(sqliteTicketStore(db)),
    access: withFullDiskErrors(sqliteAccessStore(db)),
    audit: withFullDiskErrors(sqliteAuditStore(db)),
    close: () => db.close(),
  };
  if (opts.maxPageCount) db.pragma(`max_page_count = ${Math.max(1, Math.floor(opts.maxPageCount))}`);
  return stores;
}

function sqliteTicketStore(db: Database.Database): TicketStore {
  const insertStmt = db.prepare(
    `INSERT INTO tickets (created_at, grid_code, status, category, source, lon, lat, description, reporter_name, reporter_phone)
     VALUES (@createdAt, @gridCode, 'reported', @category, @source, @lon, @lat, @description, @reporterName, @reporterPhone)`,
  );
  const getStmt = db.prepare('SELECT * FROM tickets WHERE seq = ?');
  const totalStmt = db.prepare('SELECT count(*) AS n FROM tickets').pluck();

  function where(q: CountQuery & { status?: string; beforeSeq?: number; department?: string }) {
    const clauses: string[] = [];
    const params: (string | number)[] = [];
    if (q.area) {
      const [lo, hi] = prefixRange(q.area);
      clauses.push('grid_code >= ? AND grid_code < ?');
      params.push(lo, hi);
    }
    if (q.status) (clauses.push('status = ?'), params.push(q.status));
    if (q.department) (clauses.push('department = ?'), params.push(q.department));
    if (q.from !== undefined) (clauses.push('created_at >= ?'), params.push(q.from));
    if (q.to !== undefined) (clauses.push('created_at < ?'), params.push(q.to));
    if (q.beforeSeq !== undefined) (clauses.push('seq < ?'), params.push(q.beforeSeq));
    return { sql: clauses.length ? 'WHERE ' + clauses.join(' AND ') : '', params };
  }

  // Prepared statements are cached per SQL text: the set of filter shapes is small.
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, (s = db.prepare(sql)));
    return s;
  };

  return {
    insert(input: TicketInput, gridCode: string, createdAt: number): TicketRecord {
      const row = { lon: input.lon, lat: input.lat, category: input.category, source: input.source, description: input.description, gridCode, createdAt };
      const reporter = input.reporter ? { name: input.reporter.name, phone: input.reporter.phone } : undefined;
      const seq = Number(insertStmt.run({ ...row, reporterName: reporter?.name ?? null, reporterPhone: reporter?.phone ?? null }).lastInsertRowid); // committed when run() returns
      return { ...row, seq, status: 'reported', ...(reporter ? { reporter } : {}) };
    },
    get(seq: number) {
      const r = getStmt.get(seq) as Row | undefined;
      return r && fromRow(r);
    },
    list(q: TicketQuery) {
      const w = where(q);
      const rows = prepare(`SELECT * FROM tickets ${w.sql} ORDER BY seq DESC LIMIT ?`).all(...w.params, q.limit);
      return (rows as Row[]).map(fromRow);
    },
    count(q: CountQuery, childLength: number): TicketCounts {
      const w = where(q);
      const rows = prepare(
        `SELECT substr(grid_code, 1, ?) AS child, status, category, count(*) AS n FROM tickets ${w.sql}
         GROUP BY child, status, category`,
      ).all(childLength, ...w.params) as { child: string; status: string; category: string; n: number }[];
      const out: TicketCounts = { total: 0, byStatus: {}, byCategory: {}, byChild: {} };
      for (const r of rows) {
        out.total += r.n;
        out.byStatus[r.status] = (out.byStatus[r.status] ?? 0) + r.n;
        out.byCategory[r.category] = (out.byCategory[r.category] ?? 0) + r.n;
        out.byChild[r.child] = (out.byChild[r.child] ?? 0) + r.n;
      }
      return out;
    },
    total: () => totalStmt.get() as number,
  };
}
