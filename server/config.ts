// Settings from the environment, parsed once at start.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Photo evidence: DATA_DIR/photos, or PHOTOS_DIR (a volume several nodes share); `node`
   * names this node among them: its host and data directory, the same after a restart. */
  photos: { dir: string; node: string };
  simulate: boolean;
  /** Simulated tickets per minute. */
  simRate: number;
  /** The simulator's seed: SIM_SEED to replay a run, otherwise new each start. */
  simSeed: number;
  /** Simulated grid phones (SIM_PHONES; default: every phone carrier of the net). */
  simPhones: number;
  /** Share of them walking outside working hours, night duty (SIM_NIGHT_SHARE, 0.05). */
  simNightShare: number;
  /** Patrol: days of tracks kept, silence before offline, ms between a wall's frames. */
  patrol: { retentionDays: number; offlineAfterMs: number; frameIntervalMs: number };
}

function num(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
  return n;
}

export function readConfig(): Config {
  const dataDir = resolve(process.env.DATA_DIR ?? 'var');
  const node = `${hostname().replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40)}-${createHash('sha256').update(dataDir).digest('hex').slice(0, 8)}`;
  return {
    port: num('PORT', 8080),
    host: process.env.HOST ?? '0.0.0.0',
    dataDir,
    photos: { dir: process.env.PHOTOS_DIR ? resolve(process.env.PHOTOS_DIR) : join(dataDir, 'photos'), node },
    simulate: process.env.SIMULATE !== '0',
    simRate: num('SIM_RATE', 60),
    simSeed: num('SIM_SEED', Date.now() % 2 ** 32),
    simPhones: num('SIM_PHONES', Infinity),
    simNightShare: Math.min(1, num('SIM_NIGHT_SHARE', 0.05)),
    patrol: {
      retentionDays: Math.max(1, num('TRACK_RETENTION_DAYS', 30)),
      offlineAfterMs: num('OFFLINE_AFTER_S', 300) * 1000,
      // 500: at most 2 frames a second per wall (the bound); lower trades frames for latency.
      frameIntervalMs: Math.max(50, num('FRAME_INTERVAL_MS', 500)),
    },
  };
}
