// The JSON Schemas and shapes of Open311 GeoReport v2 (server/routes/open311.ts): what its
// routes take and answer, each input closed and every string constrained.
import { CITY_CODE } from '../net/codes.ts';
import { DESCRIPTION_MAX } from '../domain/ticket.ts';
import { LEVEL_CODES, type Level } from '../domain/catalogue.ts';
import { CHOICE_MAX } from '../domain/open311.ts';

export const serviceCode = { type: 'string', pattern: '^[A-Z]{2}-[0-9]{2}-[0-9]{3}$', description: 'a catalogue item code (事项编码)' } as const;
export const jurisdiction = { type: 'string', enum: [CITY_CODE], description: `optional; this endpoint serves one jurisdiction, the city (${CITY_CODE})` } as const;
export const levelValue = { type: 'string', enum: LEVEL_CODES, description: 'information level (信息等级): general 一般, major 较大, serious 重大' } as const;
export const ticketIdPattern = 'T[0-9]{10}';

export const postBody = {
  type: 'object',
  additionalProperties: false,
  required: ['service_code'],
  properties: {
    api_key: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$', description: 'the integration API key (also the x-api-key header or the api_key query parameter); read from the body only when the request carries no other credential' },
    jurisdiction_id: jurisdiction,
    service_code: serviceCode,
    lat: { type: 'number', minimum: -90, maximum: 90, description: 'WGS-84 latitude (a decimal in a form body)' },
    long: { type: 'number', minimum: -180, maximum: 180, description: 'WGS-84 longitude (a decimal in a form body)' },
    address_string: { type: 'string', minLength: 2, maxLength: 200, 'x-text': true, description: 'when no lat/long: located at the label point of the most specific district, street or community it names' },
    description: { type: 'string', maxLength: DESCRIPTION_MAX - CHOICE_MAX, 'x-text': true },
    first_name: { type: 'string', maxLength: 32, 'x-text': true, description: '名 (personal data: kept with the phone as the reporter, never served by GeoReport)' },
    last_name: { type: 'string', maxLength: 32, 'x-text': true, description: '姓 (personal data, as first_name)' },
    phone: { type: 'string', pattern: '^(?:\\+?[0-9 ()./-]{3,30})?$', description: 'personal data: kept (spaces, brackets and dots removed) as the reporter, for a call back' },
    email: { type: 'string', format: 'email', maxLength: 254, description: 'accepted, not kept: a reporter is a name and a phone' },
    media_url: { type: 'string', maxLength: 300, pattern: '^https?://[!-~]+$', description: "a photo's URL, shown to the dispatcher and served back as media_url" },
    device_id: { type: 'string', pattern: '^[!-~]{1,128}$', description: 'accepted, not kept' },
    account_id: { type: 'string', pattern: '^[!-~]{1,128}$', description: 'accepted, not kept (requests are not tied to accounts: account_id is answered null)' },
    'attribute[level]': levelValue,
    attribute: { type: 'object', additionalProperties: false, properties: { level: levelValue }, description: 'the same attributes as a JSON object' },
  },
} as const;

export interface PostBody {
  api_key?: string;
  jurisdiction_id?: string;
  service_code: string;
  lat?: number;
  long?: number;
  address_string?: string;
  description?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  email?: string;
  media_url?: string;
  device_id?: string;
  account_id?: string;
  'attribute[level]'?: Level;
  attribute?: { level?: Level };
}

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    jurisdiction_id: jurisdiction,
    service_request_id: { type: 'string', pattern: `^${ticketIdPattern}(?:,${ticketIdPattern}){0,99}$`, description: 'up to 100 ids, comma-delimited; overrides every other filter' },
    service_code: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{2}-[0-9]{3}(?:,[A-Z]{2}-[0-9]{2}-[0-9]{3}){0,19}$', description: 'up to 20 service codes, comma-delimited' },
    start_date: { type: 'string', format: 'date-time', description: 'requested at or after (ISO 8601 with a zone)' },
    end_date: { type: 'string', format: 'date-time', description: 'requested at or before; at most 90 days after start_date' },
    status: { type: 'string', pattern: '^(?:open|closed)(?:,(?:open|closed))?$', description: 'open, closed or both, comma-delimited' },
  },
} as const;

export interface ListQuery {
  jurisdiction_id?: string;
  service_request_id?: string;
  service_code?: string;
  start_date?: string;
  end_date?: string;
  status?: string;
}

export const jurisdictionQuery = { type: 'object', additionalProperties: false, properties: { jurisdiction_id: jurisdiction } } as const;

export const serviceSchema = {
  type: 'object',
  properties: {
    service_code: { type: 'string' }, service_name: { type: 'string' }, description: { type: 'string' }, metadata: { type: 'boolean' },
    type: { type: 'string' }, keywords: { type: 'string' }, group: { type: 'string' },
  },
} as const;

export const definitionSchema = {
  type: 'object',
  properties: {
    service_code: { type: 'string' },
    attributes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          variable: { type: 'boolean' }, code: { type: 'string' }, datatype: { type: 'string' }, required: { type: 'boolean' },
          datatype_description: { type: ['string', 'null'] }, order: { type: 'integer' }, description: { type: 'string' },
          values: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, name: { type: 'string' } } } },
        },
      },
    },
  },
} as const;

/** A request as served: no reporter, no phone, no e-mail, ever (the schema drops anything else). */
export const requestSchema = {
  type: 'object',
  properties: {
    service_request_id: { type: 'string' },
    status: { type: 'string', enum: ['open', 'closed'] },
    status_notes: { type: 'string' },
    service_name: { type: ['string', 'null'] },
    service_code: { type: ['string', 'null'] },
    description: { type: 'string' },
    agency_responsible: { type: ['string', 'null'] },
    service_notice: { type: ['string', 'null'] },
    requested_datetime: { type: 'string', format: 'date-time' },
    updated_datetime: { type: 'string', format: 'date-time' },
    expected_datetime: { type: ['string', 'null'] },
    address: { type: 'string' },
    lat: { type: 'number' },
    long: { type: 'number' },
    media_url: { type: 'string' },
  },
} as const;

export const postAnswer = {
  type: 'array',
  items: { type: 'object', properties: { service_request_id: { type: 'string' }, service_notice: { type: 'string' }, account_id: { type: 'null' } } },
} as const;

export const IDEMPOTENCY_KEY = { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,128}$', description: 'a key the client makes per report: a retry with it stores nothing new' } as const;

// ---- the plugin ----------------------------------------------------------------------
