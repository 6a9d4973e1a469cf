// The whole repo (client, server, scripts, tests) type-checks under strict TypeScript.
// The checker passes only on positive evidence that tsc ran to its end and found nothing:
// it started, exited 0 of itself within the time limit, printed no "error TS", and printed
// the whole --diagnostics summary (files checked > 0, then "Total time:", its last line).
// Anything else — type errors, tsc missing or crashing, a signal, a non-zero exit with no
// errors printed, an empty or cut-off output, a timeout — is a failure with a reason.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

interface Check { ok: boolean; reason: string }

const TSC = resolve('node_modules/typescript/bin/tsc');
/** tsc's arguments to check `project` (a directory with a tsconfig.json) and print its summary. */
const tscArgs = (project: string): string[] => [TSC, '--noEmit', '-p', project, '--diagnostics', '--pretty', 'false'];

/** Runs `command args` as a type checker (tsc with --diagnostics) and says whether it passed, and why not. */
function typecheck(command: string, args: string[], o: { cwd?: string; timeoutMs: number }): Check {
  const r = spawnSync(command, args, { cwd: o.cwd, encoding: 'utf8', timeout: o.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 2 ** 20 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const tail = out.trim().split('\n').slice(-20).join('\n');
  const fail = (why: string): Check => ({ ok: false, reason: tail ? `${why}; its output ends:\n${tail}` : `${why}; no output` });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') return fail(`timed out after ${o.timeoutMs} ms (killed)`);
    return fail(`could not run ${command}: ${r.error.message}`); // ENOENT, EACCES, ENOBUFS (output over 64 MiB)…
  }
  if (r.signal !== null) return fail(`killed by ${r.signal}`);
  const errors = out.split('\n').filter((l) => /\berror TS\d+/.test(l));
  if (errors.length) return { ok: false, reason: `${errors.length} type error(s), exit ${r.status}:\n${errors.slice(0, 40).join('\n')}` };
  if (r.status !== 0) return fail(`exited ${r.status} without printing a type error`);
  const files = /^Files:\s+(\d+)\s*$/m.exec(out);
  if (!files) return fail('exited 0 without its --diagnostics summary (empty or cut-off output)');
  if (Number(files[1]) === 0) return fail('checked no files');
  if (!/^Total time:\s+[\d.]+s\s*$/m.test(out)) return fail('exited 0 with a cut-off --diagnostics summary (no "Total time:")');
  return { ok: true, reason: `${files[1]} files checked, no errors` };
}

describe('types', () => {
  it('tsc --noEmit passes on the whole repo', () => {
    const r = typecheck(process.execPath, tscArgs('.'), { timeoutMs: 170_000 });
    expect(r.ok, r.reason).toBe(true);
  }, 180_000);
});

describe('the type check fails whenever tsc fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'one-net-tsc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', types: [] }, include: ['*.ts'] }));
  const node = (code: string) => [process.execPath, ['-e', code]] as const;

  it('a project with a type error fails, naming the error; the same project fixed passes', () => {
    writeFileSync(join(dir, 'a.ts'), "export const n: number = 'one';\n");
    const bad = typecheck(process.execPath, tscArgs(dir), { timeoutMs: 60_000 });
    expect(bad.ok).toBe(false);
    expect(bad.reason).toMatch(/1 type error\(s\), exit 2:\n.*a\.ts\(1,14\): error TS2322/);
    writeFileSync(join(dir, 'a.ts'), 'export const n: number = 1;\n');
    expect(typecheck(process.execPath, tscArgs(dir), { timeoutMs: 60_000 })).toEqual({ ok: true, reason: expect.stringMatching(/^\d+ files checked, no errors$/) });
  }, 120_000);

  it.each([
    ['a non-zero exit with no output', node('process.exit(2)'), /exited 2 without printing a type error; no output/],
    ['a crash', node('throw new Error("tsc blew up")'), /exited 1 without printing a type error; its output ends:\n[^]*tsc blew up/],
    ['a kill by a signal', node('process.kill(process.pid, "SIGKILL")'), /killed by SIGKILL/],
    ['a timeout', node('setTimeout(() => {}, 60_000)'), /timed out after 500 ms/],
    ['a command that is not there', ['/nonexistent/tsc', []] as const, /could not run \/nonexistent\/tsc: .*ENOENT/],
    ['exit 0 with no output', node(''), /without its --diagnostics summary \(empty or cut-off output\); no output/],
    ['exit 0 with a cut-off summary', node('console.log("Files: 12\\nLines: 300")'), /cut-off --diagnostics summary/],
    ['exit 0 with no files checked', node('console.log("Files: 0\\nTotal time: 0.01s")'), /checked no files/],
    ['exit 0 with an error printed', node('console.log("a.ts(1,1): error TS1005: \';\' expected.\\nFiles: 1\\nTotal time: 0.01s")'), /1 type error\(s\), exit 0/],
  ])('%s is a failure', (what, [command, args], reason) => {
    const r = typecheck(command, [...args], { timeoutMs: what === 'a timeout' ? 500 : 30_000 });
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(reason);
  });
});
