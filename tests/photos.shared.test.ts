// Several nodes sharing one photos directory (PHOTOS_DIR on a shared volume): a node that
// starts sweeps only its own temp files, never an upload another node has in flight, and
// the same photo stored by two nodes ends as one file.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createPhotoFiles } from '../server/store/photo-files.ts';
import { tinyJpeg } from './routes.examples.ts';

const dir = mkdtempSync(join(tmpdir(), 'one-net-photos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a photos directory shared by nodes', () => {
  it("sweeps only the starting node's own leftovers", async () => {
    const a = createPhotoFiles(dir, 'n1');
    const b = createPhotoFiles(dir, 'n2');
    const inFlight = await a.receive(Readable.from([await tinyJpeg(1, 2, 3)]));
    const leftOnB = await b.receive(Readable.from([Buffer.from('half an upload')]));
    expect(existsSync(inFlight.tmp) && existsSync(leftOnB.tmp)).toBe(true);
    // n2 restarts: its own leftover goes, n1's upload under way stays.
    expect(await createPhotoFiles(dir, 'n2').sweep()).toBe(1);
    expect(existsSync(leftOnB.tmp)).toBe(false);
    expect(existsSync(inFlight.tmp)).toBe(true);
    await a.discard(inFlight);
  });

  it('keeps one file when two nodes store the same photo', async () => {
    const jpeg = await tinyJpeg(40, 50, 60);
    const nodes = [createPhotoFiles(dir, 'n1'), createPhotoFiles(dir, 'n2')];
    await Promise.all(nodes.map(async (f) => {
      const r = await f.receive(Readable.from([jpeg]));
      const seen = await f.inspect(r);
      if ('problem' in seen) throw new Error(seen.problem);
      await f.keep(r, seen.format, seen.thumb);
      await f.discard(r);
    }));
    const hash = createHash('sha256').update(jpeg).digest('hex');
    expect((await nodes[1].original(hash))?.size).toBe(jpeg.length);
    expect(readdirSync(join(dir, hash.slice(0, 2))).filter((n) => n.startsWith(hash))).toHaveLength(1);
  });

  it('refuses a node name that would leave its folder', () => {
    for (const bad of ['..', '../x', 'a/b', '']) expect(() => createPhotoFiles(dir, bad)).toThrow(/node name/);
  });
});
