// The PostgreSQL stores of the product on one pool: tickets (with their timelines, marks
// and KPI counters, written together), KPI reads, access, audit, tracks and camera status. Each is wrapped so a
// database that is down, restarting or too slow answers StoreUnavailableError (503), a full
// disk StorageFullError (507), as the embedded store's full disk does.
import type pg from 'pg';
import type { Stores } from '../types.ts';
import { openPgTrackStore } from './tracks.ts';
import { pgCameraStatusStore } from './cameras.ts';
import { migratePg } from './migrate.ts';
import { openPgPool } from './pool.ts';
import { withPgErrors } from './errors.ts';
import { pgTicketStore } from './tickets.ts';
import { pgKpiStore } from './kpi.ts';
import { pgAccessStore } from './access.ts';
import { pgAuditStore } from './audit.ts';
import { pgRegisters, type PgRegisters } from './registers.ts';

/** Every store of the product (types.ts Stores) on one pool, closed asynchronously. */
export interface PgStores extends Omit<Stores, 'close' | 'registers'> {
  pool: pg.Pool;
  registers: PgRegisters;
  close(): Promise<void>;
}

/** The stores on an open pool (its schema already migrated). */
export function pgStores(pool: pg.Pool, opts: { positionsPage?: number } = {}): PgStores {
  return {
    pool,
    tickets: withPgErrors(pgTicketStore(pool, opts)),
    kpi: withPgErrors(pgKpiStore(pool)),
    access: withPgErrors(pgAccessStore(pool)),
    audit: withPgErrors(pgAuditStore(pool)),
    tracks: withPgErrors(openPgTrackStore(pool)),
    cameras: withPgErrors(pgCameraStatusStore(pool)),
    registers: registersWithErrors(pgRegisters(pool)),
    close: () => pool.end(),
  };
}

const registersWithErrors = (r: PgRegisters): PgRegisters => ({ ...withPgErrors(r), cameras: withPgErrors(r.cameras) });

export interface OpenPgOptions {
  url: string;
  schema?: string;
  /** Connections in the pool (default 10). */
  max?: number;
  statementTimeoutMs?: number;
}

/** Migrates the schema (once, under node-pg-migrate's advisory lock: nodes starting together
 * wait for each other) and opens the stores on a new pool. */
export async function openPgStores(o: OpenPgOptions): Promise<PgStores> {
  await migratePg(o.url, { schema: o.schema });
  return pgStores(openPgPool({ url: o.url, schema: o.schema, max: o.max, statementTimeoutMs: o.statementTimeoutMs }));
}
