// The whole repo (client, server, scripts, tests) type-checks under strict TypeScript.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('types', () => {
  it('tsc --noEmit passes on the whole repo', () => {
    let out = '';
    try {
      execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(out).toBe('');
  }, 180_000);
});
