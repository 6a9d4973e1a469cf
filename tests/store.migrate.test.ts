// A store written by the spine (before the loop) opens as it is: its tickets read as
// reported, with their verification running from the report, are found by search, and
// move through the loop like new ones.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStores } from '../server/store/sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'one-net-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The spine's schema, as it shipped (27b0b93).
const SPINE = `
CREATE TABLE tickets (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, created_at INTEGER NOT NULL, grid_code TEXT NOT NULL, status TEXT NOT NULL,
  category TEXT NOT NULL, source TEXT NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL, description TEXT NOT NULL
);
CREATE INDEX tickets_grid_seq ON tickets (grid_code, seq);
CREATE INDEX tickets_created ON tickets (created_at, grid_code);
`;

describe('a store from before the loop', () => {
  it('opens, and its tickets read as reported and are found by search', async () => {
    const old = new Database(join(dir, 'one-net.sqlite'));
    old.exec(SPINE);
    const at = Date.UTC(2026, 10, 20, 2);
    old.prepare('INSERT INTO tickets (created_at, grid_code, status, category, source, lon, lat, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(at, '320402001001001', 'reported', 'fire_safety', 'patrol', 119.97, 31.78, '楼道内电动车充电');
    old.close();
    const stores = openSqliteStores(dir);
    try {
      const r = await stores.tickets.get(1);
      expect(r).toMatchObject({ seq: 1, status: 'reported', version: 1, step: 'verify', stepStartedAt: at, tier: 'community', item: null, reportedBy: null });
      expect((await stores.tickets.list({ text: '电动车', limit: 5 })).map((x) => x.seq)).toEqual([1]);
      expect(await stores.tickets.timeline(1)).toEqual([]);
    } finally {
      stores.close();
    }
    // And again: opening twice changes nothing (no second backfill).
    const again = openSqliteStores(dir);
    try {
      expect(await again.tickets.countWhere({ text: '电动车' })).toBe(1);
    } finally {
      again.close();
    }
  });
});

describe('a store from before city components', () => {
  it('gains the component column: its tickets name none, new ones keep theirs', async () => {
    const d = mkdtempSync(join(tmpdir(), 'one-net-migrate-c-'));
    try {
      const first = openSqliteStores(d);
      first.db.exec('DROP INDEX tickets_component; ALTER TABLE tickets DROP COLUMN component'); // as a store made before
      first.db.prepare('INSERT INTO tickets (created_at, grid_code, status, category, source, lon, lat, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(Date.UTC(2026, 10, 20, 2), '320402001001001', 'reported', 'city_appearance', 'patrol', 119.97, 31.78, '井盖破损');
      first.close();
      const stores = openSqliteStores(d);
      try {
        expect((stores.db.pragma('table_info(tickets)') as { name: string }[]).some((c) => c.name === 'component')).toBe(true);
        expect((await stores.tickets.get(1))!.component).toBeUndefined();
        expect(await stores.tickets.openWithComponent()).toEqual([]);
      } finally {
        stores.close();
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
