// The balancer the project ships (haproxy.cfg.tmpl, where the choices are explained), filled
// in with the nodes' addresses, and run in the foreground as a child process.
//
//   const cfg = haproxyConfig({ port: 8080, nodes: ['127.0.0.1:8081', '127.0.0.1:8082'] });
//   const lb = await startHaproxy(cfg, dir);          // lb.serverStates() → { n1: 'UP', … }
//   await lb.stop();
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HAPROXY_BIN = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';
const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), 'haproxy.cfg.tmpl');

export interface HaproxyOptions {
  port: number;
  bind?: string;
  /** host:port of each node, named n1, n2 … in the config. */
  nodes: string[];
  /** A UNIX socket for HAProxy's runtime API (server states); none when not given. */
  adminSocket?: string;
  /** An HTTP stats page on this port (/stats); none when not given. */
  statsPort?: number;
  maxconn?: number;
}

export function haproxyConfig(o: HaproxyOptions): string {
  const servers = (extra: string) => o.nodes.map((addr, i) => `  server n${i + 1} ${addr}${extra}`).join('\n');
  const vars: Record<string, string> = {
    MAXCONN: String(o.maxconn ?? 4096),
    NODE_MAXCONN: String(Math.floor((o.maxconn ?? 4096) / Math.max(1, o.nodes.length))),
    BIND: o.bind ?? '0.0.0.0',
    PORT: String(o.port),
    GLOBAL_EXTRA: o.adminSocket ? `  stats socket ${o.adminSocket} mode 600 level admin` : '',
    SERVERS_API: servers(''),
    SERVERS_LIVE: servers('').split('\n').map((l, i) => `${l} cookie n${i + 1} track api/n${i + 1}`).join('\n'),
    STATS: o.statsPort ? `\nfrontend stats\n  bind 127.0.0.1:${o.statsPort}\n  stats enable\n  stats uri /stats\n  stats refresh 2s\n` : '',
  };
  return readFileSync(TEMPLATE, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    if (!(k in vars)) throw new Error(`haproxy.cfg.tmpl: no value for {{${k}}}`);
    return vars[k];
  });
}

export interface Haproxy {
  child: ChildProcess;
  /** Every server of the `api` backend and its state as HAProxy sees it (UP, DOWN, …). */
  serverStates(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** Writes the config into `dir`, checks it (`haproxy -c`), and runs HAProxy in the foreground. */
export async function startHaproxy(config: string, dir: string, o: { adminSocket?: string; onLine?: (line: string) => void } = {}): Promise<Haproxy> {
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  await new Promise<void>((resolve, reject) => {
    const check = spawn(HAPROXY_BIN, ['-c', '-q', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    check.stderr!.on('data', (d) => (err += d));
    check.once('error', reject);
    check.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`haproxy -c: ${err.trim()}`))));
  });
  // -db: foreground, no daemon; it ends with us.
  const child = spawn(HAPROXY_BIN, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const s of [child.stdout!, child.stderr!]) {
    s.setEncoding('utf8').on('data', (d: string) => {
      for (const line of d.split('\n')) if (line.trim()) o.onLine?.(line);
    });
  }
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`haproxy exited (${code}) at start`)));
    setTimeout(resolve, 300); // it binds at once or exits; a failed bind exits within this
  });
  child.removeAllListeners('exit');
  return {
    child,
    async serverStates() {
      if (!o.adminSocket) throw new Error('no admin socket configured');
      const csv = await adminCommand(o.adminSocket, 'show stat');
      const out: Record<string, string> = {};
      for (const row of csv.split('\n')) {
        const f = row.split(',');
        if (f[0] === 'api' && f[1] !== 'FRONTEND' && f[1] !== 'BACKEND') out[f[1]] = f[17];
      }
      return out;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One command on HAProxy's runtime API; its whole answer. */
export function adminCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let out = '';
    c.setEncoding('utf8');
    c.on('data', (d: string) => (out += d));
    c.on('error', reject);
    c.on('end', () => resolve(out));
    c.write(`${command}\n`);
  });
}
