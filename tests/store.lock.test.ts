// One server per data directory: a second one refuses to start, naming the directory
// and the process that holds it; the first goes on serving. The lock is the kernel's
// (SQLite's exclusive file lock), so a killed server leaves nothing stale behind.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStores } from '../server/store/sqlite.ts';
import { DataDirInUseError } from '../server/store/errors.ts';
import { startServerProcess, stopServerProcess } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'one-net-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a data directory', () => {
  it('is opened by one store at a time', () => {
    const d = join(dir, 'in-process');
    const first = openSqliteStores(d);
    try {
      let err: unknown;
      try {
        openSqliteStores(d, { lockWaitMs: 50 }).close();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DataDirInUseError);
      expect((err as Error).message).toContain(d);
      expect((err as Error).message).toContain(`process ${process.pid}`);
    } finally {
      first.close();
    }
    openSqliteStores(d).close(); // free again once closed
  });

  it('refuses a second server, which names the holder; the first keeps serving; a killed one frees it', async () => {
    const d = join(dir, 'servers');
    const first = await startServerProcess(d, { SIMULATE: '1', SIM_RATE: '600', SIM_SEED: '7' });
    try {
      const second = await startServerProcess(d).then(
        (s) => (stopServerProcess(s.proc), null),
        (e: Error & { code: number; stderr: string }) => e,
      );
      expect(second).not.toBeNull();
      expect(second!.code).toBe(1);
      expect(second!.stderr).toContain(`DATA_DIR ${d} is in use by process ${first.proc.pid}`);
      expect(second!.stderr).not.toContain('simulator');
      expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    } finally {
      first.proc.kill('SIGKILL');
      await new Promise((r) => first.proc.once('exit', r));
    }
    const third = await startServerProcess(d);
    expect((await fetch(`${third.url}/api/health`)).status).toBe(200);
    await stopServerProcess(third.proc);
  });
});
