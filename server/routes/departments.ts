// Departments (责任部门) and the four platforms: data/departments.json.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { ANY_ROLE } from '../auth/roles.ts';

export const departmentRoutes: FastifyPluginAsync<AppDeps> = async (app, { departments }) => {
  app.get('/api/departments', {
    config: { access: { roles: ANY_ROLE } },
    schema: { summary: 'Departments and the four platforms (四个平台) they work on' },
  }, async () => ({ platforms: departments.platforms, departments: departments.list }));
};
