// The test-signal clip the project ships (data/video/test-signal, made by
// scripts/make-test-signal.ts): what every demo camera plays until a deployment points
// CAMERA_HLS_URL at its video gateway. Public, like the wall's own files: it shows no one.
import type { FastifyPluginAsync } from 'fastify';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppDeps } from './deps.ts';
import { sendError } from '../http/errors.ts';

export const TEST_SIGNAL_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../data/video/test-signal');
const TYPES: Record<string, string> = { m3u8: 'application/vnd.apple.mpegurl', ts: 'video/mp2t' };

export const videoRoutes: FastifyPluginAsync<AppDeps> = async (app) => {
  app.get<{ Params: { file: string } }>('/video/test-signal/:file', {
    config: { access: { roles: 'public' } },
    schema: {
      summary: 'The shipped test-signal clip as HLS (a playlist and its MPEG-TS segments): the demo cameras\' video',
      params: { type: 'object', required: ['file'], properties: { file: { type: 'string', pattern: '^(index\\.m3u8|seg\\d{1,3}\\.ts)$' } } },
    },
  }, async (req, reply) => {
    const { file } = req.params;
    let body: Buffer;
    try {
      body = await readFile(join(TEST_SIGNAL_DIR, file));
    } catch {
      return sendError(reply, 404, `file: no ${file} in the test signal`);
    }
    return reply.type(TYPES[file.slice(file.lastIndexOf('.') + 1)]).header('cache-control', 'public, max-age=3600').send(body);
  });
};
