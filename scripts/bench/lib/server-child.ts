// The server as benchmarks run it: server/index.ts as in production, in a child process on
// a loopback port with a fresh data directory; and its resident memory. (In lib/, so
// scripts/bench.ts does not run it as a benchmark.)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface ServerChild {
  child: ChildProcess;
  pid: number;
  url: string;
  port: number;
  dir: string;
  /** The admin's bearer header: every API route but health asks who is calling. */
  auth: { authorization: string };
  /** Lines on its stderr, with the epoch ms each arrived (the first 10,000). */
  stderrLines: { at: number; line: string }[];
  stop(): Promise<void>;
}

const ADMIN_PASSWORD = `bench-${randomBytes(9).toString('base64url')}`;

/** The server with the writes rate limit lifted (BENCH_SERVER_NODE_ARGS: extra node flags for
 * it, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes) (the benches measure what the server can
 * take, not the per-account limit, which is 1,200 writes a minute by default). `dir`: a data
 * directory to start on (a seeded store), kept when it stops; a fresh one otherwise. */
export async function startServerChild(name: string, o: { dir?: string; database?: { url: string; schema: string } } = {}): Promise<ServerChild> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), `one-net-${name}-`));
  // The embedded store unless the bench gives a database (and a schema of its own): a
  // DATABASE_URL in the bench's environment is not passed on, so benches never share one.
  const { DATABASE_URL: _url, DATABASE_SCHEMA: _schema, ...env } = process.env;
  const database = o.database ? { DATABASE_URL: o.database.url, DATABASE_SCHEMA: o.database.schema } : {};
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', join(root, 'server', 'index.ts')], {
    cwd: root,
    env: { ...env, ...database, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, SIMULATE: '0', ADMIN_PASSWORD, RATE_WRITES_PER_MIN: '1000000000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderrLines: ServerChild['stderrLines'] = [];
  let partial = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    const lines = (partial + s).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (stderrLines.length < 10_000) stderrLines.push({ at: Date.now(), line });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    if (!o.dir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error('the server did not print its address within 60 s')), 60_000);
      child.stdout!.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        const m = /http:\/\/localhost:(\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`the server exited with ${code} before listening:\n${[...stderrLines.map((l) => l.line), partial].join('\n').slice(-4000)}`));
      });
    });
    child.stdout!.resume();
    // The address it prints says localhost; it listens on HOST, so ask there.
    const url = `http://127.0.0.1:${port}`;
    const signIn = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    if (!signIn.ok) throw new Error(`sign-in: ${signIn.status} ${await signIn.text()}`);
    const { token } = (await signIn.json()) as { token: string };
    return { child, pid: child.pid!, url, port, dir, auth: { authorization: `Bearer ${token}` }, stderrLines, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A process's resident set, MB (Linux: /proc/<pid>/status); NaN once it is gone. */
export function rssMB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : NaN;
  } catch {
    return NaN;
  }
}
