import { ping } from '../db/health.js';
import type { CoreDeps } from './context.js';
import { createBooks } from './books.js';
import { createUsers } from './users.js';
import { createTelegramLinks } from './telegram-link.js';
import { createSessions } from './sessions.js';
import { createSandboxLibrarian } from './sandbox-librarian.js';
import { createPayments } from './payments.js';
import { createBorrowings } from './borrowings.js';
import { createHolds } from './holds.js';
import { createReports } from './reports.js';
import { createNotices } from './notices.js';
import { createDemo } from './demo.js';

/**
 * The library: every rule, used alike by the REST API, the bot, the jobs and the CLI. Each use
 * case that writes, or reads beyond the caller's own records, takes the Actor and checks it.
 */
export function createCore(deps: CoreDeps) {
  const { internal: paymentStore, ...payments } = createPayments(deps);
  const books = createBooks(deps);
  const reports = createReports(deps);
  return {
    deps,
    books,
    // Accounts, sessions, linking Telegram to an account, the sandbox librarian's rights.
    users: { ...createUsers(deps), ...createSessions(deps), ...createTelegramLinks(deps), ...createSandboxLibrarian(deps) },
    payments,
    // Borrowing and returning change inventory: cached catalogue reads are dropped.
    borrowings: createBorrowings(deps, paymentStore, books.invalidate),
    // Queues for books that are out (SPEC §11); a hold changes a book's counts: cached reads dropped.
    holds: createHolds(deps, books.invalidate),
    // Staff views: active/overdue loans, a reader's loans, today's numbers.
    reports,
    // Due-soon and overdue notices, the staff's daily overdue report (what the jobs run).
    notices: createNotices(deps, reports),
    // The demo catalogue and staff account of `npm run seed` and the sandbox.
    demo: createDemo(deps, books),
    /** Resolves when the database answers (GET /health); no records are read. */
    health: () => ping(deps.db),
  };
}

export type Core = ReturnType<typeof createCore>;
export { SYSTEM_ACTOR, type Actor, type CoreDeps, type SystemActor, type UserActor } from './context.js';
export { DomainError, type ErrorCode } from './errors.js';
