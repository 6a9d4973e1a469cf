// Group commit (server/store/sqlite-group-commit.ts): writes asked for together share one
// transaction, each undone alone when it throws, all refused when the commit fails; a
// promise resolves only once its write is committed.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupCommit } from '../server/store/sqlite-group-commit.ts';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'one-net-gc-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'db.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const count = () => db.prepare('SELECT count(*) FROM t').pluck().get() as number;
  /** What another connection sees: only committed rows. */
  const committed = () => {
    const other = new Database(join(dir, 'db.sqlite'), { readonly: true });
    try {
      return other.prepare('SELECT v FROM t ORDER BY id').pluck().all() as string[];
    } finally {
      other.close();
    }
  };
  return { db, insert, count, committed };
}

describe('group commit', () => {
  it('commits writes asked for together in one transaction, and resolves them once committed', async () => {
    const { db, insert, committed } = open();
    const commit = groupCommit(db);
    const seen: boolean[] = [];
    const ps = ['a', 'b', 'c'].map((v) => commit(() => (seen.push(db.inTransaction), Number(insert.run(v).lastInsertRowid))));
    expect(committed()).toEqual([]); // nothing runs before the batch is flushed
    const ids = await Promise.all(ps);
    expect(ids).toEqual([1, 2, 3]);
    expect(seen).toEqual([true, true, true]);
    expect(committed()).toEqual(['a', 'b', 'c']);
  });

  it('undoes and refuses only the write that throws; the others of its batch are stored', async () => {
    const { db, insert, committed } = open();
    const commit = groupCommit(db);
    const results = await Promise.allSettled([
      commit(() => insert.run('a')),
      // Two statements: the first is undone with the second's failure (a savepoint each).
      commit(() => (insert.run('half'), insert.run('a'))),
      commit(() => { throw new Error('decided against'); }),
      commit(() => insert.run('b')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('refuses every write of a batch whose commit fails (a full store), storing none, and goes on after', async () => {
    const { db, insert, count, committed } = open();
    const commit = groupCommit(db);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 1}`);
    const big = (k: number) => `${k}:` + 'x'.repeat(3000);
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, k) => commit(() => insert.run(big(k)))));
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect((r.reason as { code?: string }).code).toBe('SQLITE_FULL');
    // Exactly the acknowledged writes are stored.
    const acked = results.map((r, k) => (r.status === 'fulfilled' ? big(k) : null)).filter((v) => v !== null);
    expect(committed()).toEqual(acked);
    expect(count()).toBe(acked.length);
    db.pragma('max_page_count = 1000000');
    await commit(() => insert.run('after'));
    expect(committed()).toEqual([...acked, 'after']);
  });

  it('a lone write on a quiet store is committed in the next turn', async () => {
    const { db, insert, committed } = open();
    const commit = groupCommit(db);
    await commit(() => insert.run('alone'));
    expect(committed()).toEqual(['alone']);
  });
});
