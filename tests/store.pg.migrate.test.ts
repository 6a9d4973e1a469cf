// The PostgreSQL schema is built by its migrations, up from an empty schema, once even
// when several nodes start together (node-pg-migrate's advisory lock).
import { afterAll, describe, expect, it } from 'vitest';
import { migratePg } from '../server/store/pg/migrate.ts';
import { freshSchema } from './pg/fresh.ts';

describe('PostgreSQL migrations', () => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => { for (const d of drops) await d(); });

  it('apply from an empty schema, and a second run applies nothing', async () => {
    const s = await freshSchema('migrate', { migrate: false });
    drops.push(s.drop);
    const first = await migratePg(s.url, { schema: s.schema });
    expect(first[0]).toBe('001_base');
    expect(await migratePg(s.url, { schema: s.schema })).toEqual([]);
    const { rows } = await s.pool.query('SELECT name FROM pgmigrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(first);
  });

  it('three nodes starting at once apply each migration once', async () => {
    const s = await freshSchema('migrate3', { migrate: false });
    drops.push(s.drop);
    const runs = await Promise.all([1, 2, 3].map(() => migratePg(s.url, { schema: s.schema })));
    const applied = runs.flat();
    expect(new Set(applied).size).toBe(applied.length);
    const { rows } = await s.pool.query('SELECT count(*)::int AS n FROM deployment');
    expect(rows[0].n).toBe(1);
  });
});
