// JSON request bodies, parsed with secure-json-parse (what Fastify uses) but answered in
// words a client can act on: Fastify's own parser says "Body is not valid JSON" for a
// `__proto__` key too. A key that could poison prototypes is refused, never stripped.
import sjson from 'secure-json-parse';
import type { FastifyInstance } from 'fastify';

const badRequest = (message: string) => Object.assign(new Error(message), { statusCode: 400 });

export function parseJson(body: string): unknown {
  if (body.trim() === '') throw badRequest('body: empty, but the content-type is application/json');
  try {
    return sjson.parse(body, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (e) {
    const m = (e as Error).message;
    if (/prototype/i.test(m)) throw badRequest('body: a "__proto__" or "constructor.prototype" key is not accepted');
    throw badRequest(`body: not valid JSON (${m.slice(0, 200)})`);
  }
}

/** Replaces Fastify's JSON parser; route body limits still apply (the body is read first). */
export function installJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJson(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}
