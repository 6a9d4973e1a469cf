// One process per data directory. The exclusion itself is SQLite's: the store runs in
// EXCLUSIVE locking mode, so its file lock lives exactly as long as the process (a
// kill -9 releases it; no stale lock to clean up). This file only says who holds it,
// so a second server can name the holder when it refuses to start.
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const OWNER_FILE = 'one-net.owner.json';

interface Owner {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export function writeOwner(dataDir: string): void {
  const owner: Owner = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv.slice(1).join(' ').slice(0, 300),
  };
  writeFileSync(join(dataDir, OWNER_FILE), JSON.stringify(owner) + '\n');
}

/** "process 1234 on host (node server/index.ts, started …)", or what is known of it. */
export function describeOwner(dataDir: string): string {
  try {
    const o = JSON.parse(readFileSync(join(dataDir, OWNER_FILE), 'utf8')) as Owner;
    return `process ${o.pid} on ${o.host} (${o.command || 'unknown command'}, started ${o.startedAt})`;
  } catch {
    return 'another process (it has not written its owner file yet)';
  }
}
