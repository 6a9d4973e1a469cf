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

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const validate = ajv.compile(schema as object);
  if (httpPart === 'querystring' || httpPart === 'params') return textValidator(schema as { properties?: Record<string, PropSchema> }, validate);
  return validate;
};
