// Photo evidence on tickets (照片取证): before and after handling, as the catalogue's items
// ask (`evidence`).
//
// `POST /api/tickets/:id/photos` (multipart/form-data: `kind` before|after, `note?`, and one
// `file`, ≤ 8 MB, a JPEG, PNG or WebP judged by its bytes) stores the photo by content
// (server/store/photo-files.ts) and attaches it through the loop, so role, department,
// grid and state are checked exactly like every other action; the loop is asked first, so
// a refused caller's file is never written, and a file written for an attach refused
// meanwhile is removed again unless something else has it.
//
// `GET /api/photos/:hash` and `/thumb` serve the original and its thumbnail to whoever may
// read a ticket with this photo in its timeline — never to a wall display: photos show
// residents' faces and homes.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { createReadStream } from 'node:fs';
import type { AppDeps } from './deps.ts';
import type { Role } from '../auth/roles.ts';
import { inScope, type Principal } from '../auth/principal.ts';
import { seqOfTicketId, type TicketRecord } from '../domain/ticket.ts';
import { act, type Action, type Context } from '../domain/loop.ts';
import { loopService } from '../loop/service.ts';
import { presentTicket } from '../domain/present.ts';
import { sendError } from '../http/errors.ts';
import { textProblem } from '../http/text.ts';
import { isToldStorageError } from '../store/errors.ts';
import { createPhotoFiles, PHOTO_MAX_BYTES, type PhotoFiles, type Received, type StoredFile } from '../store/photo-files.ts';
import { errorSchema, ticket } from './schemas.ts';
import { ticketOfRequest } from './ticket-of-request.ts';

/** Who attaches photos: the loop's `attach` roles (it decides the rest). */
const UPLOADERS: readonly Role[] = ['admin', 'dispatcher', 'handler', 'worker'];
/** Who sees them: whoever reads tickets, except a display (大屏). */
const VIEWERS: readonly Role[] = ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'integration'];
const KINDS = ['before', 'after'] as const;
type Kind = (typeof KINDS)[number];
const FIELDS = ['kind', 'note'];
const NOTE_MAX = 1000;
const CACHE = 'private, max-age=31536000, immutable';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^T\\d{10}$' } } } as const;
const hashParams = { type: 'object', required: ['hash'], properties: { hash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the photo, lowercase hex' } } } as const;
const photoRef = {
  type: 'object',
  properties: { hash: { type: 'string' }, kind: { type: 'string', enum: KINDS }, url: { type: 'string' }, thumbUrl: { type: 'string' } },
} as const;

/** A refusal while reading the form: its status and message. */
class Refusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** @fastify/multipart's and busboy's errors, in words that name the field. */
function formError(e: unknown): unknown {
  if (e instanceof Refusal || isToldStorageError(e)) return e;
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE': return new Refusal(413, `file: larger than ${PHOTO_MAX_BYTES / 2 ** 20} MB`);
    case 'FST_FILES_LIMIT': return new Refusal(400, 'file: one file per upload');
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT': return new Refusal(413, 'body: too many parts (kind, note and one file)');
    case 'FST_PROTO_VIOLATION': return new Refusal(400, 'body: a part is named like a prototype key');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE': return new Refusal(415, 'content-type: send multipart/form-data');
    case 'FST_INVALID_JSON_FIELD_ERROR': return new Refusal(400, 'body: a field declared as JSON is not JSON');
  }
  const message = (e as { message?: unknown })?.message;
  // busboy: "Unexpected end of form", "Malformed part header", "Multipart: Boundary not found"…
  if (typeof message === 'string' && /multipart|unexpected end|malformed|boundary|part terminated|premature/i.test(message)) {
    return new Refusal(400, 'body: not well-formed multipart/form-data');
  }
  return e;
}

interface Form {
  kind: Kind;
  note?: string;
  file: Received;
}

/** Reads the form: its fields and its one file (into a temp file). On a refusal the temp
 * file is already gone. */
async function readForm(req: FastifyRequest, files: PhotoFiles): Promise<Form> {
  const fields: Record<string, string> = {};
  let file: Received | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw new Refusal(400, `body/${part.fieldname.slice(0, 64)} is not allowed: the photo goes in the field file`);
        }
        if (file) {
          part.file.resume();
          throw new Refusal(400, 'file: one file per upload');
        }
        file = await files.receive(part.file);
        if (part.file.truncated) throw new Refusal(413, `file: larger than ${PHOTO_MAX_BYTES / 2 ** 20} MB`);
      } else {
        const name = part.fieldname;
        if (!FIELDS.includes(name)) throw new Refusal(400, `body/${name.slice(0, 64)} is not allowed`);
        if (name in fields) throw new Refusal(400, `body/${name} must be given once`);
        if (part.valueTruncated) throw new Refusal(400, `body/${name} is too long`);
        fields[name] = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
      }
    }
    if (fields.kind === undefined) throw new Refusal(400, 'body/kind is required (before or after)');
    if (!(KINDS as readonly string[]).includes(fields.kind)) throw new Refusal(400, 'body/kind must be before or after');
    if (fields.note !== undefined) {
      if (fields.note.length < 1 || fields.note.length > NOTE_MAX) throw new Refusal(400, `body/note must be 1 to ${NOTE_MAX} characters`);
      const problem = textProblem(fields.note);
      if (problem) throw new Refusal(400, `body/note ${problem}`);
    }
    if (!file) throw new Refusal(400, 'body/file is required: one JPEG, PNG or WebP photo');
    return { kind: fields.kind as Kind, note: fields.note, file };
  } catch (e) {
    if (file) await files.discard(file);
    throw formError(e);
  }
}

export const photoRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { net, store, rates, photosDir, photosNode } = deps;
  const loop = loopService(deps);
  const files = photosDir ? createPhotoFiles(photosDir, photosNode) : null;
  if (files) await files.sweep();
  // Only in this plugin's context: every other route takes JSON only.
  await app.register(multipart, {
    limits: { fileSize: PHOTO_MAX_BYTES, files: 1, fields: 5, parts: 6, fieldSize: 4 * NOTE_MAX, fieldNameSize: 64, headerPairs: 20 },
  });

  const namedTicket = ticketOfRequest(store);
  /** The loop's own decision, asked before the upload is read: a refused caller's file
   * is never written or decoded. The same context the loop service gives it. */
  const decide = (r: TicketRecord, a: Action, p: Principal) => {
    const ctx: Context = {
      actor: p, now: deps.now(),
      item: (code) => deps.catalogue.byCode.get(code),
      workingMsBetween: deps.clock.workingMsBetween,
      addWorkingMs: deps.clock.addWorkingMs,
      department: (code) => deps.departments.byCode.get(code),
    };
    return act(r, a, ctx);
  };

  app.post<{ Params: { id: string } }>('/api/tickets/:id/photos', {
    bodyLimit: 8 * 1024, // for anything that is not multipart; the form has its own limits
    config: {
      access: { roles: UPLOADERS, area: async (req) => (await namedTicket(req))?.gridCode },
      rateLimit: { max: rates.writesPerMinute, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => req.principal ? `${req.principal.kind}:${req.principal.id}` : req.ip },
    },
    schema: {
      summary: 'Attach a photo to a ticket (上传照片): multipart/form-data with kind (before|after), note? and one file (JPEG, PNG or WebP by its bytes, ≤ 8 MB)',
      consumes: ['multipart/form-data'],
      params: idParams,
      response: {
        201: { type: 'object', properties: { ticket, photo: photoRef } },
        400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 413: errorSchema, 415: errorSchema, 503: errorSchema, 507: errorSchema,
      },
    },
  }, async (req, reply) => {
    if (!files) return sendError(reply, 503, 'photos: this server keeps no photos (no photo directory)');
    const r = await namedTicket(req);
    if (!r) return sendError(reply, 404, `id: no ticket ${req.params.id}`);
    const p = req.principal!;
    const asked = decide(r, { action: 'attach', kind: 'before', photo: '0'.repeat(64) }, p);
    if (!asked.ok) return sendError(reply, asked.status, asked.message);
    if (!req.isMultipart()) return sendError(reply, 415, 'content-type: send multipart/form-data with the fields kind and file');

    let form: Form;
    try {
      form = await readForm(req, files);
    } catch (e) {
      if (e instanceof Refusal) return sendError(reply, e.status, e.message);
      throw e;
    }
    const { kind, note, file } = form;
    const release = files.hold(file.hash);
    const referenced = async () => (await store.ticketsWithPhoto(file.hash)).length > 0;
    /** Everything with the upload held; the answer goes out after the temp file is gone. */
    const attach = async (): Promise<{ status: number; message: string } | { status: 201; body: object }> => {
      const seen = await files.inspect(file);
      if ('problem' in seen) return { status: 415, message: `file: ${seen.problem}` };
      try {
        await files.keep(file, seen.format, seen.thumb);
      } catch (e) {
        await files.removeUnreferenced(file.hash, referenced).catch(() => false);
        throw e;
      }
      const action: Action = { action: 'attach', kind, photo: file.hash, ...(note ? { note } : {}) };
      let current = r;
      let done: Awaited<ReturnType<typeof loop.apply>>;
      try {
        // An attach adds to what is there: a ticket moved meanwhile is read again, not a 409.
        for (let tries = 1; ; tries++) {
          done = await loop.apply(current, action, p);
          if (done.ok || done.status !== 409 || !done.message.startsWith('version:') || tries === 3) break;
          const fresh = await store.get(r.seq);
          if (!fresh) break;
          current = fresh;
        }
      } catch (e) {
        await files.removeUnreferenced(file.hash, referenced).catch(() => false);
        throw e;
      }
      if (!done.ok) {
        await files.removeUnreferenced(file.hash, referenced);
        return { status: done.status, message: done.message };
      }
      const after = done.ticket;
      req.audit = {
        target: presentTicket(net, r).id,
        before: { status: current.status, version: current.version, photos: current.photos },
        after: { action: 'attach', kind, photo: file.hash, bytes: file.bytes, format: seen.format, version: after.version, photos: after.photos },
      };
      const url = `/api/photos/${file.hash}`;
      return { status: 201, body: { ticket: loop.view(after, p), photo: { hash: file.hash, kind, url, thumbUrl: `${url}/thumb` } } };
    };
    let out: Awaited<ReturnType<typeof attach>>;
    try {
      out = await attach();
    } finally {
      release();
      await files.discard(file);
    }
    return 'body' in out ? reply.code(201).send(out.body) : sendError(reply, out.status, out.message);
  });

  // ── Reading ─────────────────────────────────────────────────────────────────────────
  /** The ticket a photo is read through: of those with it, one the caller may read. */
  const through = new WeakMap<FastifyRequest, TicketRecord | null>();
  async function ticketOf(req: FastifyRequest): Promise<TicketRecord | null> {
    if (through.has(req)) return through.get(req)!;
    const p = req.principal;
    const seqs = await store.ticketsWithPhoto((req.params as { hash: string }).hash);
    const records = (await Promise.all(seqs.map((s) => store.get(s)))).filter((x): x is TicketRecord => !!x);
    const mayRead = (t: TicketRecord) => !!p && inScope(p, t.gridCode) && (p.role !== 'handler' || t.department === p.department);
    const pick = records.find(mayRead) ?? records.find((t) => p && inScope(p, t.gridCode)) ?? records[0] ?? null;
    through.set(req, pick);
    return pick;
  }

  async function serve(req: FastifyRequest<{ Params: { hash: string } }>, reply: FastifyReply, thumb: boolean) {
    const { hash } = req.params;
    const t = await ticketOf(req);
    if (!t) return sendError(reply, 404, `hash: no photo ${hash} on any ticket`);
    const p = req.principal!;
    if (p.role === 'handler' && t.department !== p.department) return sendError(reply, 403, `hash: the photo's ticket is not dispatched to your department`);
    const f: StoredFile | null = files && (thumb ? await files.thumb(hash) : await files.original(hash));
    if (!f) return sendError(reply, 404, `hash: the ${thumb ? 'thumbnail' : 'file'} of ${hash} is not stored`);
    const etag = `"${hash}"`;
    reply.header('cache-control', CACHE).header('etag', etag);
    const match = req.headers['if-none-match'];
    if (match && match.split(',').some((m) => m.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
    return reply.type(f.type).header('content-length', f.size).send(createReadStream(f.path));
  }

  const readRule = { roles: VIEWERS, area: async (req: FastifyRequest) => (await ticketOf(req))?.gridCode };
  app.get<{ Params: { hash: string } }>('/api/photos/:hash', {
    config: { access: readRule },
    schema: {
      summary: "A ticket's photo as uploaded (the evidence, metadata kept): to whoever may read a ticket that has it; never to a display",
      params: hashParams,
      response: { 403: errorSchema, 404: errorSchema },
    },
  }, (req, reply) => serve(req, reply, false));
  app.get<{ Params: { hash: string } }>('/api/photos/:hash/thumb', {
    config: { access: readRule },
    schema: {
      summary: "A ticket's photo as a thumbnail (WebP, at most 320 px, no metadata): the same access as the photo",
      params: hashParams,
      response: { 403: errorSchema, 404: errorSchema },
    },
  }, (req, reply) => serve(req, reply, true));
};
