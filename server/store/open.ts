// Which store the product runs on: the embedded SQLite store under DATA_DIR by default;
// PostgreSQL for every store (tickets with timelines and KPI counters, access, audit, tracks,
// camera status) when DATABASE_URL is set (DATABASE_SCHEMA: a schema of its own, optional), its migrations applied at start.
import { mkdirSync } from 'node:fs';
import { openSqliteStores, type SqliteOptions } from './sqlite.ts';
import { openPgStores } from './pg/stores.ts';
import type { Stores } from './types.ts';

export interface StoreConfig {
  dataDir: string;
  /** postgres://… : PostgreSQL for the stores that have a PostgreSQL implementation. */
  databaseUrl?: string;
  databaseSchema?: string;
  sqlite?: SqliteOptions;
}

export interface OpenedStores extends Stores {
  /** What the server prints at start: 'SQLite (WAL) in …' or 'PostgreSQL …'. */
  description: string;
  kind: 'sqlite' | 'postgres';
}

/** DATABASE_URL and DATABASE_SCHEMA from the environment (empty means unset). */
export function storeConfigFromEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  return { dataDir, databaseUrl: env.DATABASE_URL || undefined, databaseSchema: env.DATABASE_SCHEMA || undefined };
}

/** A URL as printed: without its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres (unparsable DATABASE_URL)';
  }
}

export async function openStores(config: StoreConfig): Promise<OpenedStores> {
  if (!config.databaseUrl) {
    const s = openSqliteStores(config.dataDir, config.sqlite);
    return { ...s, kind: 'sqlite', description: `SQLite (WAL) in ${config.dataDir}` };
  }
  const pg = await openPgStores({ url: config.databaseUrl, schema: config.databaseSchema });
  mkdirSync(config.dataDir, { recursive: true }); // photos and the node's own files
  // Every store in PostgreSQL: nodes sharing DATABASE_URL share all that is stored (photos
  // stay files under each node's DATA_DIR: a deployment shares that folder between nodes).
  return {
    kind: 'postgres',
    description: `PostgreSQL ${redactUrl(config.databaseUrl)}${config.databaseSchema ? ` schema ${config.databaseSchema}` : ''}`,
    tickets: pg.tickets,
    kpi: pg.kpi,
    access: pg.access,
    audit: pg.audit,
    tracks: pg.tracks,
    cameras: pg.cameras,
    close: async () => {
      await pg.tracks.close().catch(() => {});
      await pg.close();
    },
  };
}
