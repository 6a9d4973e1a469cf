// Coverage (巡查覆盖) lives in memory; after a restart the server walks today's stored tracks
// into it again, so the wall's coverage layer and ranking do not start the day over at noon.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testApp, type TestApp } from './helpers.ts';

const clock = Date.UTC(2026, 10, 23, 4, 0, 0); // a Monday, 12:00 CST
const now = () => clock;
const dir = mkdtempSync(join(tmpdir(), 'coverage-restart-'));
let app: TestApp | undefined;
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface CoverageAnswer { grids: { grid: string; walked: number; cells: number }[]; streets: { code: string; coverage: number }[] }

describe('patrol coverage after a restart', () => {
  it("is rebuilt from today's stored tracks: the same cells walked, the same street ranking", async () => {
    app = await testApp({ dir, now });
    const admin = await app.as('admin');
    const w = [...app.net.workers.values()].find((x) => x.grid.startsWith('320412'))!; // 武进区
    const [lon, lat] = app.net.areas.get(w.grid)!.label;
    // This morning: 300 m north–south through its grid, a fix every 10 m, an hour ago; and one of yesterday.
    const fixes = Array.from({ length: 31 }, (_, k) => ({ device: w.id, t: clock - 3600_000 + k * 8000, lon, lat: lat - 0.00135 + k * 0.00009 }));
    fixes.push({ device: w.id, t: clock - 86_400_000, lon: lon + 0.002, lat });
    const sent = await app.app.inject({ method: 'POST', url: '/api/positions', headers: admin.headers, payload: { fixes } });
    expect(sent.statusCode, sent.body).toBe(200);
    const area = w.grid.slice(0, 9);
    const read = async (a: TestApp) => (await a.app.inject({ url: `/api/patrol/coverage?area=${area}`, headers: (await a.as('admin')).headers })).json() as CoverageAnswer;
    const before = await read(app);
    const mine = before.grids.find((g) => g.grid === w.grid)!;
    expect(mine.walked).toBeGreaterThanOrEqual(5);
    await app.close();

    app = await testApp({ dir, now });
    await expect.poll(async () => (await read(app!)).grids.find((g) => g.grid === w.grid)!.walked, { timeout: 10_000 }).toBe(mine.walked);
    const after = await read(app);
    expect(after.streets).toEqual(before.streets);
    expect(after.grids.filter((g) => g.walked > 0)).toEqual(before.grids.filter((g) => g.walked > 0));
  });
});
