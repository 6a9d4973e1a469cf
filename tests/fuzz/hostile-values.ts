// Values that a field's declared schema refuses, built for the fuzz tests: each arbitrary
// yields only input that must be rejected, so "the answer is a 4xx and nothing changed"
// is a property that can fail. Built from the schema as declared on the route (its type,
// enum, pattern, format, range, length and the text rule), never from the validator that
// judges it.
import fc from 'fast-check';

export interface FieldSchema {
  type?: string | string[];
  properties?: Record<string, FieldSchema>;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: FieldSchema;
  'x-text'?: boolean;
}

export const typesOf = (s: FieldSchema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

/** Injection and markup, as attackers send them: never a code, id, cursor or enum value. */
export const SQL = [
  "' OR '1'='1", "1; DROP TABLE tickets;--", '" OR 1=1 --', "T0000000001' UNION SELECT * FROM accounts--",
  "%' AND 1=0 UNION SELECT password_hash FROM accounts --", "320402' OR 1=1--", '320402;DELETE FROM audit',
];
export const HTML = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg/onload=alert(1)>', 'javascript:alert(1)', '{{constructor.constructor("alert(1)")()}}'];
/** Unicode and number edge cases as text. */
export const EDGE = [
  '\u0000', '\ud800', '\udfff', '\u202e', '\u2066', '\u0085', '\u001b[31m', '\ufeff', '𝕏𝕏𝕏', '', ' ', '..', '../../etc/passwd', '%00', '%2e%2e%2f',
  'NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '0x10', '0b1', '+1', '.5', '1.', '1,5', '١٢', '１２', ' 1', '1 ', 'null', 'undefined', '[]', '{}', 'true',
  '3204020010010010001', '3', '32040', 'T123', 't0000000001', 'T00000000001',
];
/** Characters the text rule (server/http/text.ts) refuses. */
const FORBIDDEN = ['\u0000', '\u0001', '\u0008', '\u000b', '\u001b', '\u007f', '\u0085', '\u009b', '\ud800', '\udbff', '\udc00', '\udfff', '\u061c', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069'];

const attackText = fc.constantFrom(...SQL, ...HTML, ...EDGE);
const grapheme = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 });

/** A JSON type name of a value, as a schema's `type` names it. */
function jsonTypes(v: unknown): string[] {
  if (v === null) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'number'] : ['number'];
  return [typeof v];
}

/** Any JSON value whose type the schema does not allow. */
export function wrongType(s: FieldSchema): fc.Arbitrary<unknown> {
  const allowed = typesOf(s);
  return fc.oneof(
    fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), attackText, fc.string(),
    fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  ).filter((v) => !jsonTypes(v).some((t) => allowed.includes(t)));
}

/** Text that the text rule refuses: a forbidden character somewhere in ordinary text. */
export const forbiddenText = fc.tuple(fc.array(grapheme, { maxLength: 20 }), fc.constantFrom(...FORBIDDEN), fc.nat()).map(([gs, bad, at]) => {
  const i = at % (gs.length + 1); // never mutate a generated value: shrinking reuses it
  return [...gs.slice(0, i), bad, ...gs.slice(i)].join('');
});

/** A string this string schema refuses (for a body, where strings arrive as strings). */
export function badString(s: FieldSchema): fc.Arbitrary<string> {
  const any = fc.oneof(attackText, forbiddenText, fc.string({ unit: 'binary', maxLength: 80 }));
  if (s.enum) return any.filter((v) => !s.enum!.includes(v));
  if (s.pattern) {
    const re = new RegExp(s.pattern, 'u');
    return any.filter((v) => !re.test(v));
  }
  if (s.format === 'date-time') {
    return fc.oneof(
      fc.constantFrom('2026-02-30T00:00:00Z', '2026-11-23T23:59:60Z', '2026-11-23', '2026-11-23 10:00:00', '2026-13-01T00:00:00Z', '+275760-09-13T00:00:01Z', 'tomorrow', ...SQL),
      any.filter((v) => !/^\d{4}-\d\d-\d\dT/.test(v)),
    );
  }
  const tooLong = s.maxLength !== undefined
    ? fc.array(grapheme.filter((g) => [...g].length === 1 && !/[\p{Cc}\p{Cs}]/u.test(g)), { minLength: s.maxLength + 1, maxLength: s.maxLength + 20 }).map((gs) => gs.join(''))
    : forbiddenText;
  const options = [forbiddenText, tooLong];
  if ((s.minLength ?? 0) > 0) options.push(fc.constant(''));
  return fc.oneof(...options);
}

/** A body value this field's schema refuses. */
export function badValue(s: FieldSchema): fc.Arbitrary<unknown> {
  const t = typesOf(s);
  const options: fc.Arbitrary<unknown>[] = [wrongType(s)];
  if (t.includes('string')) options.push(badString(s));
  if (t.includes('number') || t.includes('integer')) {
    if (s.maximum !== undefined) options.push(fc.double({ min: s.maximum, minExcluded: true, max: 1e308, noNaN: true }));
    if (s.minimum !== undefined) options.push(fc.double({ max: s.minimum, maxExcluded: true, min: -1e308, noNaN: true }));
    if (t.includes('integer') && !t.includes('number')) {
      options.push(fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)));
    }
  }
  if (t.includes('array') && s.items) {
    options.push(fc.array(badValue(s.items), { minLength: 1, maxLength: 3 }));
    if (s.maxItems !== undefined) options.push(fc.constant(Array.from({ length: s.maxItems + 1 }, () => 'x')));
  }
  if (t.includes('object') && s.properties) {
    const keys = Object.keys(s.properties);
    options.push(fc.constantFrom(...keys).chain((k) => badValue(s.properties![k]).map((v) => ({ [k]: v }))));
  }
  return fc.oneof(...options);
}

const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Text for a query or path parameter that its schema refuses. */
export function badParamText(s: FieldSchema): fc.Arbitrary<string> {
  const t = typesOf(s);
  if (t.includes('integer') || t.includes('number')) {
    const options: fc.Arbitrary<string>[] = [fc.oneof(attackText, fc.string({ maxLength: 12 })).filter((v) => !DECIMAL.test(v))];
    if (s.maximum !== undefined) options.push(fc.integer({ min: 1, max: 1e9 }).map((d) => String(s.maximum! + d)));
    if (s.minimum !== undefined) options.push(fc.integer({ min: 1, max: 1e9 }).map((d) => String(s.minimum! - d)));
    if (t.includes('integer')) options.push(fc.constantFrom('1.5', '0.1', '1e3', '99999999999999999999'));
    return fc.oneof(...options);
  }
  if (t.includes('boolean')) return fc.oneof(attackText, fc.string()).filter((v) => v !== 'true' && v !== 'false');
  return badString(s);
}
