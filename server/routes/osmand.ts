// `/osmand`: positions exactly as Traccar Client and other OsmAnd trackers send them — GET or
// POST, parameters in the query string or an urlencoded form, or the JSON body of newer
// Traccar Clients (server/domain/osmand.ts reads them as Traccar's own decoder does). The
// answer is 200 with an empty body, as trackers expect; anything else makes them keep the
// fix and send it again, so a fix refused for what it says (no GPS lock) is answered 200
// too, and only a request that is malformed or not the device's own gets a 4xx.
// Device auth (server/auth/sessions.ts `device`): the token an admin issued for this device
// id, in the server URL configured on the phone (`?token=…`, which Traccar Client keeps
// and appends its parameters to) or as `Authorization: Bearer`. There is no input schema:
// the protocol has trackers send parameters we do not use (charge, driverUniqueId,
// odometer…), which are ignored, and the parser checks every one it reads.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import type { AppDeps } from './deps.ts';
import { parseOsmAndJson, parseOsmAndParams, type OsmAndParse } from '../domain/osmand.ts';
import { sendError } from '../http/errors.ts';
import { parseForm } from './open311.ts';

const BODY_LIMIT = 16 * 1024;

export const osmandRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { sessions, patrol, now } = deps;
  await app.register(formbody, { bodyLimit: BODY_LIMIT, parser: parseForm });

  async function handle(req: FastifyRequest, reply: FastifyReply) {
    const query = req.query as Record<string, unknown>;
    const body = req.body;
    const isJson = /^application\/json/i.test(req.headers['content-type'] ?? '');
    const params = { ...(typeof body === 'object' && body !== null && !isJson ? (body as Record<string, unknown>) : {}), ...query };
    const parsed: OsmAndParse = isJson ? parseOsmAndJson(body, now()) : parseOsmAndParams(params, now());
    if (!parsed.ok) return sendError(reply, 400, parsed.message);
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const given = params.token ?? (isJson ? (body as Record<string, unknown>).token : undefined);
    const token = bearer ?? (typeof given === 'string' ? given : Array.isArray(given) ? given[0] : undefined);
    if (typeof token !== 'string' || !token) return sendError(reply, 401, 'token: the device token is required (?token=… in the server URL, or Authorization: Bearer)');
    const a = await sessions.device(parsed.device, token);
    if (!a.principal) return sendError(reply, 401, a.problem ?? 'token: not valid');
    req.principal = a.principal;
    const info = patrol.deviceOf(a.principal);
    const r = await patrol.ingest([{ device: info.id, fix: parsed.fix }], () => ({ info }));
    const refused = r.rejected[0];
    // Refused for what the fix says: a 4xx only when the request itself is broken.
    if (refused && !refused.message.startsWith('valid:')) return sendError(reply, 400, refused.message);
    return reply.code(200).send('');
  }

  // Positions are not audited one by one (the track is their record); refusals are.
  const config = { access: { roles: 'public' as const }, audit: 'failures' as const };
  app.get('/osmand', { config, schema: { summary: 'OsmAnd protocol (Traccar Client): one position as query parameters; 200 with an empty body' } }, handle);
  app.post('/osmand', { config, bodyLimit: BODY_LIMIT, schema: { summary: 'OsmAnd protocol: one position as query or form parameters, or the JSON body of newer Traccar Clients; 200 with an empty body' } }, handle);
};
