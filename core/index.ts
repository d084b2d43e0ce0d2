import { ping } from '../db/health.js';
import { createSandboxLibrarian, createSessions, createTelegramLinks, createUsers } from './accounts/index.js';
import { createBooks } from './catalogue/index.js';
import { createDemo } from './demo/index.js';
import { createHolds } from './holds/index.js';
import type { CoreDeps } from './kernel/index.js';
import { createBorrowings } from './lending/index.js';
import { createNotices } from './notices/index.js';
import { createPayments, type PaymentGateway } from './payments/index.js';
import { createReports } from './reports/index.js';

/**
 * The library: every rule, used alike by the REST API, the bot, the jobs and the CLI. Each use
 * case that writes, or reads beyond the caller's own records, takes the Actor and checks it.
 */
export function createCore(deps: CoreDeps & { gateway: PaymentGateway }) {
  const { internal: paymentStore, ...payments } = createPayments(deps);
  const books = createBooks(deps);
  const reports = createReports(deps);
  return {
    /**
     * The rules' numbers and the library's time zone (config.ts), as doors tell people about them:
     * the limits a door shows are the ones core holds (docs/rules.md).
     */
    rules: Object.freeze({ ...deps.config.rules }),
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
export {
  type Actor,
  type CoreDeps,
  DomainError,
  type ErrorCode,
  SYSTEM_ACTOR,
  type SystemActor,
  type UserActor,
} from './kernel/index.js';
