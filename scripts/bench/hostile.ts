// Hostile use against the real entry point (`node --import tsx server/index.ts`, a child
// process on a loopback port with a fresh DATA_DIR per part and the simulator off). One
// JSON line per figure; a part that fails prints a line with `error` and the next one runs.
//  1. grids: 10 connections GET /api/grids?parent=320400 (the city's 6,298 grids, 2.3 MB as
//     JSON) for HOSTILE_GRIDS_SECONDS (10) with autocannon, once as a browser asks
//     (`accept-encoding: gzip, br`) and once with identity, while /api/health is probed.
//  2. idleFlood: HOSTILE_FLOOD (20,300) TCP connections that never send a byte, opened as
//     fast as possible from FLOOD_CLIENTS child processes (the server's and this process's
//     open-file limit is 20,000), while /api/health is probed; then until the server's
//     sockets are back to what they were (HOSTILE_FLOOD_RATE paces the flood, per second).
//  3. stalledClient: a raw websocket completes the Engine.IO/Socket.IO handshake, then stops
//     reading (it still pongs every 5 s) while HOSTILE_TICKETS (20,000) reports with
//     2,000-character descriptions are posted at 10 connections; is it disconnected, and
//     what does the server's memory do (RSS HOSTILE_SETTLE_SECONDS (120) after the load).
// Health probes are made as a load balancer makes them: GET /api/health every 100 ms on a
// fresh connection each, whether or not the previous one has answered, from a child process
// of their own (so this process's work with autocannon does not delay them); a probe
// without an answer in 10 s counts as failed.
import { WebSocket } from 'ws';
import { rssMB, startServerChild, type ServerChild } from './lib/server-child.ts';
import { autocannon, statusCodes, type CannonRequest } from './lib/cannon.ts';
import { openFds, openFileLimit, sampler, timeline, tcpCounters, established, counterDelta } from './lib/proc-stats.ts';
import { CITY_CODE } from '../../server/net/codes.ts';
import type { ChildProcess } from 'node:child_process';
import { children, fetchOnce, forkChild, nextMessage, probeStats, startProber, type FloodStats, type Probe } from './lib/hostile-children.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

// ---------------------------------------------------------------------------------------
// The server child, its memory and its open files.

type Server = ServerChild;
const startServer = () => startServerChild('hostile');

// ---------------------------------------------------------------------------------------
// The parts.

const GRIDS_SECONDS = Number(process.env.HOSTILE_GRIDS_SECONDS ?? 10);
const FLOOD = Number(process.env.HOSTILE_FLOOD ?? 20_300);
const FLOOD_CLIENTS = 3;
/** Connections a second, all clients together; 0 (the default): all at once. */
const FLOOD_RATE = Number(process.env.HOSTILE_FLOOD_RATE ?? 0);
const TICKETS = Number(process.env.HOSTILE_TICKETS ?? 20_000);
const SETTLE_SECONDS = Number(process.env.HOSTILE_SETTLE_SECONDS ?? 120);
const DESCRIPTION_CHARS = 2000; // the most a report may carry (DESCRIPTION_MAX)

async function grids(s: Server): Promise<void> {
  const path = `/api/grids?parent=${CITY_CODE}`;
  for (const acceptEncoding of ['gzip, br', 'identity']) {
    try {
      const headers = { 'accept-encoding': acceptEncoding, ...s.auth };
      const rssBeforeMB = rssMB(s.pid);
      const rss = sampler(s.pid);
      const first = await fetchOnce(s.url + path, headers); // the first of a parent builds (and compresses) it
      if (first.status !== 200) throw new Error(`GET ${path} answered ${first.status}, not 200: nothing to measure`);
      const prober = await startProber(s.url);
      const r = await autocannon({ url: s.url + path, connections: 10, duration: GRIDS_SECONDS, headers });
      const probes = await prober.stop();
      const { rssPeakMB } = rss.stop();
      await sleep(5000);
      console.log(JSON.stringify({
        bench: 'hostile',
        figure: 'grids',
        what: `GET ${path} at 10 connections, accept-encoding: ${acceptEncoding}; /api/health every 100 ms on a fresh connection`,
        acceptEncoding,
        contentEncoding: first.contentEncoding,
        bodyBytes: first.bodyBytes,
        bytesPerResponse: r.requests.total ? Math.round(r.throughput.total / r.requests.total) : null, // as autocannon counts: headers and body
        firstRequestMs: first.ms,
        seconds: round(r.duration, 1),
        requests: r.requests.total,
        reqPerSec: round(r.requests.average, 1),
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        maxMs: r.latency.max,
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        statusCodes: statusCodes(r),
        health: probeStats(probes),
        rssBeforeMB,
        rssPeakMB,
        rssAfterMB: rssMB(s.pid),
      }));
    } catch (e) {
      console.log(JSON.stringify({ bench: 'hostile', figure: 'grids', acceptEncoding, error: String((e as Error)?.stack ?? e) }));
    }
  }
}

async function idleFlood(s: Server): Promise<void> {
  const limit = openFileLimit(s.pid);
  const maxConnections = Math.max(64, Math.min(50_000, limit - 256)); // as server/http/limits.ts
  const per = Math.ceil(FLOOD / FLOOD_CLIENTS);
  const counts = Array.from({ length: FLOOD_CLIENTS }, (_, i) => Math.min(per, FLOOD - i * per));
  const flooders = counts.map((n) => forkChild(['flood', String(s.port), String(n), String(FLOOD_RATE / FLOOD_CLIENTS)]));
  const stats = new Map<ChildProcess, FloodStats>();
  for (const c of flooders) c.on('message', (m: { stats?: FloodStats }) => m.stats && stats.set(c, m.stats));
  await Promise.all(flooders.map((c) => nextMessage(c, (m) => (m?.ready ? true : undefined))));
  const total = () => {
    const t = { attempted: 0, connected: 0, failed: 0, closedByServer: 0, failedBy: {} as Record<string, number>, lastSettledMs: 0 };
    for (const v of stats.values()) {
      t.attempted += v.attempted;
      t.connected += v.connected;
      t.failed += v.failed;
      t.closedByServer += v.closedByServer;
      t.lastSettledMs = Math.max(t.lastSettledMs, v.lastSettledMs);
      for (const [k, n] of Object.entries(v.failedBy)) t.failedBy[k] = (t.failedBy[k] ?? 0) + n;
    }
    return t;
  };
  const report = async () => {
    await Promise.all(flooders.map((c) => {
      const got = nextMessage(c, (m) => m?.stats, 10_000);
      c.send({ report: true });
      return got;
    }));
    return total();
  };

  await sleep(1000);
  const rssBeforeMB = rssMB(s.pid);
  const fdsBefore = openFds(s.pid);
  const mon = sampler(s.pid, true);
  const prober = await startProber(s.url);
  await sleep(1000); // a second of probes before the flood
  const kernelBefore = tcpCounters();
  const floodStart = Date.now();
  for (const c of flooders) c.send({ go: true });

  // The flood ends when every connection has connected or failed (60 s at most).
  let settled = total();
  while (Date.now() - floodStart < 60_000) {
    await sleep(100);
    settled = total();
    if (settled.attempted === FLOOD && settled.connected + settled.failed === FLOOD) break;
  }
  settled = await report();
  const floodEnd = Date.now();
  const kernelFlood = counterDelta(kernelBefore, tcpCounters());
  const establishedAtFloodEnd = established(s.port);
  const atFloodEnd = { connected: settled.connected, failed: settled.failed, closedByServer: settled.closedByServer };

  // Then until the server holds no more files than before (90 s at most).
  let downAt: number | null = null;
  while (Date.now() - floodEnd < 90_000) {
    await sleep(250);
    if (mon.latest().fds <= fdsBefore + 5) {
      downAt = mon.latest().at;
      break;
    }
  }
  await sleep(3000); // and a few seconds of probes after
  const probes = await prober.stop();
  const after = await report();
  const establishedAtEnd = established(s.port);
  const { rssPeakMB, fdsPeak } = mon.stop();
  const peakAt = mon.series.find((x) => x.fds === fdsPeak)?.at ?? floodStart;
  for (const c of flooders) c.send({ exit: true });
  await Promise.all(flooders.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));

  console.log(JSON.stringify({
    bench: 'hostile',
    figure: 'idleFlood',
    what: `${FLOOD} TCP connections that never send a byte, from ${FLOOD_CLIENTS} processes, ${FLOOD_RATE > 0 ? `${FLOOD_RATE} a second` : 'all at once'}; /api/health every 100 ms on a fresh connection`,
    serverOpenFileLimit: limit,
    maxConnections,
    cullAt: Math.floor(maxConnections * 0.8),
    floodSeconds: round((floodEnd - floodStart) / 1000, 1),
    // The client side: a connection "connected" when its handshake completed (the kernel's
    // doing: not yet accepted by the server), "closed by server" when a FIN or reset came.
    connected: atFloodEnd.connected,
    failed: atFloodEnd.failed,
    ...(atFloodEnd.failed ? { failedBy: settled.failedBy } : {}),
    closedByServerDuringFlood: atFloodEnd.closedByServer,
    closedByServerAtEnd: after.closedByServer,
    stillOpenAtEnd: after.connected - after.closedByServer,
    kernelDuringFlood: kernelFlood,
    // Connections whose handshake the kernel completed for the client but which the server
    // never accepted (its accept queue was full; SYN cookies) show as clientEnds > serverEnds.
    establishedAtFloodEnd,
    establishedAtEnd,
    serverFdsBefore: fdsBefore,
    serverFdsPeak: fdsPeak,
    serverFdsPeakAfterS: round((peakAt - floodStart) / 1000, 1),
    serverFdsAfter: mon.latest().fds,
    backDownAfterFloodS: downAt === null ? null : round((downAt - floodEnd) / 1000, 1),
    backDownAfterStartS: downAt === null ? null : round((downAt - floodStart) / 1000, 1),
    healthBefore: probeStats(probes, -Infinity, floodStart),
    healthDuringFlood: probeStats(probes, floodStart, floodEnd, floodStart),
    healthAfterFlood: probeStats(probes, floodEnd, Infinity, floodStart),
    serverFdsTimeline: timeline(mon.series, floodStart),
    rssBeforeMB,
    rssPeakMB,
    rssAfterMB: rssMB(s.pid),
  }));
}

/** Real reports at the grids' label points (inside each grid), with 2,000-character text. */
async function ticketBodies(): Promise<string[]> {
  const { loadNet } = await import('../../server/net/load.ts');
  const { CATEGORY_CODES, SOURCE_CODES, DESCRIPTION_MAX } = await import('../../server/domain/ticket.ts');
  if (DESCRIPTION_MAX !== DESCRIPTION_CHARS) throw new Error(`DESCRIPTION_MAX is ${DESCRIPTION_MAX}, not ${DESCRIPTION_CHARS}`);
  const description = '楼道内电动车充电，堵塞消防通道。'.repeat(DESCRIPTION_CHARS / 16); // 16 characters
  const bodies: string[] = [];
  let k = 0;
  for (const a of loadNet().areas.values()) {
    if (a.level !== 'grid') continue;
    const [lon, lat] = a.label;
    bodies.push(JSON.stringify({ lon, lat, category: CATEGORY_CODES[k % CATEGORY_CODES.length], source: SOURCE_CODES[k % SOURCE_CODES.length], description }));
    k++;
  }
  return bodies;
}

/** A websocket through the Socket.IO handshake (`0{…}`, then `40` and its `40{…}`), that then
 * stops reading and only sends a pong (`3`) every 5 s. */
async function stalledSocket(s: Server) {
  const ws = new WebSocket(`ws://127.0.0.1:${s.port}/socket.io/?EIO=4&transport=websocket`);
  const state = { closedAt: 0, closeCode: 0, sendFailedAt: 0, sendError: '', error: '', pongs: 0 };
  ws.on('error', (e: NodeJS.ErrnoException) => (state.error ||= e.code ?? e.message));
  ws.on('close', (code) => ((state.closedAt ||= Date.now()), (state.closeCode = code)));
  const inbox: string[] = [];
  let wake = () => {};
  const onMessage = (d: unknown) => (inbox.push(String(d)), wake());
  ws.on('message', onMessage);
  const next = async () => {
    const deadline = Date.now() + 10_000;
    while (!inbox.length) {
      if (Date.now() > deadline || state.closedAt) throw new Error('the Socket.IO handshake did not complete');
      await new Promise<void>((r) => ((wake = r), setTimeout(r, 100)));
    }
    return inbox.shift()!;
  };
  const open = await next();
  if (!open.startsWith('0{')) throw new Error(`expected an Engine.IO open packet, got ${open.slice(0, 80)}`);
  ws.send('40' + JSON.stringify({ token: s.auth.authorization.slice('Bearer '.length) }));
  const connect = await next();
  if (!connect.startsWith('40{')) throw new Error(`expected a Socket.IO connect packet, got ${connect.slice(0, 80)}`);
  ws.off('message', onMessage);
  ws.pause();
  const pong = setInterval(() => {
    if (ws.readyState !== WebSocket.OPEN) return;
    state.pongs++;
    ws.send('3', (e) => {
      if (e && !state.sendFailedAt) (state.sendFailedAt = Date.now()), (state.sendError = (e as NodeJS.ErrnoException).code ?? e.message);
    });
  }, 5000);
  return { ws, state, stop: () => (clearInterval(pong), ws.terminate()) };
}

async function stalledClient(s: Server): Promise<void> {
  const bodies = await ticketBodies();
  let next = 0;
  const post = {
    method: 'POST',
    path: '/api/tickets',
    headers: { 'content-type': 'application/json', ...s.auth },
    setupRequest: (r: CannonRequest) => ({ ...r, body: bodies[next++ % bodies.length] }),
  };
  const check = await fetch(s.url + post.path, { method: 'POST', headers: post.headers, body: bodies[bodies.length - 1] });
  if (check.status !== 201) throw new Error(`POST /api/tickets answered ${check.status}, not 201: ${(await check.text()).slice(0, 200)}`);
  const stalled = await stalledSocket(s);
  try {
    await sleep(1000);
    const rssBeforeMB = rssMB(s.pid);
    const rss = sampler(s.pid);
    const prober = await startProber(s.url);
    let answered = 0;
    const answeredAt: number[] = []; // epoch ms of every 100th answer
    const t0 = Date.now();
    const cannon = autocannon({ url: s.url, connections: 10, amount: TICKETS, requests: [post] });
    cannon.on('response', () => ++answered % 100 === 0 && answeredAt.push(Date.now()));
    const r = await cannon;
    const loadEnd = Date.now();
    const probes = await prober.stop();

    // Closed yet? A paused socket sees it when a pong cannot be sent (two periods at
    // most), else when it reads again.
    const waitClose = async (ms: number) => {
      const deadline = Date.now() + ms;
      while (!stalled.state.closedAt && Date.now() < deadline) await sleep(100);
    };
    await waitClose(11_000);
    let resumedAt = 0;
    if (!stalled.state.closedAt) {
      resumedAt = Date.now();
      stalled.ws.resume();
      await waitClose(30_000);
    }
    const { closedAt, sendFailedAt } = stalled.state;
    const detectedBy = !closedAt ? null : resumedAt ? 'on reading again' : sendFailedAt && sendFailedAt - closedAt < 1000 ? 'a pong failed' : 'while paused';
    const evicted = s.stderrLines.find((l) => l.line.includes('client not reading'));
    const { rssPeakMB } = rss.stop();
    const settleFrom = Date.now();
    await sleep(Math.max(0, SETTLE_SECONDS * 1000 - (settleFrom - loadEnd)));
    const sec = (at: number) => round((at - t0) / 1000, 1);
    console.log(JSON.stringify({
      bench: 'hostile',
      figure: 'stalledClient',
      what: `a websocket that stops reading after the handshake (pong every 5 s) while ${TICKETS} reports with ${DESCRIPTION_CHARS}-character descriptions are posted at 10 connections`,
      tickets: TICKETS,
      ingestSeconds: round((loadEnd - t0) / 1000, 1),
      reqPerSec: round(r.requests.total / ((loadEnd - t0) / 1000), 1),
      p99Ms: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
      statusCodes: statusCodes(r),
      serverEvicted: !!evicted,
      serverEvictedAfterS: evicted ? sec(evicted.at) : null,
      ticketsAnsweredAtEviction: evicted ? answeredAt.filter((at) => at <= evicted.at).length * 100 : null,
      serverLog: evicted ? evicted.line.slice(0, 300) : null,
      clientClosed: !!stalled.state.closedAt,
      clientClosedAfterS: stalled.state.closedAt ? sec(stalled.state.closedAt) : null,
      closeDetectedBy: detectedBy,
      closeCode: stalled.state.closeCode || null,
      clientError: stalled.state.error || null,
      pongSendFailedAfterS: stalled.state.sendFailedAt ? sec(stalled.state.sendFailedAt) : null,
      resumedAfterS: resumedAt ? sec(resumedAt) : null,
      health: probeStats(probes),
      rssBeforeMB,
      rssPeakMB,
      rssAfterMB: rssMB(s.pid),
      settleSeconds: SETTLE_SECONDS,
    }));
  } finally {
    stalled.stop();
  }
}
// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const servers = new Set<Server>();
  process.on('exit', () => {
    for (const s of servers) s.child.kill('SIGKILL');
    for (const c of children) c.kill('SIGKILL');
  });
  const parts: [string, (s: Server) => Promise<void>][] = [['grids', grids], ['idleFlood', idleFlood], ['stalledClient', stalledClient]];
  const only = process.env.HOSTILE_ONLY?.split(',');
  for (const [figure, run] of parts) {
    if (only && !only.includes(figure)) continue;
    let s: Server | undefined;
    try {
      s = await startServer();
      servers.add(s);
      await run(s);
    } catch (e) {
      console.log(JSON.stringify({ bench: 'hostile', figure, error: String((e as Error)?.stack ?? e) }));
    } finally {
      for (const c of children) c.kill('SIGKILL');
      if (s) {
        if (s.child.exitCode !== null || s.child.signalCode !== null) {
          console.log(JSON.stringify({ bench: 'hostile', figure, error: `the server exited (${s.child.exitCode ?? s.child.signalCode})`, stderr: s.stderrLines.slice(-20).map((l) => l.line) }));
        }
        await s.stop().catch(() => {});
        servers.delete(s);
      }
    }
  }
}

await main();
process.exit(0); // whatever a failed part left open (a socket, a timer) does not hold the run
