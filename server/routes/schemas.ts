// JSON Schemas shared by the routes: they validate input and document output (OpenAPI).
import { CATEGORY_CODES, DESCRIPTION_MAX, SOURCE_CODES, STATUS_CODES } from '../domain/ticket.ts';
import { CITY_PREFIX } from '../net/codes.ts';
import { CRS_CODES } from '../geo/datum.ts';

export const areaCode = { type: 'string', pattern: `^${CITY_PREFIX}(\\d{2}|\\d{5}|\\d{8}|\\d{11})$`, description: 'hierarchical area code' } as const;

export const areaRef = {
  type: 'object',
  required: ['code', 'name'],
  properties: { code: { type: 'string' }, name: { type: 'string' }, level: { type: 'string' } },
} as const;

export const lonLat = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 } as const;

export const errorSchema = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' } },
} as const;

export const ticketInput = {
  type: 'object',
  // lon/lat may be left out when a component is named: the report is at the component.
  required: ['category', 'source'],
  additionalProperties: false,
  properties: {
    component: { type: 'string', pattern: '^\\d{16}$', description: 'the city component (部件) it is about, by its 16-digit GB/T 30428.2 code (GET /api/components): while the ticket is open the component shows damaged, or missing if the description says so' },
    lon: { type: 'number', minimum: -180, maximum: 180, description: 'longitude in the datum `crs`' },
    lat: { type: 'number', minimum: -90, maximum: 90, description: 'latitude in the datum `crs`' },
    crs: { type: 'string', enum: CRS_CODES, default: 'wgs84', description: 'the datum of lon/lat: wgs84 (GPS), gcj02 (most Chinese map SDKs), bd09 (Baidu); converted to WGS-84 with gcoord' },
    clientId: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,128}$', description: 'idempotency key, as the Idempotency-Key header' },
    observedAt: { type: 'string', format: 'date-time', description: 'when it was seen on the phone (a report queued in a dead zone and sent later): up to 7 days ago, kept on the report step' },
    category: { type: 'string', enum: CATEGORY_CODES },
    description: { type: 'string', maxLength: DESCRIPTION_MAX, default: '', 'x-text': true, description: 'free text: no control or bidirectional characters, no lone surrogates' },
    source: { type: 'string', enum: SOURCE_CODES },
    reporter: {
      type: 'object', required: ['name', 'phone'], additionalProperties: false,
      description: 'a real-name reporter (personal data: shown in full only to who may see it)',
      properties: { name: { type: 'string', minLength: 1, maxLength: 32, 'x-text': true }, phone: { type: 'string', pattern: '^\\+?[0-9-]{3,20}$' } },
    },
  },
} as const;

export const ticket = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    lon: { type: 'number' },
    lat: { type: 'number' },
    category: { type: 'string' },
    description: { type: 'string' },
    source: { type: 'string' },
    status: { type: 'string', enum: STATUS_CODES },
    version: { type: 'integer' },
    item: { type: ['string', 'null'] },
    level: { type: ['string', 'null'] },
    platform: { type: ['string', 'null'] },
    department: { type: ['string', 'null'] },
    tier: { type: 'string' },
    step: { type: ['string', 'null'] },
    registeredAt: { type: ['string', 'null'] },
    closedAt: { type: ['string', 'null'] },
    light: { type: ['string', 'null'], enum: ['green', 'yellow', 'red', null] },
    deadline: { type: ['string', 'null'] },
    supervised: { type: 'integer' },
    reminded: { type: 'integer' },
    rework: { type: 'integer' },
    escalated: { type: 'integer' },
    extensionPending: { type: 'boolean' },
    selfHandled: { type: 'boolean' },
    onTime: { type: ['boolean', 'null'] },
    satisfaction: { type: ['integer', 'null'] },
    rejectReason: { type: ['string', 'null'] },
    component: { type: 'string', description: 'the city component named by the report' },
    duplicateOf: { type: ['string', 'null'] },
    assignee: { type: ['string', 'null'], description: "the grid worker's device a task was pushed to (派给网格员)" },
    grid: areaRef,
    community: areaRef,
    street: areaRef,
    district: areaRef,
    reporter: { type: 'object', properties: { name: { type: 'string' }, phone: { type: 'string' } } },
  },
} as const;
