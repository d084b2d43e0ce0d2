/**
 * The daily overdue job: one staff report, and an overdue notice to each reader with a linked
 * Telegram account.
 *
 * Decisions:
 * - Readers get the overdue notice ONCE per loan (dedup `overdue:<borrowing_id>`), on the first
 *   run after the due date — "at most one reminder per loan per kind". The staff report repeats
 *   daily, so librarians keep chasing; readers are not nagged every day.
 * - The staff report is ONE message a day (dedup `overdue-report:<date>`), whatever the number
 *   of overdue loans: the counts, the longest overdue few, and a button onto the paged staff list
 *   (`/admin overdue`). A group takes 20 messages a minute; listing 40,000 loans took hundreds.
 * - Everything reads only active loans past due through the `borrowings_active_due` index
 *   (expected_return_date, id) WHERE actual_return_date IS NULL: returned loans are never read.
 */
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { dateInZone, daysBetween, type Clock } from '../core/clock.js';
import { fineChargeCentsSql, fineCentsSql } from '../core/borrowings.js';
import { enqueue, staffNote, type OverdueLoan } from '../core/notifications.js';
import { createReports, type LoanLine } from '../core/reports.js';
import { activeLoanNoticesInsert } from './reader-notices.js';

export interface JobContext {
  db: DB;
  config: Config;
  logger?: Logger;
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

/**
 * The reader overdue notices as one INSERT … SELECT (exported for query-plan tests). The fine
 * so far is what returning the book today would charge — the core rule, minimum included.
 */
export function readerOverdueNoticesInsert(db: DB, config: Config, today: string, nowMs: number) {
  const mult = config.rules.fineMultiplier;
  const fee = sql.ref<number>('k.daily_fee_cents');
  const days = sql<number>`CAST(julianday(${today}) - julianday(b.expected_return_date) AS INTEGER)`;
  return activeLoanNoticesInsert(db, {
    kind: 'reader.overdue',
    dedupPrefix: 'overdue',
    payload: sql<string>`json_object(
      'borrowing_id', b.id,
      'book_title', k.title,
      'book_author', k.author,
      'expected_return_date', b.expected_return_date,
      'overdue_days', ${days},
      'fine_per_day_cents', ${fineCentsSql(fee, 1, mult)},
      'fine_so_far_cents', ${fineChargeCentsSql(fee, days, mult)}
    )`,
    dueBefore: today,
    nowMs,
  });
}

/** Queues the reader overdue notices; returns how many were new. */
export async function enqueueReaderOverdueNotices(db: DB, config: Config, today: string, nowMs: number): Promise<number> {
  const result = await readerOverdueNoticesInsert(db, config, today, nowMs).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

const reportLine = (l: LoanLine, today: string): OverdueLoan => ({
  borrowing_id: l.borrowing_id,
  reader: l.telegram_username ? `${l.reader} (@${l.telegram_username})` : l.reader,
  book: l.title,
  due: l.expected_return_date,
  days: daysBetween(l.expected_return_date, today),
});

export async function overdueReport(deps: JobContext, clock: Clock): Promise<OverdueSummary> {
  const { db, config } = deps;
  const now = clock.now();
  const today = dateInZone(now, config.rules.timeZone);
  const reports = createReports({ db, config, clock });
  const readerNotices = await enqueueReaderOverdueNotices(db, config, today, now.getTime());
  const counts = await reports.overdueCounts(today);
  let staffMessages = 0;
  const staffChatId = config.telegram.staffChatId;
  if (staffChatId !== undefined) {
    const oldest = counts.loans > 0 ? (await reports.overdueLoans({ limit: REPORT_OLDEST, date: today })).lines : [];
    const payload = { date: today, total: counts.loans, readers: counts.readers, oldest: oldest.map((l) => reportLine(l, today)) };
    staffMessages = await enqueue(db, staffNote(staffChatId, 'staff.overdue_report', payload, `overdue-report:${today}`), now.getTime());
  }
  return { date: today, overdue: counts.loans, readers: counts.readers, readerNotices, staffMessages };
}
