/**
 * Which readers get a notice about their loans, and the staff's daily overdue report: decided
 * here, queued through core/notices/outbox; the jobs only schedule these and log the summaries.
 *
 * Due-soon reminders: one per loan (dedup `due-soon:<borrowing_id>`), saying how many readers
 * wait for the book (`holds_waiting`, the book's own counter). Window: today ≤
 * expected_return_date ≤ today + DUE_SOON_DAYS, for loans borrowed before today. A range rather
 * than an exact day, so a day the job did not run (downtime, a changed DUE_SOON_CRON) still
 * reminds late rather than never; loans borrowed today are left out — their reader has just been
 * told the due date.
 *
 * Overdue: readers get the notice ONCE per loan (dedup `overdue:<borrowing_id>`), on the first
 * run after the due date — "at most one reminder per loan per kind"; its fine so far is what
 * returning the book today would charge (core's rule, Stripe's minimum included). The staff
 * report repeats daily, so librarians keep chasing, as ONE message a day (dedup
 * `overdue-report:<date>`) whatever the number of overdue loans: the counts, the longest overdue
 * few, and a button onto the paged staff list. A group takes 20 messages a minute; listing
 * 40,000 loans took hundreds.
 *
 * Everything reads only active loans through the `borrowings_active_due` index
 * (expected_return_date, id) WHERE actual_return_date IS NULL: returned loans are never read.
 * Readers without Telegram get nothing.
 */
import type { Selectable } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../../db/connection.js';
import { daysBetween as daysBetweenSql } from '../../db/dialect-sql.js';
import type { BooksTable, BorrowingsTable } from '../../db/schema.js';
import {
  type Actor,
  addDays,
  type CoreDeps,
  DomainError,
  dateInZone,
  daysBetween,
  fineCents,
  fineCentsSql,
  fineChargeCents,
  fineChargeCentsSql,
  nameWithUsername,
  notFound,
  requireStaff,
} from '../kernel/index.js';
import { activeLoanNoticesInsert, aliasedColumns, enqueue, readerNote, staffNote } from './outbox.js';
import type { OverdueLoan } from './payloads.js';

/**
 * What the staff's daily report reads about overdue loans: core/reports/reports answers it (core/index.ts
 * wires the two), so notices need not know how staff lists are read.
 */
export interface OverdueSource {
  overdueCounts(actor: Actor, date: string): Promise<{ loans: number; readers: number }>;
  overdueLoans(actor: Actor, opts: { limit: number; date: string }): Promise<{ lines: OverdueLine[] }>;
}

/** One overdue loan as the report needs it. */
export interface OverdueLine {
  borrowing_id: number;
  title: string;
  reader: string;
  telegram_username: string | null;
  expected_return_date: string;
}

export interface DueSoonSummary {
  date: string;
  /** Reminders newly queued. */
  reminders: number;
}

export interface OverdueSummary {
  date: string;
  /** Active loans past their due date. */
  overdue: number;
  /** Readers holding them. */
  readers: number;
  /** Reader notices newly queued. */
  readerNotices: number;
  /** Staff messages newly queued: 1, or 0 on a second run the same day or without a staff chat. */
  staffMessages: number;
}

/** How many of the longest overdue loans the staff report lists. */
export const REPORT_OLDEST = 10;

// Columns of the loan (alias b) and its book (alias k) in activeLoanNoticesInsert's SELECT.
const loanCol = aliasedColumns<Selectable<BorrowingsTable>>('b');
const bookCol = aliasedColumns<Selectable<BooksTable>>('k');

/** The due-soon reminders as one INSERT … SELECT (exported for query-plan tests). */
export function dueSoonInsert(db: DB, today: string, until: string, nowMs: number) {
  return activeLoanNoticesInsert(db, {
    kind: 'reader.due_soon',
    dedupPrefix: 'due-soon',
    payload: {
      borrowing_id: loanCol('id'),
      book_title: bookCol('title'),
      book_author: bookCol('author'),
      expected_return_date: loanCol('expected_return_date'),
      days_left: daysBetweenSql(db, today, loanCol('expected_return_date')),
      // Readers queueing for the book (SPEC §11): the reminder says so, since such a loan
      // cannot be extended and others wait for the copy.
      holds_waiting: bookCol('waiting'),
    },
    dueFrom: today,
    dueUntil: until,
    borrowedBefore: today,
    nowMs,
  });
}

/** The reader overdue notices as one INSERT … SELECT (exported for query-plan tests). */
export function readerOverdueNoticesInsert(db: DB, config: Config, today: string, nowMs: number) {
  const mult = config.rules.fineMultiplier;
  const fee = bookCol('daily_fee_cents');
  const days = daysBetweenSql(db, loanCol('expected_return_date'), today);
  return activeLoanNoticesInsert(db, {
    kind: 'reader.overdue',
    dedupPrefix: 'overdue',
    payload: {
      borrowing_id: loanCol('id'),
      book_title: bookCol('title'),
      book_author: bookCol('author'),
      expected_return_date: loanCol('expected_return_date'),
      overdue_days: days,
      fine_per_day_cents: fineCentsSql(db, fee, 1, mult),
      fine_so_far_cents: fineChargeCentsSql(db, fee, days, mult),
    },
    dueBefore: today,
    nowMs,
  });
}

const reportLine = (l: OverdueLine, today: string): OverdueLoan => ({
  borrowing_id: l.borrowing_id,
  reader: nameWithUsername(l.reader, l.telegram_username),
  book: l.title,
  due: l.expected_return_date,
  days: daysBetween(l.expected_return_date, today),
});

export function createNotices({ db, clock, config }: Pick<CoreDeps, 'db' | 'clock' | 'config'>, reports: OverdueSource) {
  /** Queues today's due-soon reminders (staff or the service); the clock is read once. */
  async function dueSoonReminders(actor: Actor): Promise<DueSoonSummary> {
    requireStaff(actor);
    const now = clock.now();
    const today = dateInZone(now, config.rules.timeZone);
    const until = addDays(today, config.rules.dueSoonDays);
    const result = await dueSoonInsert(db, today, until, now.getTime()).executeTakeFirst();
    return { date: today, reminders: Number(result.numInsertedOrUpdatedRows ?? 0) };
  }

  /** Queues the reader overdue notices and the staff's daily report (staff or the service). */
  async function overdueNotices(actor: Actor): Promise<OverdueSummary> {
    requireStaff(actor);
    const now = clock.now();
    const today = dateInZone(now, config.rules.timeZone);
    const inserted = await readerOverdueNoticesInsert(db, config, today, now.getTime()).executeTakeFirst();
    const readerNotices = Number(inserted.numInsertedOrUpdatedRows ?? 0);
    const counts = await reports.overdueCounts(actor, today);
    let staffMessages = 0;
    const staffChatId = config.telegram.staffChatId;
    if (staffChatId !== undefined) {
      const oldest = counts.loans > 0 ? (await reports.overdueLoans(actor, { limit: REPORT_OLDEST, date: today })).lines : [];
      const payload = {
        date: today,
        total: counts.loans,
        readers: counts.readers,
        oldest: oldest.map((l) => reportLine(l, today)),
      };
      staffMessages = await enqueue(
        db,
        staffNote(staffChatId, 'staff.overdue_report', payload, `overdue-report:${today}`),
        now.getTime(),
      );
    }
    return { date: today, overdue: counts.loans, readers: counts.readers, readerNotices, staffMessages };
  }

  /**
   * Staff's "Remind" on a loan: the reader is sent, now, the notice the jobs would send — due
   * soon (or today), or overdue with the fine so far — through the outbox. Once a day per loan
   * (dedup `remind:<id>:<date>`), so a double press is one message. `queued` is false when the
   * reader has no Telegram linked or was reminded today already.
   */
  async function remindNow(
    actor: Actor,
    borrowingId: number,
  ): Promise<{ queued: boolean; kind: 'reader.due_soon' | 'reader.overdue'; reason?: 'no_telegram' | 'already_today' }> {
    requireStaff(actor);
    const now = clock.now();
    const today = dateInZone(now, config.rules.timeZone);
    const loan = await db
      .selectFrom('borrowings')
      .innerJoin('books', 'books.id', 'borrowings.book_id')
      .innerJoin('users', 'users.id', 'borrowings.user_id')
      .select([
        'borrowings.id',
        'borrowings.expected_return_date',
        'borrowings.actual_return_date',
        'books.title',
        'books.author',
        'books.daily_fee_cents',
        'users.telegram_user_id',
        'users.language',
      ])
      .where('borrowings.id', '=', borrowingId)
      .executeTakeFirst();
    if (!loan) throw notFound('Borrowing');
    if (loan.actual_return_date !== null)
      throw new DomainError('ALREADY_RETURNED', `This book was already returned on ${loan.actual_return_date}`);
    const late = daysBetween(loan.expected_return_date, today);
    const common = {
      borrowing_id: loan.id,
      book_title: loan.title,
      book_author: loan.author,
      expected_return_date: loan.expected_return_date,
    };
    const kind = late > 0 ? ('reader.overdue' as const) : ('reader.due_soon' as const);
    if (loan.telegram_user_id === null) return { queued: false, kind, reason: 'no_telegram' };
    const dedupKey = `remind:${loan.id}:${today}`;
    const notes =
      late > 0
        ? readerNote(
            loan,
            'reader.overdue',
            {
              ...common,
              overdue_days: late,
              fine_per_day_cents: fineCents(loan.daily_fee_cents, 1, config.rules.fineMultiplier),
              fine_so_far_cents: fineChargeCents(loan.daily_fee_cents, late, config.rules.fineMultiplier),
            },
            dedupKey,
          )
        : readerNote(loan, 'reader.due_soon', { ...common, days_left: -late }, dedupKey);
    const queued = await enqueue(db, notes, now.getTime());
    return queued > 0 ? { queued: true, kind } : { queued: false, kind, reason: 'already_today' };
  }

  return { dueSoonReminders, overdueNotices, remindNow };
}
