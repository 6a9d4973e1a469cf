// Schema migrations for the PostgreSQL store, by node-pg-migrate: the SQL files in
// ./migrations (NNN_name.sql, each with an "-- Up Migration" and a "-- Down Migration"
// part), applied in order at start. node-pg-migrate holds an advisory lock while it runs,
// so nodes starting together apply each migration once.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Applies every pending migration (or up to `count` of them) to `schema` (default public). */
export async function migratePg(url: string, opts: { schema?: string; count?: number; log?: (msg: string) => void } = {}): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (opts.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
    // PostGIS lives in public, shared by every schema (CREATE EXTENSION needs rights the
    // migrations' own role may lack in production: a deployment's DBA runs it once).
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public');
    // Trigram indexes serve the tickets' text search (SQLite: FTS5's trigram tokenizer).
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public');
    const ran = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      count: opts.count ?? Infinity,
      migrationsTable: 'pgmigrations',
      schema: opts.schema ? [opts.schema, 'public'] : 'public',
      createSchema: false,
      checkOrder: true,
      log: opts.log ?? (() => {}),
      singleTransaction: true,
      advisoryLockMode: 'wait', // a node starting while another migrates waits for it, then finds nothing to do
    });
    return ran.map((m) => m.name);
  } finally {
    await client.end();
  }
}
