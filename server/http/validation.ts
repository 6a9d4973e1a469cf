// Input is taken only in its declared type. Fastify's default Ajv coerces ("119.95",
// [119.95] and true become numbers, "Infinity" and " " too); here:
// - bodies (JSON) are validated as they are: no coercion, no unwrapping of arrays;
// - query strings and path parameters are text by nature, so a number is parsed
//   strictly first (a plain decimal, finite: not "0x10", " ", "Infinity" or "1e400"),
//   then validated by the same Ajv;
// - `date-time` is RFC 3339 *and* a real instant (no leap second, no 30 February);
// - free text (`'x-text': true`) follows server/http/text.ts.
// Errors go through the app's schemaErrorFormatter, so they name the field.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FastifySchemaCompiler } from 'fastify';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { textProblem } from './text.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(): Ajv {
  const ajv = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  addFormats(ajv);
  const rfc3339 = fullFormats['date-time'] as { validate: (s: string) => boolean };
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => rfc3339.validate(s) && Number.isFinite(Date.parse(s)) });
  ajv.addKeyword({
    keyword: 'x-text',
    type: 'string',
    errors: true,
    validate: function check(this: unknown, enabled: boolean, data: string) {
      const problem = enabled ? textProblem(data) : null;
      (check as { errors?: Partial<ErrorObject>[] }).errors = problem ? [{ keyword: 'x-text', message: problem, params: {} }] : [];
      return !problem;
    },
  });
  return ajv;
}

const ajv = makeAjv();

const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?(?:0|[1-9]\d*)$/;

interface PropSchema {
  type?: string | string[];
}

/** Parses one query/path value by its declared type; a string message when it can't. */
function parseText(raw: unknown, s: PropSchema): { value: unknown } | string {
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (Array.isArray(raw)) return types.includes('array') ? { value: raw } : 'must be given once';
  if (typeof raw !== 'string') return { value: raw };
  if (types.includes('integer')) {
    if (!INTEGER.test(raw)) return 'must be an integer (decimal digits)';
    const n = Number(raw);
    return Number.isSafeInteger(n) ? { value: n } : 'must be an integer in range';
  }
  if (types.includes('number')) {
    if (!DECIMAL.test(raw)) return 'must be a decimal number';
    const n = Number(raw);
    return Number.isFinite(n) ? { value: n } : 'must be a finite number';
  }
  if (types.includes('boolean')) {
    if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
    return 'must be true or false';
  }
  return { value: raw };
}

type Validator = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };

/** A validator for text-borne input (query string, path): strict parse, then Ajv. */
function textValidator(schema: { properties?: Record<string, PropSchema> }, validate: ValidateFunction): Validator {
  const props = schema.properties ?? {};
  const fn: Validator = (data) => {
    if (data && typeof data === 'object') {
      const obj = data as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        const s = props[key];
        if (!s) continue; // additionalProperties is Ajv's to judge
        const r = parseText(obj[key], s);
        if (typeof r === 'string') {
          fn.errors = [{ keyword: 'type', instancePath: '/' + key, schemaPath: `#/properties/${key}`, message: r, params: {} }];
          return false;
        }
        obj[key] = r.value;
      }
    }
    const ok = validate(data);
    fn.errors = ok ? null : (validate.errors as FastifySchemaValidationError[]);
    return ok;
  };
  return fn;
}

/** Query parameters that are credentials, read by server/auth before validation. */
const CREDENTIAL_PARAMS = ['api_key'];

/** Every object a client sends is closed: a body or query schema that would let unknown
 * fields through is refused when the route is registered, so no route can forget it. */
function assertClosed(schema: unknown, where: string): void {
  const s = schema as { type?: string | string[]; properties?: object; additionalProperties?: unknown };
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if ((types.includes('object') || s.properties) && s.additionalProperties !== false) {
    throw new Error(`${where}: an input schema must set additionalProperties: false`);
  }
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart, method, url }) => {
  if (httpPart === 'body' || httpPart === 'querystring') assertClosed(schema, `${method} ${url} ${httpPart}`);
  const validate = ajv.compile(schema as object);
  if (httpPart === 'querystring') {
    const v = textValidator(schema as { properties?: Record<string, PropSchema> }, validate);
    const fn: Validator = (data) => {
      if (data && typeof data === 'object') for (const k of CREDENTIAL_PARAMS) delete (data as Record<string, unknown>)[k];
      const ok = v(data);
      fn.errors = v.errors;
      return ok;
    };
    return fn;
  }
  if (httpPart === 'params') return textValidator(schema as { properties?: Record<string, PropSchema> }, validate);
  return validate;
};

/** A query string's parameters must be valid percent-encoded UTF-8: the parser would
 * otherwise keep the raw text or put U+FFFD in it, and the route would see something
 * other than what was sent. The first bad parameter, as a 400 message, or null. */
export function queryEncodingProblem(url: string): string | null {
  const q = url.indexOf('?');
  if (q < 0) return null;
  for (const part of url.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      let name = key;
      try { name = decodeURIComponent(key); } catch { /* the key itself is broken: name it raw */ }
      return `querystring/${name.slice(0, 100)} is not valid percent-encoded UTF-8`;
    }
  }
  return null;
}
