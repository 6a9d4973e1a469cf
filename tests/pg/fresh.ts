// A fresh schema of the machine's real PostgreSQL for one test file (TEST_DATABASE_URL,
// default postgres://postgres@127.0.0.1:5432/test): migrated, and dropped when the file ends.
import pg from 'pg';
import { migratePg } from '../../server/store/pg/migrate.ts';
import { openPgPool } from '../../server/store/pg/pool.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let n = 0;
/** A new schema name, unique across concurrent test files. */
export function schemaName(tag: string): string {
  return `t_${tag.replace(/[^a-z0-9]/g, '_').slice(0, 20)}_${process.pid}_${Date.now().toString(36)}_${n++}`;
}

export async function freshSchema(tag: string, opts: { migrate?: boolean } = {}) {
  const schema = schemaName(tag);
  if (opts.migrate !== false) await migratePg(TEST_DATABASE_URL, { schema });
  else {
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    await c.query(`CREATE SCHEMA ${schema}`);
    await c.end();
  }
  const pool = openPgPool({ url: TEST_DATABASE_URL, schema });
  return {
    schema, pool, url: TEST_DATABASE_URL,
    async drop() {
      await pool.end().catch(() => {});
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}
