// A full disk: an acknowledgement means committed. Writes that fail answer 507 with
// nothing half-stored, reads go on, and no id is handed out twice.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gridOf, injectAs, report, testApp, theNet, type TestApp } from './helpers.ts';

type Inject = Awaited<ReturnType<typeof injectAs>>;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Posts `n` reports (with long descriptions, to fill pages fast); the answers in order. */
async function flood(inject: Inject, n: number) {
  const g = gridOf(theNet().net, '320411');
  const out: { status: number; body: { id?: string; statusCode?: number; error?: string; message?: string } }[] = [];
  const batch = 20;
  for (let i = 0; i < n; i += batch) {
    const rs = await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, k) =>
      inject({ method: 'POST', url: '/api/tickets', payload: report(g.label[0], g.label[1], { description: `第${i + k}号 ` + '楼道堆物'.repeat(300) }) })));
    for (const r of rs) out.push({ status: r.statusCode, body: r.json() });
  }
  return out;
}

/** Every acknowledged id once, each readable, and nothing stored beyond them. */
async function expectExactlyAcked(t: TestApp, inject: Inject, acked: string[]) {
  expect(new Set(acked).size).toBe(acked.length);
  for (const id of acked) expect((await inject(`/api/tickets/${id}`)).statusCode, id).toBe(200);
  expect((await t.store.total())).toBe(acked.length);
}

function checkFull(answers: Awaited<ReturnType<typeof flood>>) {
  const acked = answers.filter((a) => a.status === 201).map((a) => a.body.id!);
  const refused = answers.filter((a) => a.status !== 201);
  expect(acked.length).toBeGreaterThan(0);
  expect(refused.length).toBeGreaterThan(0);
  for (const r of refused) {
    expect(r.body).toEqual({ statusCode: 507, error: 'Insufficient Storage', message: expect.stringContaining('nothing was stored') });
  }
  return acked;
}

describe('a store that fills up (SQLite max_page_count)', () => {
  it('acknowledges only committed tickets, answers 507, keeps serving reads, and never reuses an id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'one-net-full-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const t = await testApp({ dir, store: { maxPageCount: 160 } });
    const inject = await injectAs(t);
    const answers = await flood(inject, 400);
    const acked = checkFull(answers);
    await expectExactlyAcked(t, inject, acked);
    expect((await inject('/api/health')).statusCode).toBe(200);
    const list = await inject('/api/tickets?limit=1000');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((x: { id: string }) => x.id).sort()).toEqual([...acked].sort());
    await t.close();

    // Space is freed: the next ticket gets a new id, and everything acknowledged is there.
    const again = await testApp({ dir });
    cleanups.push(() => again.close());
    const injectAgain = await injectAs(again);
    const next = await flood(injectAgain, 1);
    expect(next[0].status).toBe(201);
    expect(next[0].body.id! > acked.sort().at(-1)!).toBe(true);
    await expectExactlyAcked(again, injectAgain, [...acked, next[0].body.id!]);
  });
});

/** A 3 MB tmpfs where this process may mount one (root, as in CI), else null. */
function tmpfs(): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'one-net-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

const mounted = tmpfs();
describe.skipIf(!mounted)('a real full disk (3 MB tmpfs)', () => {
  it('acknowledges only committed tickets and takes new ones once space is freed', async () => {
    const dir = mounted!;
    cleanups.push(() => {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    });
    const data = join(dir, 'data');
    mkdirSync(data);
    writeFileSync(join(dir, 'filler'), Buffer.alloc(1024 * 1024)); // freed later
    const t = await testApp({ dir: data });
    const inject = await injectAs(t);
    const acked = checkFull(await flood(inject, 400));
    await expectExactlyAcked(t, inject, acked);
    expect((await inject('/api/health')).statusCode).toBe(200);

    rmSync(join(dir, 'filler'));
    const next = await flood(inject, 1);
    expect(next[0].status).toBe(201);
    expect(acked).not.toContain(next[0].body.id);
    await expectExactlyAcked(t, inject, [...acked, next[0].body.id!]);
    await t.close();
  });
});
