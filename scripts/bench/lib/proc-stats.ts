// What Linux says about a process and its sockets (/proc), for the hostile-use bench: open
// descriptors and their limit, RSS and descriptors over time, TCP counters and established
// connections on a port.
import { readdirSync, readFileSync } from 'node:fs';
import { rssMB } from './server-child.ts';

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/** The process's open files (its sockets among them). */
export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

export function openFileLimit(pid: number): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Samples the server's RSS (and, if asked, its open files) every 250 ms until stopped. */
export function sampler(pid: number, fds = false) {
  const series: { at: number; rss: number; fds: number }[] = [];
  const take = () => series.push({ at: Date.now(), rss: rssMB(pid), fds: fds ? openFds(pid) : NaN });
  take();
  const t = setInterval(take, 250).unref();
  return {
    series,
    latest: () => series[series.length - 1],
    stop() {
      clearInterval(t);
      take();
      const max = (k: 'rss' | 'fds') => Math.max(...series.map((s) => s[k]).filter((v) => !Number.isNaN(v)));
      return { rssPeakMB: max('rss'), fdsPeak: fds ? max('fds') : NaN };
    },
  };
}

/** The server's open files once a second from `origin`, as [seconds after, fds], where they changed. */
export function timeline(series: { at: number; fds: number }[], origin: number): [number, number][] {
  const out: [number, number][] = [];
  let nextAt = origin;
  for (const x of series) {
    if (x.at < nextAt) continue;
    if (out.length === 0 || out[out.length - 1][1] !== x.fds) out.push([round((x.at - origin) / 1000, 1), x.fds]);
    nextAt = x.at + 1000;
  }
  return out;
}

/** Kernel TCP counters of this network namespace (/proc/net/netstat, /proc/net/snmp). */
export function tcpCounters(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const file of ['/proc/net/netstat', '/proc/net/snmp']) {
    try {
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      for (let i = 0; i + 1 < lines.length; i += 2) {
        const names = lines[i].split(/\s+/);
        const values = lines[i + 1].split(/\s+/);
        const prefix = names[0];
        if (prefix !== 'TcpExt:' && prefix !== 'Tcp:') continue;
        names.slice(1).forEach((n, j) => (out[n] = Number(values[j + 1])));
      }
    } catch { /* not Linux: no counters */ }
  }
  return out;
}
/** Established TCP connections to `port` on 127.0.0.1 as the kernel holds them: the
 * server's ends (local port) and the clients' ends (remote port). */
export function established(port: number): { serverEnds: number; clientEnds: number } {
  let serverEnds = 0;
  let clientEnds = 0;
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  try {
    for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f[3] !== '01') continue; // ESTABLISHED
      if (f[1]?.endsWith(`:${hex}`)) serverEnds++;
      else if (f[2]?.endsWith(`:${hex}`)) clientEnds++;
    }
  } catch { /* not Linux */ }
  return { serverEnds, clientEnds };
}

export const WATCHED = ['ListenOverflows', 'ListenDrops', 'SyncookiesSent', 'SyncookiesRecv', 'TCPReqQFullDrop', 'TCPReqQFullDoCookies', 'PassiveOpens', 'ActiveOpens', 'AttemptFails', 'EstabResets', 'TCPAbortOnData', 'TCPAbortOnClose'];
export const counterDelta = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(WATCHED.filter((k) => k in a && k in b).map((k) => [k, b[k] - a[k]]));
