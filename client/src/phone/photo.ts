// A photo as the outbox keeps it: the camera's file (shrunk only when the server would refuse
// its size) and its SHA-256, the name the server stores it by. With the hash, a photo whose
// upload got no answer is recognised in the ticket's timeline instead of being sent twice.
import type { PhotoEntry } from './outbox.ts';

const MAX_BYTES = 8 * 1024 * 1024; // server/store/photo-files.ts PHOTO_MAX_BYTES
const SHRINK_TO_PX = 2560;

/** Hex SHA-256 of the bytes; null where the page has no SubtleCrypto (plain http off localhost). */
export async function sha256(blob: Blob): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The evidence as taken, unless it is over the server's 8 MB: then a JPEG of at most
 * 2560 px on its long side (a phone's 50-megapixel shot), which keeps what a dispatcher
 * needs to see. */
export async function fitForUpload(file: Blob): Promise<Blob> {
  if (file.size <= MAX_BYTES) return file;
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, SHRINK_TO_PX / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  for (const quality of [0.85, 0.7, 0.5]) {
    const out = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    if (out.size <= MAX_BYTES) return out;
  }
  throw new Error('照片过大，无法压缩到 8 MB 以内');
}

/** A v4 UUID: the report's clientId. crypto.randomUUID needs a secure context; the random
 * bytes do not. */
export function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The photos the worker took, as outbox entries (shrunk if need be, hashed), in their order. */
export function photoEntries(kind: 'before' | 'after', files: File[]): Promise<PhotoEntry[]> {
  return Promise.all(
    files.map(async (f, i) => {
      const blob = await fitForUpload(f);
      return { kind, blob, name: f.name || `${kind}-${i + 1}.jpg`, hash: await sha256(blob), tried: false, sent: false };
    }),
  );
}
