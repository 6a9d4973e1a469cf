// The item catalogue (事项清单): data/catalogue.json, loaded and validated once at start.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { ANY_ROLE } from '../auth/roles.ts';
import { LEVELS, STEPS } from '../domain/catalogue.ts';

export const catalogueRoutes: FastifyPluginAsync<AppDeps> = async (app, { catalogue, staticJson }) => {
  app.get('/api/catalogue', {
    config: { access: { roles: ANY_ROLE } },
    schema: { summary: 'The item catalogue (事项清单): categories, items, levels and timed steps (a reviewed sample)' },
  }, async (req, reply) =>
    // About 300 kB that never changes while the process runs: serialised and compressed once,
    // revalidated by ETag, like the net.
    staticJson.send(req, reply, 'catalogue', 'application/json; charset=utf-8', () => ({
      sample: catalogue.sample,
      source: catalogue.source,
      categories: catalogue.categories,
      levels: LEVELS,
      steps: STEPS,
      items: catalogue.items,
    })));
};
