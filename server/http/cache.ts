// Answers that do not change while the process runs (the net's grids and labels):
// serialised once, compressed once off the event loop (zlib's thread pool), kept in an
// LRU bounded in bytes, and revalidated by ETag (`Cache-Control: no-cache`, so a wall
// asks each time and gets a 304 when the net is the same). Served already encoded, so
// @fastify/compress leaves them alone.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

interface Entry {
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  bytes: number;
}

export interface StaticJsonCache {
  send(req: FastifyRequest, reply: FastifyReply, key: string, contentType: string, build: () => unknown): Promise<FastifyReply>;
  /** Bytes held (all encodings). */
  bytes(): number;
}

export function createStaticJsonCache(maxBytes = 64 * 1024 * 1024): StaticJsonCache {
  const entries = new Map<string, Entry>();
  const pending = new Map<string, Promise<Entry>>();
  let held = 0;

  async function make(build: () => unknown): Promise<Entry> {
    const identity = Buffer.from(JSON.stringify(build()));
    const [gz, br] = await Promise.all([
      gzipAsync(identity, { level: 6 }),
      brotliAsync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } }),
    ]);
    const etag = '"' + createHash('sha1').update(identity).digest('base64url').slice(0, 22) + '"';
    return { etag, identity, gzip: gz, br, bytes: identity.length + gz.length + br.length };
  }

  async function get(key: string, build: () => unknown): Promise<Entry> {
    const hit = entries.get(key);
    if (hit) {
      entries.delete(key); // most recently used last
      entries.set(key, hit);
      return hit;
    }
    let p = pending.get(key);
    if (!p) {
      p = make(build).finally(() => pending.delete(key));
      pending.set(key, p);
      const e = await p;
      entries.set(key, e);
      held += e.bytes;
      for (const [k, old] of entries) {
        if (held <= maxBytes || k === key) break;
        entries.delete(k);
        held -= old.bytes;
      }
      return e;
    }
    return p;
  }

  return {
    async send(req, reply, key, contentType, build) {
      const e = await get(key, build);
      reply.header('etag', e.etag).header('cache-control', 'public, no-cache').header('vary', 'accept-encoding');
      const inm = req.headers['if-none-match'];
      if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === e.etag)) return reply.code(304).send();
      const enc = pickEncoding(String(req.headers['accept-encoding'] ?? ''));
      reply.type(contentType);
      if (enc) reply.header('content-encoding', enc);
      return reply.send(enc === 'br' ? e.br : enc === 'gzip' ? e.gzip : e.identity);
    },
    bytes: () => held,
  };
}

/** br, else gzip, else none, as Accept-Encoding allows (a q of 0 refuses). */
function pickEncoding(accept: string): 'br' | 'gzip' | null {
  const q = new Map<string, number>();
  for (const part of accept.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const qp = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    const v = qp ? Number(qp.slice(2)) : 1;
    if (name) q.set(name, Number.isFinite(v) ? v : 0);
  }
  const allowed = (enc: string) => (q.get(enc) ?? (q.has('*') ? q.get('*')! : 0)) > 0;
  return allowed('br') ? 'br' : allowed('gzip') ? 'gzip' : null;
}
