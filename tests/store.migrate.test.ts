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
