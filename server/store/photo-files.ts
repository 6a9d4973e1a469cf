// Photo evidence on disk, stored by content: `<photosDir>/<first 2 hex>/<sha256>.<ext>` (the
// original bytes, EXIF and all: they are the evidence) and `<photosDir>/thumbs/<first 2
// hex>/<sha256>.webp` (at most 320 px, no metadata: no GPS of a resident's home). The same
// content is stored once, whoever sends it and to whichever ticket.
//
// Durability: an upload is streamed into `<photosDir>/tmp/`, hashed on the way, fsync'd,
// then renamed into place (and the directory fsync'd) before the HTTP answer, so an
// acknowledged photo survives a kill and no reader ever sees half a file. Temp files left
// by a killed process are removed at start. Several nodes may share one photos directory
// (a shared volume: PHOTOS_DIR, docs/DEPLOY.md): each writes its temp files under its own
// `tmp/<node>/` and sweeps only those, so a node starting never removes another's upload
// in flight; the final rename is atomic and content-addressed, so two nodes storing the
// same photo end with one file.
//
// The type is judged by the bytes (sharp reads the header, then decodes the whole image to
// make the thumbnail), never by the client's file name or mimetype.
//
// Removal: a file written for an attach the loop refused is removed if no ticket refers to
// it and no other upload of the same content is under way (`hold`); writes and removals of
// one hash run one at a time.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { StorageFullError } from './errors.ts';

export const PHOTO_MAX_BYTES = 8 * 1024 * 1024;
export const THUMB_MAX_PX = 320;
/** A decompression bomb (a small file of a huge image) is refused before it is decoded. */
const MAX_PIXELS = 80_000_000;

export const PHOTO_FORMATS = {
  jpeg: { ext: 'jpg', type: 'image/jpeg' },
  png: { ext: 'png', type: 'image/png' },
  webp: { ext: 'webp', type: 'image/webp' },
} as const;
export type PhotoFormat = keyof typeof PHOTO_FORMATS;

export const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** An upload received into a temp file. */
export interface Received {
  tmp: string;
  hash: string;
  bytes: number;
}

export interface StoredFile {
  path: string;
  type: string;
  size: number;
}

/** A full disk (or quota) is a 507 in the app's error shape; anything else stays itself. */
function storageError(e: unknown): unknown {
  const code = (e as { code?: unknown })?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' ? new StorageFullError(e) : e;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const exists = (path: string) => stat(path).then(() => true, () => false);

/** `node`: this node's name among those sharing `dir` (stable across its restarts). */
export function createPhotoFiles(dir: string, node = 'local') {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(node) || node === '.' || node === '..') throw new Error(`photo files: bad node name "${node}"`);
  const tmpDir = join(dir, 'tmp', node);
  const originalDir = (hash: string) => join(dir, hash.slice(0, 2));
  const thumbDir = (hash: string) => join(dir, 'thumbs', hash.slice(0, 2));
  const thumbPath = (hash: string) => join(thumbDir(hash), `${hash}.webp`);
  const originalPath = (hash: string, format: PhotoFormat) => join(originalDir(hash), `${hash}.${PHOTO_FORMATS[format].ext}`);
  const tmpName = () => join(tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);

  const holds = new Map<string, number>();
  const locks = new Map<string, Promise<unknown>>();
  /** Runs `fn` when every earlier write or removal of this hash has finished. */
  function locked<T>(hash: string, fn: () => Promise<T>): Promise<T> {
    const prev = locks.get(hash) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    locks.set(hash, tail);
    void tail.then(() => {
      if (locks.get(hash) === tail) locks.delete(hash);
    });
    return run;
  }

  /** Writes `data` (or moves `from`) to `path` durably; nothing if it is there already. */
  async function place(path: string, dirOf: string, src: { data: Buffer } | { from: string }): Promise<boolean> {
    if (await exists(path)) return false;
    await mkdir(dirOf, { recursive: true });
    let from: string;
    if ('from' in src) from = src.from;
    else {
      from = tmpName();
      await writeDurably(from, src.data);
    }
    try {
      await rename(from, path);
      await fsyncDir(dirOf);
    } finally {
      if (!('from' in src)) await rm(from, { force: true });
    }
    return true;
  }

  async function writeDurably(path: string, data: Buffer): Promise<void> {
    await mkdir(tmpDir, { recursive: true });
    const fh = await open(path, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => undefined);
      await rm(path, { force: true });
      throw e;
    }
    await fh.close();
  }

  async function findOriginal(hash: string): Promise<StoredFile | null> {
    for (const format of Object.keys(PHOTO_FORMATS) as PhotoFormat[]) {
      const path = originalPath(hash, format);
      const s = await stat(path).catch(() => null);
      if (s?.isFile()) return { path, type: PHOTO_FORMATS[format].type, size: s.size };
    }
    return null;
  }

  return {
    dir,
    tmpDir,

    /** Removes temp files a killed process left (call at start, before any upload). */
    async sweep(): Promise<number> {
      const names = await readdir(tmpDir).catch(() => [] as string[]);
      await Promise.all(names.map((n) => rm(join(tmpDir, n), { force: true })));
      return names.length;
    },

    /** Streams an upload into a temp file, hashing it on the way; fsync'd. The caller
     * removes it with `discard` (after `keep` has moved it, that does nothing). */
    async receive(stream: Readable): Promise<Received> {
      const tmp = tmpName();
      const hash = createHash('sha256');
      let bytes = 0;
      try {
        await mkdir(tmpDir, { recursive: true });
        const fh = await open(tmp, 'wx');
        try {
          for await (const chunk of stream) {
            const b = chunk as Buffer;
            hash.update(b);
            bytes += b.length;
            await fh.write(b);
          }
          await fh.sync();
        } finally {
          await fh.close();
        }
      } catch (e) {
        await rm(tmp, { force: true });
        throw storageError(e);
      }
      return { tmp, hash: hash.digest('hex'), bytes };
    },

    async discard(r: Received): Promise<void> {
      await rm(r.tmp, { force: true });
    },

    /** What the bytes are, and the thumbnail (decoding the whole image: a broken one is a
     * problem, not a thumbnail); `problem` names what is wrong with the file. */
    async inspect(r: Received): Promise<{ format: PhotoFormat; width: number; height: number; thumb: Buffer } | { problem: string }> {
      if (r.bytes === 0) return { problem: 'the file is empty' };
      let format: string | undefined, width = 0, height = 0;
      try {
        const m = await sharp(r.tmp, { limitInputPixels: MAX_PIXELS }).metadata();
        ({ format, width = 0, height = 0 } = m);
      } catch {
        return { problem: 'not an image: its bytes are not a JPEG, PNG or WebP' };
      }
      if (!format || !(format in PHOTO_FORMATS)) return { problem: `a ${format ?? 'file'} image, not a JPEG, PNG or WebP` };
      if (width * height > MAX_PIXELS) return { problem: `${width}×${height} pixels is more than ${MAX_PIXELS / 1e6} megapixels` };
      try {
        const thumb = await sharp(r.tmp, { limitInputPixels: MAX_PIXELS })
          .rotate() // turn it upright by its EXIF orientation before the metadata goes
          .resize({ width: THUMB_MAX_PX, height: THUMB_MAX_PX, fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 75 }) // sharp writes no EXIF, XMP or ICC unless asked to
          .toBuffer();
        return { format: format as PhotoFormat, width, height, thumb };
      } catch {
        return { problem: `a broken ${format}: the image cannot be decoded` };
      }
    },

    /** Marks an upload of this content as under way; call the answer when it is done. */
    hold(hash: string): () => void {
      holds.set(hash, (holds.get(hash) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const n = (holds.get(hash) ?? 1) - 1;
        if (n > 0) holds.set(hash, n);
        else holds.delete(hash);
      };
    },

    /** Puts the thumbnail, then the original, in place (each durable; kept as they are when
     * the same content is stored already). The temp file is moved, not copied. */
    keep(r: Received, format: PhotoFormat, thumb: Buffer): Promise<void> {
      return locked(r.hash, async () => {
        try {
          await place(thumbPath(r.hash), thumbDir(r.hash), { data: thumb });
          const other = await findOriginal(r.hash);
          if (!other) await place(originalPath(r.hash, format), originalDir(r.hash), { from: r.tmp });
        } catch (e) {
          throw storageError(e);
        }
      });
    },

    /** Removes the files of `hash` unless an upload of it other than the caller's (who
     * holds it once) is under way or `referenced()` says a ticket has it. */
    removeUnreferenced(hash: string, referenced: () => Promise<boolean>): Promise<boolean> {
      return locked(hash, async () => {
        if ((holds.get(hash) ?? 0) > 1 || (await referenced())) return false;
        const original = await findOriginal(hash);
        await rm(thumbPath(hash), { force: true });
        if (original) await rm(original.path, { force: true });
        return true;
      });
    },

    original: findOriginal,

    async thumb(hash: string): Promise<StoredFile | null> {
      const path = thumbPath(hash);
      const s = await stat(path).catch(() => null);
      return s?.isFile() ? { path, type: 'image/webp', size: s.size } : null;
    },
  };
}

export type PhotoFiles = ReturnType<typeof createPhotoFiles>;
