// The store conformance suite (tests/store/ticket-store.conformance.ts) on the embedded
// SQLite store; the PostgreSQL store will run the same suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStores } from '../server/store/sqlite.ts';
import { ticketStoreConformance } from './store/ticket-store.conformance.ts';

ticketStoreConformance('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'one-net-conformance-'));
  const stores = openSqliteStores(dir);
  return { stores, close: async () => { stores.close(); rmSync(dir, { recursive: true, force: true }); } };
});
