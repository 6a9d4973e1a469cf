// PostgreSQL's failures as the storage errors the HTTP edge answers with their own status:
// the database unreachable, restarting, a connection lost mid-statement or a statement past
// its timeout → StoreUnavailableError (503); a full disk → StorageFullError (507), as SQLite's.
// Anything else (a constraint, a bug) stays what it is: a 500 with its cause logged.
import { StorageFullError, StoreUnavailableError } from '../errors.ts';

/** Node's socket errors: the server is not there, or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
/** SQLSTATEs of an unavailable server: admin/crash shutdown, cannot connect now, statement
 * timeout or cancel (57014), lock timeout (55P03), too many connections (53300), and
 * serialization failures a retry resolves (40001, 40P01). */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '57014', '55P03', '53300', '40001', '40P01', '08000', '08001', '08003', '08004', '08006', '08007']);
/** disk_full, out_of_memory: nothing was stored. */
const FULL_STATES = new Set(['53100']);

export function pgErrorKind(e: unknown): 'unavailable' | 'full' | null {
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  if (FULL_STATES.has(code)) return 'full';
  if (UNAVAILABLE_STATES.has(code) || NETWORK_CODES.has(code)) return 'unavailable';
  // pg and pg-pool signal a lost or unobtainable connection by message, without a code.
  const message = typeof err?.message === 'string' ? err.message : '';
  if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed|Cannot use a pool after calling end|Client was closed/i.test(message)) return 'unavailable';
  return null;
}

export function asStoreError(e: unknown): unknown {
  const kind = pgErrorKind(e);
  return kind === 'unavailable' ? new StoreUnavailableError(e) : kind === 'full' ? new StorageFullError(e) : e;
}

/** The same store with every method's unavailable/full errors turned into storage errors. */
export function withPgErrors<T extends object>(store: T): T {
  const wrapped = {} as T;
  for (const [k, v] of Object.entries(store)) {
    (wrapped as Record<string, unknown>)[k] = typeof v !== 'function' ? v : async (...args: unknown[]) => {
      try {
        return await v(...args);
      } catch (e) {
        throw asStoreError(e);
      }
    };
  }
  return wrapped;
}
