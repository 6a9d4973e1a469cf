// The PostgreSQL connection pool (`pg`), opened from DATABASE_URL. One pool per process;
// every PostgreSQL store takes it. A statement that cannot get a connection within
// `connectionTimeoutMillis`, or runs past `statement_timeout`, fails (the HTTP edge answers
// 503) instead of hanging while the database restarts; the pool reconnects by itself.
import pg from 'pg';

export interface PgOptions {
  /** postgres://… (DATABASE_URL). */
  url: string;
  /** A schema of its own (tests, side-by-side benches): created if missing, first in search_path. */
  schema?: string;
  max?: number;
  statementTimeoutMs?: number;
}

// int8 (bigint: sequences, epoch ms) as JS numbers: every value the product stores fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export function openPgPool(o: PgOptions): pg.Pool {
  if (o.schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(o.schema)) throw new Error(`DATABASE schema: "${o.schema}" is not a plain lower-case identifier`);
  const pool = new pg.Pool({
    connectionString: o.url,
    max: o.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // search_path and timeouts set per connection, at connect time.
    options: [o.schema ? `-c search_path=${o.schema},public` : '', `-c statement_timeout=${o.statementTimeoutMs ?? 15_000}`].filter(Boolean).join(' '),
    application_name: 'one-net',
  });
  // An idle client's error (the server restarted) must not end the process: the pool drops
  // that client and opens a new one on the next query.
  pool.on('error', () => {});
  return pool;
}

/** Runs `fn` in one transaction on one connection; rolls back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  // A checked-out client has no pool listener: a connection lost between two statements
  // would emit an unhandled 'error' and end the process. The statement waiting fails anyway.
  const onError = () => {};
  c.on('error', onError);
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.removeListener('error', onError);
    c.release();
  }
}
