import type { CoreDeps } from './context.js';
import { createBooks } from './books.js';
import { createUsers } from './users.js';
import { createTelegramLinks } from './telegram-link.js';
import { createPayments } from './payments.js';
import { createBorrowings } from './borrowings.js';
import { createReports } from './reports.js';

/** The library: every rule, used alike by the REST API, the bot and the jobs. */
export function createCore(deps: CoreDeps) {
  const payments = createPayments(deps);
  const books = createBooks(deps);
  return {
    deps,
    books,
    // Accounts, sessions, and linking Telegram to an account.
    users: { ...createUsers(deps), ...createTelegramLinks(deps) },
    payments,
    // Borrowing and returning change inventory: cached catalogue reads are dropped.
    borrowings: createBorrowings(deps, payments, books.invalidate),
    // Staff views: active/overdue loans, a reader's loans, today's numbers.
    reports: createReports(deps),
  };
}

export type Core = ReturnType<typeof createCore>;
export type { Actor, CoreDeps } from './context.js';
export { DomainError, ERROR_STATUS, type ErrorCode } from './errors.js';
