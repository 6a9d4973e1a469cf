// A killed server loses no acknowledged write: the real entry point in a child
// process, SIGKILL mid-stream, restarted on the same DATA_DIR.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gridOf, report, theNet } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'one-net-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startServer(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, SIMULATE: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/localhost:(\d+)/);
      if (m) resolve({ proc, url: `http://127.0.0.1:${m[1]}` });
    });
    proc.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}

describe('a killed server', () => {
  it('keeps every ticket it acknowledged', async () => {
    const g = gridOf(theNet().net, '320402');
    const first = await startServer();
    const acked: string[] = [];
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        try {
          const r = await fetch(`${first.url}/api/tickets`, {
            method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report(g.label[0], g.label[1])),
          });
          if (r.status === 201) acked.push((await r.json()).id);
        } catch {
          return; // the connection died with the server
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 1500));
    first.proc.kill('SIGKILL');
    stop = true;
    await writer;
    expect(acked.length).toBeGreaterThan(20);

    const second = await startServer();
    try {
      for (const id of acked) {
        const r = await fetch(`${second.url}/api/tickets/${id}`);
        expect(r.status, id).toBe(200);
      }
    } finally {
      const exited = new Promise((r) => second.proc.once('exit', r));
      second.proc.kill('SIGTERM');
      await exited;
    }
  });
});
