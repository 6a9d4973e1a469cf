// Storage failures the HTTP layer answers with their own status, never as a bare 500:
// a full disk is 507 (nothing was stored, reads go on), a data directory held by
// another process stops the start with its name.

/** The write was not committed because the disk (or the store's page limit) is full. */
export class StorageFullError extends Error {
  readonly statusCode = 507;
  constructor(cause?: unknown) {
    super('storage: the disk is full; nothing was stored (reads still work)', { cause });
    this.name = 'StorageFullError';
  }
}

/** The database could not be reached or did not answer in time (PostgreSQL restarting,
 * a lost connection, a statement past its timeout): 503, the client may try again; what
 * was not acknowledged was not stored (a statement is its own transaction, or rolled back). */
export class StoreUnavailableError extends Error {
  readonly statusCode = 503;
  constructor(cause?: unknown) {
    super('storage: the database is unavailable or did not answer in time; try again shortly', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Storage errors whose message is told to the client (not a bare "internal error"). */
export const isToldStorageError = (e: unknown): boolean => e instanceof StorageFullError || e instanceof StoreUnavailableError;

/** Another process has the data directory open. */
export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly holder: string) {
    super(`DATA_DIR ${dataDir} is in use by ${holder}; stop that process or set another DATA_DIR`);
    this.name = 'DataDirInUseError';
  }
}

/** SQLite says SQLITE_FULL for both a full disk (its unix VFS maps ENOSPC to it) and a
 * reached max_page_count; better-sqlite3 puts the code on the error. */
export function isDiskFull(e: unknown): boolean {
  return (e as { code?: unknown })?.code === 'SQLITE_FULL';
}

/** The same store with every method's SQLITE_FULL turned into a StorageFullError. */
export function withFullDiskErrors<T extends object>(store: T): T {
  const wrapped = {} as T;
  for (const [k, v] of Object.entries(store)) {
    (wrapped as Record<string, unknown>)[k] = typeof v !== 'function' ? v : (...args: unknown[]) => {
      try {
        const r = v(...args);
        return r instanceof Promise ? r.catch((e: unknown) => { throw isDiskFull(e) ? new StorageFullError(e) : e; }) : r;
      } catch (e) {
        throw isDiskFull(e) ? new StorageFullError(e) : e;
      }
    };
  }
  return wrapped;
}
