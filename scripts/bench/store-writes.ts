// The ticket store alone, SQLite and PostgreSQL side by side (no HTTP): STORE_WRITERS (10)
// concurrent writers for STORE_SECONDS (10 s) each reporting a ticket, verifying it and
// giving it 催办 (remind) six times, every write with its timeline entry and KPI counters, as the
// routes write them. The city's KPI row of the day is in every write: the hottest row, where
// PostgreSQL's writers queue on one row lock until each commits. PostgreSQL runs when
// DATABASE_URL is set, in a schema of its own (dropped after). One JSON line per store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openSqliteStores } from '../../server/store/sqlite.ts';
import { openPgStores } from '../../server/store/pg/stores.ts';
import { act, reportedState, type Actor, type Context } from '../../server/domain/loop.ts';
import { kpiDelta } from '../../server/domain/kpi.ts';
import type { TicketRecord } from '../../server/domain/ticket.ts';
import type { TicketStore } from '../../server/store/types.ts';

const WRITERS = Number(process.env.STORE_WRITERS ?? 10);
const SECONDS = Number(process.env.STORE_SECONDS ?? 10);
const DATABASE_URL = process.env.DATABASE_URL;
const CITY = '320400';
const GRIDS = ['320402001001001', '320404002003004', '320411100200003', '320412102214006', '320481100200003'];
const actor: Actor = { kind: 'account', id: 'bench', role: 'dispatcher', scope: CITY };
const ctx = (now: number): Context => ({
  actor, now,
  item: () => ({ code: 'SR-01-001', department: 'cgj', platform: 'zf', selfHandle: false, limits: { general: { verify: 2, dispatch: 1, accept: 2, handle: 8, check: 4 }, major: { verify: 1, dispatch: 1, accept: 1, handle: 4, check: 2 }, serious: { verify: 1, dispatch: 1, accept: 1, handle: 2, check: 1 } }, evidence: { before: false, after: false } }),
  workingMsBetween: (a, b) => Math.max(0, b - a),
  addWorkingMs: (a, ms) => a + ms,
  department: () => ({ platform: 'zf' }),
});

async function run(db: string, tickets: TicketStore): Promise<void> {
  const ms: number[] = [];
  let writes = 0, conflicts = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
    let r: TicketRecord | null = null;
    for (let i = 0; performance.now() < end; i++) {
      const t0 = performance.now();
      const now = Date.now();
      if (!r || i % 8 === 0) {
        const grid = GRIDS[(w + i) % GRIDS.length];
        const state = reportedState(grid, now);
        const entry = { at: now, actor: 'account:bench', role: 'dispatcher', action: 'report' as const, from: null, to: 'reported' as const, note: null, data: null };
        r = (await tickets.insert({ input: { lon: 119.97, lat: 31.78, category: 'city_appearance', source: 'patrol', description: '楼道内电动车充电' }, gridCode: grid, createdAt: now, state, reportedBy: 'account:bench', reporterRole: 'dispatcher', kpi: kpiDelta(null, state, entry, CITY, (a, b) => b - a) })).record;
      } else {
        // Verified once (催办 needs an open case), then reminded.
        const o = act(r, r.status === 'reported' ? { action: 'verify', item: 'SR-01-001', level: 'general' } : { action: 'remind', note: '催办' }, ctx(now));
        if (!o.ok) throw new Error(o.message);
        const done = await tickets.transition(r.seq, r.version, o.next, o.entry, kpiDelta(r, o.next, o.entry, CITY, (a, b) => b - a));
        if (done === 'conflict') conflicts++;
        else r = { ...r, ...o.next } as TicketRecord;
      }
      writes++;
      ms.push(performance.now() - t0);
    }
  }));
  ms.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)] * 100) / 100;
  console.log(JSON.stringify({ bench: 'store-writes', db, writers: WRITERS, seconds: SECONDS, writes, writesPerSec: Math.round(writes / SECONDS), p50Ms: pct(50), p99Ms: pct(99), conflicts }));
}

const dir = mkdtempSync(join(tmpdir(), 'one-net-store-writes-'));
const lite = openSqliteStores(dir);
try {
  await run('sqlite', lite.tickets);
} finally {
  lite.close();
  rmSync(dir, { recursive: true, force: true });
}
if (DATABASE_URL) {
  const schema = `bench_store_writes_${process.pid}`;
  const stores = await openPgStores({ url: DATABASE_URL, schema, max: WRITERS });
  try {
    await run('postgres', stores.tickets);
  } finally {
    await stores.close();
    const c = new pg.Client({ connectionString: DATABASE_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
}
