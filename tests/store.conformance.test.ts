// The store conformance suites (tests/store/*.conformance.ts) on the embedded SQLite store;
// the PostgreSQL stores run the same (tests/store.pg.conformance.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStores } from '../server/store/sqlite.ts';
import { ticketStoreConformance } from './store/ticket-store.conformance.ts';
import { accessStoreConformance, auditStoreConformance } from './store/access-audit.conformance.ts';

ticketStoreConformance('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'one-net-conformance-'));
  const stores = openSqliteStores(dir);
  return { stores, close: async () => { stores.close(); rmSync(dir, { recursive: true, force: true }); } };
});

const sqlite = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'one-net-conformance-'));
  const stores = openSqliteStores(dir);
  return { stores, close: async () => { stores.close(); rmSync(dir, { recursive: true, force: true }); }, exec: async (sql: string) => stores.db.exec(sql) };
};
accessStoreConformance('SQLite', sqlite);
auditStoreConformance('SQLite', sqlite);
