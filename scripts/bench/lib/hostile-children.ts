// The hostile bench's forked helpers (scripts/bench/hostile.ts): health probes made as a
// load balancer makes them, and a flood of idle TCP connections, each in a child process of
// its own (this file, forked with a mode), so the bench's own work never delays them.
import { fork, type ChildProcess } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { connect as tcpConnect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const send = (m: unknown) => process.send?.(m);

// ---------------------------------------------------------------------------------------
// Child modes: this same file, forked with a first argument.

/** `probe <url>`: GET /api/health every 100 ms, each on a fresh connection; on 'stop',
 * sends back every probe ({at: epoch ms, ms, status|error}) and exits. */
async function probeChild(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const probes: Probe[] = [];
  const pending = new Set<Probe>();
  const one = () => {
    const p: Probe = { at: Date.now(), ms: -1 };
    const t0 = performance.now();
    pending.add(p);
    const done = (status?: number, error?: string) => {
      if (!pending.delete(p)) return;
      p.ms = round(performance.now() - t0);
      if (status !== undefined) p.status = status;
      if (error !== undefined) p.error = error;
      probes.push(p);
    };
    const req = httpGet({ host: hostname, port: Number(port), path: '/api/health', agent: false }, (res) => {
      res.resume();
      res.once('end', () => done(res.statusCode));
      res.once('error', (e: NodeJS.ErrnoException) => done(undefined, e.code ?? e.message));
    });
    req.on('error', (e: NodeJS.ErrnoException) => done(undefined, e.code ?? e.message));
    req.setTimeout(10_000, () => {
      done(undefined, 'timeout 10 s');
      req.destroy();
    });
  };
  const t = setInterval(one, 100);
  one();
  process.on('message', (m: { stop?: boolean }) => {
    if (!m.stop) return;
    clearInterval(t);
    // The last ones sent get their answer (or their 10 s timeout) first.
    const drained = setInterval(() => {
      if (pending.size) return;
      clearInterval(drained);
      process.send!({ probes }, () => process.exit(0));
    }, 20);
  });
  send({ ready: true });
}

/** `flood <port> <n> [rate]`: on 'go', opens n TCP connections (at once, or `rate` a second)
 * and never writes to them; reports its counts every 200 ms and on 'report'; on 'exit',
 * destroys them and exits. */
async function floodChild(port: number, n: number, rate: number): Promise<void> {
  const s: FloodStats = { attempted: 0, connected: 0, failed: 0, closedByServer: 0, failedBy: {}, firstConnectMs: -1, lastSettledMs: -1 };
  const socks: Socket[] = [];
  let t0 = 0;
  const settle = () => (s.lastSettledMs = round(performance.now() - t0));
  const openSome = (k: number) => {
    for (let i = 0; i < k; i++) {
      const sock = tcpConnect({ host: '127.0.0.1', port });
      s.attempted++;
      let connected = false;
      sock.on('connect', () => {
        connected = true;
        s.connected++;
        if (s.firstConnectMs < 0) s.firstConnectMs = round(performance.now() - t0);
        settle();
      });
      sock.on('error', (e: NodeJS.ErrnoException) => {
        if (connected) return; // a reset after connecting: counted at 'close'
        s.failed++;
        s.failedBy[e.code ?? e.message] = (s.failedBy[e.code ?? e.message] ?? 0) + 1;
        settle();
      });
      sock.on('close', () => connected && s.closedByServer++);
      sock.resume(); // read (nothing will come): so a FIN or reset is seen
      socks.push(sock);
    }
  };
  const open = () => {
    if (!(rate > 0)) return openSome(n);
    const per10ms = Math.max(1, Math.round(rate / 100));
    const t = setInterval(() => {
      openSome(Math.min(per10ms, n - s.attempted));
      if (s.attempted >= n) clearInterval(t);
    }, 10);
  };
  const tick = setInterval(() => send({ stats: s }), 200);
  process.on('message', (m: { go?: boolean; report?: boolean; exit?: boolean }) => {
    if (m.go) {
      t0 = performance.now();
      open();
    }
    if (m.report) send({ stats: s });
    if (m.exit) {
      clearInterval(tick);
      for (const sock of socks) {
        sock.removeAllListeners('close');
        sock.destroy();
      }
      process.send!({ stats: s }, () => process.exit(0));
    }
  });
  send({ ready: true });
}

export interface Probe { at: number; ms: number; status?: number; error?: string }
export interface FloodStats {
  attempted: number;
  connected: number;
  failed: number;
  closedByServer: number;
  failedBy: Record<string, number>;
  firstConnectMs: number;
  lastSettledMs: number;
}

// ---------------------------------------------------------------------------------------
// Forked helpers, seen from here.

export const children = new Set<ChildProcess>();

export function forkChild(args: string[]): ChildProcess {
  const c = fork(self, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

export function nextMessage<T>(c: ChildProcess, pick: (m: any) => T | undefined, ms = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => (cleanup(), reject(new Error(`a forked helper did not answer within ${ms / 1000} s`))), ms);
    const onMessage = (m: unknown) => {
      const v = pick(m);
      if (v !== undefined) (cleanup(), resolve(v));
    };
    const onExit = (code: number | null) => (cleanup(), reject(new Error(`a forked helper exited (${code})`)));
    const cleanup = () => {
      clearTimeout(t);
      c.off('message', onMessage);
      c.off('exit', onExit);
    };
    c.on('message', onMessage);
    c.once('exit', onExit);
  });
}

/** Health probes from a child process of their own. */
export async function startProber(url: string): Promise<{ stop(): Promise<Probe[]> }> {
  const c = forkChild(['probe', url]);
  await nextMessage(c, (m) => (m?.ready ? true : undefined));
  return {
    async stop() {
      const got = nextMessage(c, (m) => m?.probes as Probe[] | undefined, 30_000);
      c.send({ stop: true });
      return got;
    },
  };
}

/** Probe figures over those that started in [from, to) (epoch ms); with `origin`, also the
 * slowest ones (over 250 ms or failed), at most 12, as [seconds after origin, ms or error]. */
export function probeStats(probes: Probe[], from = -Infinity, to = Infinity, origin?: number) {
  const ps = probes.filter((p) => p.at >= from && p.at < to);
  const ok = ps.filter((p) => p.status === 200).map((p) => p.ms).sort((a, b) => a - b);
  const failedBy: Record<string, number> = {};
  for (const p of ps) {
    if (p.status === 200) continue;
    const k = p.error ?? `status ${p.status}`;
    failedBy[k] = (failedBy[k] ?? 0) + 1;
  }
  const q = (f: number) => (ok.length ? ok[Math.min(ok.length - 1, Math.floor(f * ok.length))] : null);
  return {
    probes: ps.length,
    ok: ok.length,
    failed: ps.length - ok.length,
    ...(ps.length > ok.length ? { failedBy } : {}),
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    maxMs: ok.length ? ok[ok.length - 1] : null,
    over1s: ok.filter((ms) => ms > 1000).length,
    ...(origin === undefined ? {} : {
      slow: ps.filter((p) => p.status !== 200 || p.ms > 250).sort((a, b) => b.ms - a.ms).slice(0, 12).sort((a, b) => a.at - b.at)
        .map((p) => [round((p.at - origin) / 1000, 1), p.status === 200 ? p.ms : p.error ?? `status ${p.status}`]),
    }),
  };
}

/** One response as a browser would fetch it: its size on the wire and how long it took. */
export function fetchOnce(url: string, headers: Record<string, string>): Promise<{ ms: number; status: number; bodyBytes: number; contentEncoding: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    httpGet(url, { headers, agent: false }, (res) => {
      let bodyBytes = 0;
      res.on('data', (b: Buffer) => (bodyBytes += b.length));
      res.once('end', () => resolve({ ms: round(performance.now() - t0), status: res.statusCode!, bodyBytes, contentEncoding: String(res.headers['content-encoding'] ?? 'identity') }));
      res.once('error', reject);
    }).on('error', reject);
  });
}


const [mode, ...args] = process.argv.slice(2);
if (mode === 'probe') await probeChild(args[0]);
else if (mode === 'flood') await floodChild(Number(args[0]), Number(args[1]), Number(args[2] ?? 0));
