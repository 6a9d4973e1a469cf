// How long GET /api/kpi/map takes on a seeded store: the city's six districts, a district's
// streets and a street's communities over the last 30 days and the year, beside GET /api/kpi
// for one area. Prints one JSON line per figure.
//   npx tsx scripts/measure-kpi-map.ts [tickets=100000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedHistory } from './seed/history.ts';
import { startLocalApp } from './local-app.ts';
import { dayCST, dayStartMs } from '../server/domain/day.ts';
import { loadNet } from '../server/net/load.ts';

const count = Number(process.argv[2] ?? 100_000);
const END = dayStartMs(dayCST(Date.parse('2026-11-20T00:00:00+08:00')) + 1);
const dir = mkdtempSync(join(tmpdir(), 'one-net-kpimap-bench-'));
try {
  const seeded = await seedHistory({ dir, count, seed: 7, endMs: END });
  const net = loadNet();
  const t = await startLocalApp({ dir, net, listen: false, now: () => END - 60_000 });
  const { headers } = await t.as('admin');
  const street = [...net.areas.values()].find((a) => a.level === 'street' && a.code.startsWith('320402'))!.code;
  const time = async (url: string, n = 30) => {
    for (let i = 0; i < 3; i++) await t.app.inject({ url, headers });
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const r = await t.app.inject({ url, headers });
      ms.push(performance.now() - t0);
      if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
    }
    ms.sort((a, b) => a - b);
    return { medianMs: Math.round(ms[n >> 1] * 100) / 100, p95Ms: Math.round(ms[Math.floor(n * 0.95)] * 100) / 100 };
  };
  for (const [level, area] of [['city', '320400'], ['district', '320402'], ['street', street]] as const) {
    for (const [span, from] of [['30d', '2026-10-22'], ['year', '2025-11-21']] as const) {
      console.log(JSON.stringify({ figure: 'kpi-map', tickets: seeded.tickets, level, span, ...(await time(`/api/kpi/map?area=${area}&from=${from}&to=2026-11-20`)) }));
    }
  }
  console.log(JSON.stringify({ figure: 'kpi-one-area', tickets: seeded.tickets, level: 'city', span: 'year', ...(await time('/api/kpi?area=320400&from=2025-11-21&to=2026-11-20')) }));
  await t.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
