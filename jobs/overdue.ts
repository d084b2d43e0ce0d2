/**
 * The daily overdue job: one staff report listing every overdue loan, and an overdue notice
 * to each reader with a linked Telegram account.
 *
 * Decisions:
 * - Readers get the overdue notice ONCE per loan (dedup `overdue:<borrowing_id>`), on the first
 *   run after the due date — "at most one reminder per loan per kind". The staff report repeats
 *   daily, so librarians keep chasing; readers are not nagged every day.
 * - The staff report is queued at most once per library day (dedup `overdue-report:<date>` on
 *   its first message, `overdue-report:<date>:<n>` on the next ones), in one transaction, so a
 *   second run the same day queues nothing.
 * - Both read only active loans past due through the `borrowings_active_due` index
 *   (expected_return_date, id) WHERE actual_return_date IS NULL: returned loans are never read.
 */
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { immediateTransaction } from '../db/connection.js';
import { daysBetween, todayIn, type Clock } from '../core/clock.js';
import { createRenderer, type OverdueLoan, type Renderer } from './render.js';
import { displayName } from '../core/users.js';
import { fineChargeCentsSql, fineCentsSql } from '../core/borrowings.js';
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
  /** Reader notices newly queued. */
  readerNotices: number;
  /** Staff messages newly queued (0 on a second run the same day, or without a staff chat). */
  staffMessages: number;
}

/** The staff report is written in this language (staff notes are English, as in core). */
const STAFF_LANGUAGE = 'en';

let sharedRenderer: Renderer | undefined;
const renderer = () => (sharedRenderer ??= createRenderer());

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

/** Active loans past due, oldest due date first (exported for query-plan tests). */
export function overdueLoansQuery(db: DB, today: string) {
  return db
    .selectFrom('borrowings as b')
    .innerJoin('books as k', 'k.id', 'b.book_id')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .select(['b.id', 'b.user_id', 'b.expected_return_date', 'k.title', 'u.first_name', 'u.last_name', 'u.email', 'u.telegram_username'])
    .where('b.actual_return_date', 'is', null)
    .where('b.expected_return_date', '<', today)
    .orderBy('b.expected_return_date')
    .orderBy('b.id');
}

/** Every active loan past due, oldest due date first (one indexed scan, no returned loans). */
export async function listOverdueLoans(db: DB, today: string): Promise<OverdueLoan[]> {
  const rows = await overdueLoansQuery(db, today).execute();
  return rows.map((r) => {
    const name = displayName(r);
    return {
      borrowing_id: r.id,
      reader: r.telegram_username ? `${name} (@${r.telegram_username})` : name,
      book: r.title,
      due: r.expected_return_date,
      days: daysBetween(r.expected_return_date, today),
    };
  });
}

/** Queues today's staff report (split at Telegram's limit) once per day; returns messages queued. */
export async function enqueueStaffOverdueReport(db: DB, staffChatId: number, today: string, loans: OverdueLoan[], nowMs: number): Promise<number> {
  const parts = renderer().splitOverdueReport(STAFF_LANGUAGE, today, loans);
  const createdAt = new Date(nowMs).toISOString();
  return immediateTransaction(db, async (trx) => {
    let queued = 0;
    for (const [i, part] of parts.entries()) {
      const r = await trx
        .insertInto('outbox')
        .values({
          chat_id: staffChatId,
          kind: 'staff.overdue_report',
          payload: JSON.stringify({ date: today, part: i + 1, parts: parts.length, total: loans.length, loans: part }),
          language: STAFF_LANGUAGE,
          dedup_key: i === 0 ? `overdue-report:${today}` : `overdue-report:${today}:${i + 1}`,
          next_attempt_at: nowMs,
          sent_at: null,
          failed_at: null,
          last_error: null,
          created_at: createdAt,
        })
        .onConflict((oc) => oc.column('dedup_key').doNothing())
        .executeTakeFirst();
      const inserted = Number(r.numInsertedOrUpdatedRows ?? 0);
      // Today's report is already queued: queue none of it again.
      if (i === 0 && inserted === 0) return 0;
      queued += inserted;
    }
    return queued;
  });
}

export async function overdueReport(deps: JobContext, clock: Clock): Promise<OverdueSummary> {
  const { db, config } = deps;
  const today = todayIn(clock, config.rules.timeZone);
  const nowMs = clock.now().getTime();
  const readerNotices = await enqueueReaderOverdueNotices(db, config, today, nowMs);
  const staffChatId = config.telegram.staffChatId;
  // Today's report already queued (a second run, a restart): don't load and render it again.
  const queued = await db.selectFrom('outbox').select('id').where('dedup_key', '=', `overdue-report:${today}`).executeTakeFirst();
  if (staffChatId === undefined || queued) {
    const { n } = await db
      .selectFrom('borrowings')
      .select(sql<number>`count(*)`.as('n'))
      .where('actual_return_date', 'is', null)
      .where('expected_return_date', '<', today)
      .executeTakeFirstOrThrow();
    return { date: today, overdue: n, readerNotices, staffMessages: 0 };
  }
  const loans = await listOverdueLoans(db, today);
  const staffMessages = await enqueueStaffOverdueReport(db, staffChatId, today, loans, nowMs);
  return { date: today, overdue: loans.length, readerNotices, staffMessages };
}
