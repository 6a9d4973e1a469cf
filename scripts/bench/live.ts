// Delivery latency of a ticket, POST → Socket.IO `ticket` event at a client in the
// ticket's district room, on loopback, through the real app (store + index + rooms).
// Sequential (one in flight) so the figure is latency, not queueing.
import { io as connect } from 'socket.io-client';
import { startLocalApp } from '../local-app.ts';
import { createSimulator } from '../../server/sim/simulator.ts';

const N = Number(process.env.BENCH_LIVE_N ?? 2000);
const { net, url, close } = await startLocalApp();
const sim = createSimulator({ baseUrl: url, net, ratePerMinute: 0, seed: 7 });

// One client per district plus one for the whole city: every ticket reaches two.
const clients = await Promise.all([net.city.code, ...net.city.children].map((area) => new Promise<ReturnType<typeof connect>>((resolve) => {
  const s = connect(url, { query: { area }, transports: ['websocket'] });
  s.once('connect', () => resolve(s));
})));
const [cityClient] = clients;

const lat: number[] = [];
for (let i = 0; i < N + 100; i++) {
  const body = JSON.stringify(sim.next());
  const t0 = performance.now();
  const arrived = new Promise<void>((resolve) => cityClient.once('ticket', () => resolve()));
  const res = await fetch(`${url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  await arrived;
  if (i >= 100) lat.push(performance.now() - t0); // the first 100 warm up the JIT
}
lat.sort((a, b) => a - b);
const q = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] * 1000) / 1000;
console.log(JSON.stringify({ bench: 'live', what: 'POST /api/tickets → socket ticket event (loopback)', n: lat.length, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: q(1) }));

for (const c of clients) c.close();
await close();
