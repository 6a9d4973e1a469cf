// The PostgreSQL schema is built by its migrations, up from an empty schema, once even
// when several nodes start together (node-pg-migrate's advisory lock).
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { migratePg, MIGRATIONS_DIR } from '../server/store/pg/migrate.ts';
import { pgStores } from '../server/store/pg/stores.ts';
import { openPgPool } from '../server/store/pg/pool.ts';
import { TEST_PASSWORD_HASH } from '../scripts/local-app.ts';
import { theNet } from './helpers.ts';
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

  it("apply up from the previous version's schema, keeping what it holds", async () => {
    const s = await freshSchema('migrateprev', { migrate: false });
    drops.push(s.drop);
    const all = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length;
    const previous = await migratePg(s.url, { schema: s.schema, count: all - 1 });
    expect(previous).toHaveLength(all - 1);
    // The previous version in use: an account, an audit entry, a camera's status.
    const old = pgStores(openPgPool({ url: s.url, schema: s.schema }));
    await old.access.createAccount({ username: 'kept', name: '留存', role: 'dispatcher', scope: '320402', department: null, grids: [], passwordHash: TEST_PASSWORD_HASH }, 1);
    const seq = await old.audit.append({ at: 2, actor: 'kept', role: 'dispatcher', address: '127.0.0.1', kind: 'auth.login', target: null, status: 200, before: null, after: { n: 1 } });
    await old.cameras.set({ id: '32040200001310000001', status: 'fault', at: 3, by: 'test' });
    await old.close();
    // The new version starts: the last migration only, and everything is still there.
    const next = await migratePg(s.url, { schema: s.schema });
    expect(next).toHaveLength(1);
    const now = pgStores(openPgPool({ url: s.url, schema: s.schema }));
    try {
      expect((await now.access.account('kept'))?.name).toBe('留存');
      expect((await now.audit.list({ limit: 5 })).map((e) => e.seq)).toEqual([seq]);
      expect((await now.cameras.get('32040200001310000001'))?.status).toBe('fault');
      expect(await now.registers.sync({ net: theNet().net })).toEqual(['grids']); // the new tables work
    } finally {
      await now.close();
    }
  }, 60_000);

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
