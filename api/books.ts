import { createRoute } from '@hono/zod-openapi';
import type { Context, TypedResponse } from 'hono';
import { BookBody, BookListQuery, BookPage, BookPatchBody, BookSchema, bearer, E, IdParams, json, jsonBody } from './schemas.js';
import type { ApiDeps, App } from './types.js';

const tags = ['books'];

// A catalogue answer core's read cache hands out again (the same object, while the change token
// says nothing was committed) is serialized once: its JSON text is kept beside the object, and
// goes when the cache lets the object go. An answer read afresh is a new object, serialized anew.
const serialized = new WeakMap<object, string>();
function cachedJson<T extends object, C extends Context>(c: C, value: T) {
  let text = serialized.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    serialized.set(value, text);
  }
  // The same bytes and headers c.json(value, 200) would send, typed as its answer.
  return c.body(text, 200, { 'content-type': 'application/json' }) as unknown as TypedResponse<T, 200, 'json'>;
}

export function registerBookRoutes(app: App, deps: ApiDeps): void {
  const { core, auth } = deps;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/books',
      tags,
      operationId: 'listBooks',
      summary: 'The catalogue, by title then id; search matches title, author and isbn',
      request: { query: BookListQuery },
      responses: { 200: json(BookPage, 'A page of books'), 400: E[400], 429: E[429], 503: E[503] },
    }),
    async (c) => {
      const q = c.req.valid('query');
      // A search the catalogue cache cannot answer counts against the client's address.
      const page = await core.books.list(
        { search: q.search, cursor: q.cursor, limit: q.limit },
        { beforeSearch: () => deps.throttle.search(c) },
      );
      return cachedJson(c, page);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/books',
      tags,
      operationId: 'createBook',
      summary: 'Add a book (staff)',
      security: bearer,
      middleware: [auth.requireUser, auth.requireStaff],
      request: { body: jsonBody(BookBody) },
      responses: { 201: json(BookSchema, 'The new book'), 400: E[400], 401: E[401], 403: E[403], 409: E[409], 413: E[413] },
    }),
    async (c) => c.json(await core.books.create(c.get('actor'), c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/books/{id}',
      tags,
      operationId: 'getBook',
      summary: 'A book',
      request: { params: IdParams },
      responses: { 200: json(BookSchema, 'The book'), 400: E[400], 404: E[404] },
    }),
    async (c) => cachedJson(c, await core.books.get(c.req.valid('param').id)),
  );

  for (const method of ['put', 'patch'] as const) {
    app.openapi(
      createRoute({
        method,
        path: '/api/books/{id}',
        tags,
        operationId: method === 'put' ? 'replaceBook' : 'updateBook',
        security: bearer,
        middleware: [auth.requireUser, auth.requireStaff],
        summary:
          method === 'put'
            ? 'Replace a book (staff); a missing isbn clears it'
            : 'Change some fields of a book, e.g. inventory (staff)',
        request: { params: IdParams, body: jsonBody(method === 'put' ? BookBody : BookPatchBody) },
        responses: {
          200: json(BookSchema, 'The updated book'),
          400: E[400],
          401: E[401],
          403: E[403],
          404: E[404],
          409: E[409],
          413: E[413],
        },
      }),
      async (c) =>
        c.json(await core.books.update(c.get('actor'), c.req.valid('param').id, c.req.valid('json'), method === 'patch'), 200),
    );
  }

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/books/{id}',
      tags,
      operationId: 'deleteBook',
      summary: 'Remove a book (staff); 409 while any copy is on loan',
      security: bearer,
      middleware: [auth.requireUser, auth.requireStaff],
      request: { params: IdParams },
      responses: { 204: { description: 'Removed' }, 400: E[400], 401: E[401], 403: E[403], 404: E[404], 409: E[409] },
    }),
    async (c) => {
      await core.books.remove(c.get('actor'), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
}
