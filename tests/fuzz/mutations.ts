// Hostile requests for one route, each a valid example (tests/routes.examples.ts) broken
// in one way its declared input refuses: a field of the wrong type or out of range, a
// code that is SQL, text with a control or bidi character, a missing or unknown field,
// a body that is not JSON or too big, the wrong content type, a repeated parameter.
// `field` names what was broken, so the answer's message can be checked for it.
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import type { AccessEntry } from '../../server/auth/access.ts';
import { badParamText, badValue, EDGE, HTML, SQL, typesOf, wrongType, type FieldSchema } from './hostile-values.ts';

export interface Mutation {
  what: string;
  /** The field the message must name, when one field was broken. */
  field?: string;
  req: InjectOptions;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const json = { 'content-type': 'application/json' };

/** Sets an own, enumerable key (also `__proto__`), as JSON.parse would. */
function withKey(o: Record<string, unknown>, k: string, v: unknown) {
  const copy = { ...o };
  Object.defineProperty(copy, k, { value: v, enumerable: true, configurable: true, writable: true });
  return copy;
}

const unknownKey = (known: string[]) => fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'seq', 'createdAt', 'role_', 'isAdmin', 'x'), fc.string({ minLength: 1, maxLength: 12 }))
  .filter((k) => !known.includes(k) && k !== 'api_key');

/** encodeURIComponent that also sends lone surrogates, as the bytes a client could put
 * on the wire (WTF-8: ED A0 80 for U+D800), instead of throwing. */
export function encodeAny(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += c >= 0xd800 && c <= 0xdfff
      ? [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => '%' + b.toString(16).toUpperCase()).join('')
      : encodeURIComponent(ch);
  }
  return out;
}

function splitUrl(url: string): { path: string; query: [string, string][] } {
  const [path, q = ''] = url.split('?');
  return { path, query: [...new URLSearchParams(q)] };
}
const joinUrl = (path: string, query: [string, string][]) => (query.length ? `${path}?${query.map(([k, v]) => `${encodeAny(k)}=${encodeAny(v)}`).join('&')}` : path);

function bodyMutations(route: AccessEntry, example: InjectOptions): fc.Arbitrary<Mutation>[] {
  const schema = route.schema?.body as FieldSchema | undefined;
  if (!schema?.properties) return [];
  const base = (example.payload ?? {}) as Record<string, unknown>;
  const props = schema.properties;
  const keys = Object.keys(props);
  const send = (payload: string, headers: Record<string, string> = json): InjectOptions => ({ ...example, payload, headers: { ...(example.headers as object), ...headers } });
  const out: fc.Arbitrary<Mutation>[] = [
    fc.constantFrom(...keys).chain((k) => badValue(props[k]).map((v) => ({ what: `body ${k} = ${JSON.stringify(v)?.slice(0, 60)}`, field: k, req: send(JSON.stringify({ ...base, [k]: v })) }))),
    unknownKey(keys).chain((k) => fc.jsonValue({ maxDepth: 1 }).map((v) => ({ what: `unknown body field ${k}`, field: k, req: send(JSON.stringify(withKey(base, k, v))) }))),
    wrongType(schema).map((v) => ({ what: `body is ${JSON.stringify(v)?.slice(0, 60)}`, req: send(JSON.stringify(v)) })),
    fc.constantFrom('{', '{"a":}', "{'a':1}", '[1,2', 'undefined', '\u0000', '{"a":1}}', '{"a":1,}', '{"a":1 "b":2}', '"', '{"\ud800":1}', 'NaN')
      .map((raw) => ({ what: `malformed JSON ${JSON.stringify(raw)}`, req: send(raw) })),
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json-patch+json')
      .map((ct) => ({ what: `content-type ${ct}`, req: send(JSON.stringify(base), { 'content-type': ct }) })),
    fc.integer({ min: 1, max: 4096 }).map((extra) => {
      const size = (route.bodyLimit ?? DEFAULT_BODY_LIMIT) + extra;
      return { what: `a body of ${size} bytes`, req: send(JSON.stringify({ ...base, [keys[0]]: 'x'.repeat(size) })) };
    }),
  ];
  // NaN, ±Infinity and overflowing numbers spelled into the JSON text of a number field.
  const numeric = keys.filter((k) => typesOf(props[k]).some((t) => t === 'number' || t === 'integer') && typeof base[k] === 'number');
  if (numeric.length) {
    out.push(fc.tuple(fc.constantFrom(...numeric), fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '0x10', '+1', '.5', '1.', '01'))
      .map(([k, lit]) => ({ what: `body ${k} spelled ${lit}`, req: send(JSON.stringify(base).replace(`"${k}":${JSON.stringify(base[k])}`, `"${k}":${lit}`)) })));
  }
  const required = schema.required ?? [];
  if (required.length) {
    out.push(fc.constantFrom(...required).map((k) => {
      const copy = { ...base };
      delete copy[k];
      return { what: `body without ${k}`, field: k, req: send(JSON.stringify(copy)) };
    }));
  }
  return out;
}

function queryMutations(route: AccessEntry, example: InjectOptions): fc.Arbitrary<Mutation>[] {
  const schema = route.schema?.querystring as FieldSchema | undefined;
  if (!schema?.properties) return [];
  const props = schema.properties;
  const keys = Object.keys(props);
  const { path, query } = splitUrl(example.url as string);
  const at = (q: [string, string][]) => ({ ...example, url: joinUrl(path, q) });
  const out: fc.Arbitrary<Mutation>[] = [
    fc.constantFrom(...keys).chain((k) => badParamText(props[k]).map((v) => ({
      what: `query ${k}=${JSON.stringify(v).slice(0, 60)}`, field: k, req: at([...query.filter(([q]) => q !== k), [k, v]]),
    }))),
    unknownKey(keys).map((k) => ({ what: `unknown query ${k}`, field: k, req: at([...query, [k, '1']]) })),
    fc.constantFrom(...keys).chain((k) => fc.constantFrom(...SQL, ...HTML, ...EDGE, '1').map((v) => ({
      what: `query ${k} given twice`, field: k, req: at([...query, [k, v], [k, v]]),
    }))).filter((m) => !(typesOf(props[m.field!]).includes('array'))),
  ];
  const required = schema.required ?? [];
  if (required.length) out.push(fc.constantFrom(...required).map((k) => ({ what: `query without ${k}`, field: k, req: at(query.filter(([q]) => q !== k)) })));
  return out;
}

function paramMutations(route: AccessEntry, example: InjectOptions): fc.Arbitrary<Mutation>[] {
  const schema = route.schema?.params as FieldSchema | undefined;
  if (!schema?.properties) return [];
  const props = schema.properties;
  const names = Object.keys(props);
  return [fc.constantFrom(...names).chain((name) => badParamText(props[name])
    // An empty segment routes elsewhere (a list, a 404): that is the router's, not input.
    .filter((v) => v !== '')
    .map((v) => {
      const { path, query } = splitUrl(example.url as string);
      // Put the bad value where the route's pattern has :name, keeping the example's others.
      const routeParts = route.url.split('/');
      const parts = path.split('/');
      const i = routeParts.findIndex((p) => p.startsWith(`:${name}`));
      const suffix = routeParts[i].slice(name.length + 1); // ".pbf" in ":y.pbf"
      parts[i] = encodeAny(v) + suffix;
      return { what: `path ${name}=${JSON.stringify(v).slice(0, 60)}`, field: name, req: { ...example, url: joinUrl(parts.join('/'), query) } };
    }))];
}

/** Every way to break this route's input; empty when it takes none. */
export function mutationsOf(route: AccessEntry, example: InjectOptions): fc.Arbitrary<Mutation> | null {
  const all = [...bodyMutations(route, example), ...queryMutations(route, example), ...paramMutations(route, example)];
  return all.length ? fc.oneof(...all) : null;
}

/** Credentials an attacker tries: garbage, a JWT with `alg: none`, one signed with another
 * secret, a well-formed token for no session, cookies and API keys that were never issued. */
export function hostileCredentials(sign: (claims: object) => string): fc.Arbitrary<{ what: string; headers: Record<string, string> }> {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sid: 'x', iat: 1 })}.`;
  const otherSecret = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzaWQiOiJ4IiwiaWF0IjoxfQ.ZmFrZS1zaWduYXR1cmUtYnktYW5vdGhlci1zZWNyZXQ';
  const token = fc.oneof(fc.constantFrom(none, otherSecret, sign({ sid: 'no-such-session' }), sign({ sid: { $ne: null } }), ...SQL), fc.string({ maxLength: 200 }), fc.base64String({ maxLength: 200 }))
    .filter((v) => /^[\t\x20-\x7e]*$/.test(v));
  return fc.oneof(
    token.map((v) => ({ what: `Authorization: Bearer ${v.slice(0, 40)}`, headers: { authorization: `Bearer ${v}` } })),
    token.map((v) => ({ what: `Authorization: ${v.slice(0, 40)}`, headers: { authorization: v } })),
    token.map((v) => ({ what: `cookie ${v.slice(0, 40)}`, headers: { cookie: `one_net_session=${encodeURIComponent(v)}` } })),
    token.map((v) => ({ what: `x-api-key ${v.slice(0, 40)}`, headers: { 'x-api-key': v } })),
  );
}
