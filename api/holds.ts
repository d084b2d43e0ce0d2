import { createRoute } from '@hono/zod-openapi';
import { bearer, conflict, E, HoldBody, HoldListQuery, HoldPage, HoldSchema, IdParams, json, jsonBody } from './schemas.js';
import type { ApiDeps, App } from './types.js';

const tags = ['holds'];

export function registerHoldRoutes(app: App, deps: ApiDeps): void {
  const { core, auth } = deps;
  const user = auth.requireUser;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/holds',
      tags,
      operationId: 'createHold',
      security: bearer,
      middleware: [user] as const,
      summary: 'Join the queue for a book no copy of which is available now',
      description:
        'First come, first served: when a copy comes back (a return, or staff raising the inventory) it is set aside for the first reader ' +
        'waiting, whose hold becomes READY until ready_until (HOLD_PICKUP_HOURS); borrowing the book then takes that copy.',
      request: { body: jsonBody(HoldBody) },
      responses: {
        201: json(HoldSchema, 'The hold, WAITING, with its place in the queue'),
        400: E[400],
        401: E[401],
        404: E[404],
        409: conflict(
          ['COPY_AVAILABLE', 'ALREADY_HELD', 'ALREADY_BORROWED', 'HOLD_LIMIT'],
          'A copy is available, you already hold or have the book, or you reached MAX_HOLDS',
        ),
        413: E[413],
      },
    }),
    async (c) => c.json(await core.holds.place(c.get('actor'), c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/holds',
      tags,
      operationId: 'listHolds',
      security: bearer,
      middleware: [user] as const,
      summary: "Your holds, newest first (staff: everyone's; filter with user_id, book_id, status)",
      request: { query: HoldListQuery },
      responses: { 200: json(HoldPage, 'A page of holds'), 400: E[400], 401: E[401], 403: E[403] },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(
        await core.holds.list(c.get('actor'), {
          userId: q.user_id,
          bookId: q.book_id,
          status: q.status,
          cursor: q.cursor,
          limit: q.limit,
        }),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/holds/{id}',
      tags,
      operationId: 'getHold',
      security: bearer,
      middleware: [user] as const,
      summary: 'A hold (yours, or any for staff)',
      request: { params: IdParams },
      responses: { 200: json(HoldSchema, 'The hold'), 400: E[400], 401: E[401], 404: E[404] },
    }),
    async (c) => c.json(await core.holds.get(c.get('actor'), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/holds/{id}/cancel',
      tags,
      operationId: 'cancelHold',
      security: bearer,
      middleware: [user] as const,
      summary: "Leave the queue (the reader or staff); a READY hold's copy goes to the next reader at once",
      request: { params: IdParams },
      responses: {
        200: json(HoldSchema, 'The hold, CANCELLED'),
        400: E[400],
        401: E[401],
        404: E[404],
        409: conflict(['NOT_ACTIVE'], 'The hold was already fulfilled, cancelled or expired'),
      },
    }),
    async (c) => c.json(await core.holds.cancel(c.get('actor'), c.req.valid('param').id), 200),
  );
}
