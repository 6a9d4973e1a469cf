// openStores (server/store/open.ts): the embedded store by default; with DATABASE_URL the
// PostgreSQL stores for tickets, KPIs, access and audit (migrated at open, in the schema
// DATABASE_SCHEMA names), tracks and camera status still under DATA_DIR; close() awaitable.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStores, redactUrl, storeConfigFromEnv } from '../server/store/open.ts';
import { reportedState } from '../server/domain/loop.ts';
import { schemaName, TEST_DATABASE_URL } from './pg/fresh.ts';

const dirs: string[] = [];
const schemas: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'one-net-open-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await c.end();
});

const report = (at: number) => ({
  input: { lon: 119.97, lat: 31.78, category: 'city_appearance' as const, source: 'patrol' as const, description: '井盖缺失' },
  gridCode: '320402001001001', createdAt: at, state: reportedState('320402001001001', at), reportedBy: 'account:x', reporterRole: 'dispatcher',
});

describe('openStores', () => {
  it('opens the embedded store without DATABASE_URL', async () => {
    const dir = tempDir();
    const config = storeConfigFromEnv(dir, { DATABASE_URL: '', DATABASE_SCHEMA: 'x' });
    expect(config.databaseUrl).toBeUndefined();
    const s = await openStores(config);
    try {
      expect(s.kind).toBe('sqlite');
      expect(s.description).toContain(dir);
      await s.tickets.insert(report(Date.UTC(2026, 10, 23)));
      expect(await s.tickets.total()).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('opens PostgreSQL with DATABASE_URL, migrated, in its schema: every store, nothing in DATA_DIR but files', async () => {
    const dir = tempDir();
    const schema = schemaName('open');
    schemas.push(schema);
    const s = await openStores(storeConfigFromEnv(dir, { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema }));
    try {
      expect(s.kind).toBe('postgres');
      expect(s.description).toContain(schema);
      const { record } = await s.tickets.insert(report(Date.UTC(2026, 10, 23)));
      expect(await s.tickets.get(record.seq)).toEqual(record);
      await s.cameras.set({ id: 'cam-1', status: 'online', at: 1, by: 'test' });
      expect(await s.cameras.get('cam-1')).toMatchObject({ status: 'online' });
      const at = Date.UTC(2026, 10, 23, 2);
      expect((await s.tracks.append([{ device: 'w-1', t: at, lon: 119.97, lat: 31.78, speed: 1, bearing: 0, altitude: 5, accuracy: 5, battery: 80 }]))).toMatchObject({ stored: 1 });
      expect((await s.tracks.track('w-1', at - 1, at + 1)).length).toBe(1);
    } finally {
      await s.close();
    }
    expect(existsSync(join(dir, 'one-net.sqlite'))).toBe(false);
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    try {
      expect((await c.query(`SELECT count(*)::int AS n FROM ${schema}.tickets`)).rows[0].n).toBe(1);
      expect((await c.query(`SELECT count(*)::int AS n FROM ${schema}.camera_status`)).rows[0].n).toBe(1);
    } finally {
      await c.end();
    }
    // Opened again: nothing to migrate, the ticket is there.
    const again = await openStores({ dataDir: dir, databaseUrl: TEST_DATABASE_URL, databaseSchema: schema });
    try {
      expect(await again.tickets.total()).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('prints a URL without its password', () => {
    expect(redactUrl('postgres://one:secret@db:5432/net')).toBe('postgres://one:***@db:5432/net');
  });
});
