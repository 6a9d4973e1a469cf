// The patrol bench's probes (scripts/bench/patrol.ts): percentiles, CPU of a process, a
// POST on a keep-alive agent, a city wall's socket counting frames, the track store's
// files, and waiting for the server to go quiet.
import http from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { CITY_CODE } from '../../../server/net/codes.ts';
import { decodePositionsFrame, positionsFrameBytes, type PositionsFrame } from '../../../server/domain/positions-frame.ts';
import type { ServerChild } from './server-child.ts';

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentiles of unsorted samples. */
export function pct(xs: ArrayLike<number>, ...ps: number[]): number[] {
  const s = Float64Array.from(xs).sort();
  return ps.map((p) => (s.length ? round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]) : NaN));
}

/** CPU seconds (user + system) a process has used: /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}
export const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/** CPU used by the server and by this process over a stretch, as % of one core. */
export function cpuMeter(pid: number) {
  const s0 = cpuSeconds(pid);
  const o0 = ownCpuSeconds();
  const t0 = performance.now();
  return () => {
    const s = (performance.now() - t0) / 1000;
    const server = cpuSeconds(pid) - s0;
    return { serverCpuSeconds: round(server, 1), serverCpuPct: round((server / s) * 100, 0), benchCpuPct: round(((ownCpuSeconds() - o0) / s) * 100, 0) };
  };
}

/** A POST of a JSON body on a keep-alive agent: the status and the body of the answer. */
export function post(s: ServerChild, agent: http.Agent, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.port, path, method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface FrameSeen {
  at: number;
  bytes: number;
  count: number;
  snapshot: boolean;
  seq: number;
  t: number;
}

/** The city wall: a Socket.IO client with the workers layer, every frame decoded and noted. */
export async function cityWall(s: ServerChild) {
  const token = s.auth.authorization.replace(/^Bearer /, '');
  const socket: ClientSocket = connect(s.url, { auth: { token, layers: ['workers'] }, query: { area: CITY_CODE }, transports: ['websocket'], forceNew: true, reconnection: false });
  const frames: FrameSeen[] = [];
  let onFrame: ((f: PositionsFrame, at: number) => void) | null = null;
  let lastSeq = -1;
  let seqGaps = 0;
  let disconnects = 0;
  socket.on('positions', (buf: ArrayBuffer | Buffer, ack?: () => void) => {
    const at = Date.now();
    ack?.();
    const f = decodePositionsFrame(buf);
    // A snapshot carries the room's current number, each delta the next: a gap is a frame lost.
    if (!f.snapshot && lastSeq >= 0 && f.seq !== ((lastSeq + 1) >>> 0)) seqGaps += (f.seq - lastSeq - 1) >>> 0;
    lastSeq = f.seq;
    frames.push({ at, bytes: buf.byteLength, count: f.count, snapshot: f.snapshot, seq: f.seq, t: f.t });
    onFrame?.(f, at);
  });
  socket.on('disconnect', () => disconnects++);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    frames,
    stats: () => ({ seqGaps, disconnects }),
    listen(f: ((f: PositionsFrame, at: number) => void) | null) {
      onFrame = f;
    },
  };
}

/** Sizes of tracks.sqlite and its WAL in the data directory. */
export function trackFiles(dir: string): { dbBytes: number; walBytes: number } {
  const size = (f: string) => {
    try {
      return statSync(join(dir, f)).size;
    } catch {
      return 0;
    }
  };
  return { dbBytes: size('tracks.sqlite'), walBytes: size('tracks.sqlite-wal') };
}

/** Waits until `from` (epoch ms), then until the process has been quiet — not runnable in
 * /proc/<pid>/stat in more than 2 of 20 looks over a second — for at most 60 s: how long
 * that took from `from`, and the CPU it used meanwhile. */
export async function quietAfter(pid: number, from: number): Promise<{ waitedMs: number; serverCpuSeconds: number; quiet: boolean }> {
  if (Date.now() < from) await sleep(from - Date.now());
  const c0 = cpuSeconds(pid);
  const t0 = Date.now();
  const looks: boolean[] = [];
  while (Date.now() - t0 < 60_000) {
    await sleep(50);
    let runnable = false;
    try {
      runnable = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] === 'R';
    } catch { /* gone */ }
    looks.push(runnable);
    if (looks.length >= 20 && looks.slice(-20).filter(Boolean).length <= 2) {
      return { waitedMs: Date.now() - t0, serverCpuSeconds: round(cpuSeconds(pid) - c0, 2), quiet: true };
    }
  }
  return { waitedMs: Date.now() - t0, serverCpuSeconds: round(cpuSeconds(pid) - c0, 2), quiet: false };
}

