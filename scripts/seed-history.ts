// `npm run seed:history`: a year of tickets ending today in DATA_DIR (default ./var, as the
// server), as the live product would have stored them (scripts/seed/history.ts). Options:
//   --count N        tickets (default 1,500,000)
//   --seed N         the generator's seed (default 20261123); same seed and end, same store
//   --end YYYY-MM-DD the last CST day (default today: the history ends now; with a date it
//                    ends at that day's midnight, so the output depends only on the arguments)
//   --fresh          delete the store first (a store that holds tickets is refused otherwise)
//   --dir PATH       the data directory (default DATA_DIR or ./var)
// With DATABASE_URL set (DATABASE_SCHEMA optional), the history goes into PostgreSQL instead,
// by COPY (scripts/seed/history-pg.ts); --fresh then empties its ticket tables first.
// Prints one JSON line: {"seed":"history","tickets":…,"timeline":…,"kpiRows":…,"seconds":…,"dbBytes":…}
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dayCST, dayStartMs } from '../server/domain/day.ts';
import { seedHistory, StoreNotEmptyError } from './seed/history.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1500000' },
    seed: { type: 'string', default: '20261123' },
    end: { type: 'string' },
    fresh: { type: 'boolean', default: false },
    dir: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`seed:history: ${message}`);
  process.exit(1);
}

const count = Number(values.count);
if (!Number.isInteger(count) || count < 1) fail(`--count must be a positive integer, got ${values.count}`);
const seed = Number(values.seed);
if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) fail(`--seed must be an integer in [0, 2^32), got ${values.seed}`);
let endMs = Date.now();
if (values.end !== undefined) {
  const ms = Date.parse(`${values.end}T00:00:00+08:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.end) || !Number.isFinite(ms)) fail(`--end must be a date YYYY-MM-DD, got ${values.end}`);
  endMs = dayStartMs(dayCST(ms) + 1);
}
const dir = resolve(values.dir ?? process.env.DATA_DIR ?? 'var');

try {
  const database = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, schema: process.env.DATABASE_SCHEMA || undefined } : undefined;
  const r = await seedHistory({ dir, count, seed, endMs, fresh: values.fresh, database, log: (line) => console.error(line) });
  console.log(JSON.stringify(r));
} catch (e) {
  if (e instanceof StoreNotEmptyError) fail(e.message);
  throw e;
}
