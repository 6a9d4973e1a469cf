// The wall in Chromium (SwiftShader, no GPU): time to first full render of the whole
// net with today's tickets, and the client's own JS time per live ticket update.
// Frame rate under software GL says little about a real wall, so it is not measured.
// The wall is opened as a city display (its URL carries the token, as a deployed wall's
// does); tickets come in through the API with an integration's key.
import { startLocalApp } from '../local-app.ts';
import { createSimulator } from '../../server/sim/simulator.ts';
import { clientDist, ensureClientBuilt } from '../client-build.ts';
import { openCityWall } from './lib/wall-page.ts';

const PRELOAD = Number(process.env.BENCH_WALL_PRELOAD ?? 3000);
const UPDATES = Number(process.env.BENCH_WALL_UPDATES ?? 200);

// The preload is far above one key's write limit per minute; the limiter is not what is measured.
process.env.RATE_WRITES_PER_MIN ??= String(10 * (PRELOAD + UPDATES + 100));

ensureClientBuilt(() => {});
const local = await startLocalApp({ clientDir: clientDist });
const { url, net, close } = local;
const apiKey = await local.apiKey();
const sim = createSimulator({ baseUrl: url, net, ratePerMinute: 0, seed: 11, apiKey });
const send = async (): Promise<void> => {
  const status = await sim.send();
  if (status !== 201) throw new Error(`POST /api/tickets answered ${status}`);
};
for (let i = 0; i < PRELOAD; i++) await send();

const { browser, page } = await openCityWall(local, 'bench wall');
const firstRenderMs = await page.evaluate(() => (window as any).__wall.firstRenderMs as number);
console.log(JSON.stringify({ bench: 'wall', figure: 'firstRenderMs', ms: Math.round(firstRenderMs), ticketsToday: PRELOAD, viewport: '1920x1080', gl: 'swiftshader' }));

// Live updates at 10 a second, as a busy afternoon on a demo wall, once today's list is in.
await page.waitForFunction(() => (window as any).__wall.ready === true, null, { timeout: 60_000 });
type Updates = { mean: number; count: number };
const readUpdates = () => page.evaluate(() => (window as any).__wall.updateMs as Updates);
const u0 = await readUpdates();
const before = u0.count;
for (let i = 0; i < UPDATES; i++) {
  await send();
  await new Promise((r) => setTimeout(r, 100));
}
await page.waitForFunction((n) => (window as any).__wall.updateMs.count >= n, before + UPDATES, { timeout: 30_000 });
const u = await readUpdates();
const meanMs = (u.mean * u.count - u0.mean * u0.count) / (u.count - u0.count);
console.log(JSON.stringify({ bench: 'wall', figure: 'jsMsPerTicketUpdate', meanMs: Math.round(meanMs * 1000) / 1000, updates: u.count - u0.count, ticketsOnMap: PRELOAD + UPDATES }));

// Creation → on the wall: POST start until the ticket is the newest item of the live feed
// (polled every 5 ms, so the figure includes up to 5 ms of polling), 30 tickets, one at a time.
const seen: number[] = [];
for (let i = 0; i < 30; i++) {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(sim.next()) });
  const { id } = (await res.json()) as { id: string };
  await page.waitForFunction((tid) => document.querySelector('[data-testid="feed-item"]')?.getAttribute('data-id') === tid, id, { polling: 5, timeout: 10_000 });
  seen.push(performance.now() - t0);
  await new Promise((r) => setTimeout(r, 200));
}
seen.sort((a, b) => a - b);
console.log(JSON.stringify({ bench: 'wall', figure: 'postToFeedMs', n: seen.length, p50Ms: Math.round(seen[15]), maxMs: Math.round(seen[seen.length - 1]) }));

await browser.close();
await close();
