// A killed server loses no acknowledged write: the real entry point in a child
// process, SIGKILL mid-stream, restarted on the same DATA_DIR.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminToken, gridOf, report, startServerProcess, stopServerProcess, theNet } from './helpers.ts';

const startServer = () => startServerProcess(dir);

const dir = mkdtempSync(join(tmpdir(), 'one-net-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a killed server', () => {
  it('keeps every ticket it acknowledged', async () => {
    const g = gridOf(theNet().net, '320402');
    const first = await startServer();
    const token = await adminToken(first.url);
    const acked: string[] = [];
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        try {
          const r = await fetch(`${first.url}/api/tickets`, {
            method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(report(g.label[0], g.label[1])),
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
        const r = await fetch(`${second.url}/api/tickets/${id}`, { headers: { authorization: `Bearer ${token}` } });
        expect(r.status, id).toBe(200);
      }
    } finally {
      await stopServerProcess(second.proc);
    }
  });
});
