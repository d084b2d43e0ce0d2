import { createRoute } from '@hono/zod-openapi';
import {
  BorrowBody,
  BorrowingCreated,
  BorrowingExtended,
  BorrowingListQuery,
  BorrowingPage,
  BorrowingReturned,
  BorrowingSchema,
  bearer,
  conflict,
  E,
  ExtendBody,
  IdParams,
  json,
  jsonBody,
} from './schemas.js';
import type { ApiDeps, App } from './types.js';

const tags = ['borrowings'];

export function registerBorrowingRoutes(app: App, deps: ApiDeps): void {
  const { core, auth } = deps;
  const user = auth.requireUser;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/borrowings',
      tags,
      operationId: 'createBorrowing',
      security: bearer,
      middleware: [user] as const,
      summary: 'Borrow a book: takes a copy and opens a Stripe Checkout Session for the rent',
      description:
        'expected_return_date must be after today and at most MAX_LOAN_DAYS away. 409 when no copy is left, the loan limit is reached ' +
        'or an earlier payment is unpaid (UNPAID). When Stripe cannot be reached the borrowing still stands: session_url is null, session_error says why, ' +
        'and the payment can be renewed.',
      request: { body: jsonBody(BorrowBody) },
      responses: {
        201: json(BorrowingCreated, 'The borrowing with its payment'),
        400: E[400],
        401: E[401],
        404: E[404],
        409: conflict(['NO_COPIES_LEFT', 'LOAN_LIMIT_REACHED', 'UNPAID'], 'The book cannot be borrowed now'),
        413: E[413],
      },
    }),
    async (c) => {
      const { borrowing, session_url, session_error } = await core.borrowings.borrow(c.get('actor'), c.req.valid('json'));
      return c.json({ ...borrowing, session_url, session_error }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/borrowings',
      tags,
      operationId: 'listBorrowings',
      security: bearer,
      middleware: [user] as const,
      summary: "Your borrowings, newest first (staff: everyone's; filter with user_id)",
      request: { query: BorrowingListQuery },
      responses: { 200: json(BorrowingPage, 'A page of borrowings'), 400: E[400], 401: E[401], 403: E[403] },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(
        await core.borrowings.list(c.get('actor'), {
          isActive: q.is_active,
          userId: q.user_id,
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
      path: '/api/borrowings/{id}',
      tags,
      operationId: 'getBorrowing',
      security: bearer,
      middleware: [user] as const,
      summary: 'A borrowing with its book and payments (yours, or any for staff)',
      request: { params: IdParams },
      responses: { 200: json(BorrowingSchema, 'The borrowing'), 400: E[400], 401: E[401], 404: E[404] },
    }),
    async (c) => c.json(await core.borrowings.get(c.get('actor'), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/borrowings/{id}/return',
      tags,
      operationId: 'returnBorrowing',
      security: bearer,
      middleware: [user] as const,
      summary: 'Return a book (the borrower or staff); late → a fine with its own checkout session',
      request: { params: IdParams },
      responses: {
        200: json(BorrowingReturned, 'The returned borrowing and any fine'),
        400: E[400],
        401: E[401],
        404: E[404],
        409: E[409],
      },
    }),
    async (c) => {
      const { borrowing, fine, session_error } = await core.borrowings.returnBook(c.get('actor'), c.req.valid('param').id);
      return c.json({ ...borrowing, fine, session_error }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/borrowings/{id}/extend',
      tags,
      operationId: 'extendBorrowing',
      security: bearer,
      middleware: [user] as const,
      summary: 'Extend a loan (the borrower or staff): a later due date, the extra days charged as a new payment',
      description:
        'Only while the loan is active and not overdue, the reader owes nothing, it was extended fewer than MAX_RENEWALS times and no reader ' +
        'is waiting for the book. The new expected_return_date is after the current one and at most MAX_LOAN_DAYS from today (400 otherwise). ' +
        'The extra days are a new PAYMENT with its own Checkout Session; when Stripe cannot be reached session_url is null, session_error says why, ' +
        'and the payment can be renewed.',
      request: { params: IdParams, body: jsonBody(ExtendBody) },
      responses: {
        200: json(BorrowingExtended, 'The borrowing with its new due date and payments'),
        400: E[400],
        401: E[401],
        404: E[404],
        409: conflict(['HOLDS_WAITING', 'RENEWAL_LIMIT', 'OVERDUE', 'UNPAID', 'NOT_ACTIVE'], 'The loan cannot be extended now'),
        413: E[413],
      },
    }),
    async (c) => {
      const { borrowing, session_url, session_error } = await core.borrowings.extend(
        c.get('actor'),
        c.req.valid('param').id,
        c.req.valid('json'),
      );
      return c.json({ ...borrowing, session_url, session_error }, 200);
    },
  );
}
