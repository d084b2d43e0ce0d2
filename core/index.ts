import type { CoreDeps } from './context.js';
import { createBooks } from './books.js';
import { createUsers } from './users.js';
import { createPayments } from './payments.js';
import { createBorrowings } from './borrowings.js';

/** The library: every rule, used alike by the REST API, the bot and the jobs. */
export function createCore(deps: CoreDeps) {
  const payments = createPayments(deps);
  return {
    deps,
    books: createBooks(deps),
    users: createUsers(deps),
    payments,
    borrowings: createBorrowings(deps, payments),
  };
}

export type Core = ReturnType<typeof createCore>;
export type { Actor, CoreDeps } from './context.js';
export { DomainError, ERROR_STATUS, type ErrorCode } from './errors.js';
