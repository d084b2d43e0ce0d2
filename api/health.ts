import { createRoute } from '@hono/zod-openapi';
import { Health, json } from './schemas.js';
import type { ApiDeps, App } from './types.js';

export function registerHealthRoutes(app: App, deps: ApiDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['health'],
      operationId: 'getHealth',
      summary: 'Liveness and database check',
      responses: { 200: json(Health, 'The database answers'), 503: json(Health, 'The database does not answer') },
    }),
    async (c) => {
      try {
        await deps.core.health();
        return c.json({ status: 'ok' }, 200);
      } catch (e) {
        deps.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'health check: database unavailable');
        return c.json({ status: 'unavailable' }, 503);
      }
    },
  );
}
