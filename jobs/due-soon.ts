/**
 * Due-soon reminders: one per loan (dedup `due-soon:<borrowing_id>`), queued by one
 * INSERT … SELECT over active loans only (index borrowings_active_due).
 *
 * Window: today ≤ expected_return_date ≤ today + DUE_SOON_DAYS, for loans borrowed before
 * today. A range rather than an exact day, so a day the job did not run (downtime, a changed
 * DUE_SOON_CRON) still reminds late rather than never; loans borrowed today are left out —
 * their reader has just been told the due date. Readers without Telegram get nothing.
 */
import { sql } from 'kysely';
import type { DB } from '../db/connection.js';
import { addDays, dateInZone, type Clock } from '../core/clock.js';
import type { JobContext } from './overdue.js';
import { activeLoanNoticesInsert } from './reader-notices.js';

export interface DueSoonSummary {
  date: string;
  /** Reminders newly queued. */
  reminders: number;
}

/** The reminders as one INSERT … SELECT (exported for query-plan tests). */
export function dueSoonInsert(db: DB, today: string, until: string, nowMs: number) {
  return activeLoanNoticesInsert(db, {
    kind: 'reader.due_soon',
    dedupPrefix: 'due-soon',
    payload: sql<string>`json_object(
      'borrowing_id', b.id,
      'book_title', k.title,
      'book_author', k.author,
      'expected_return_date', b.expected_return_date,
      'days_left', CAST(julianday(b.expected_return_date) - julianday(${today}) AS INTEGER)
    )`,
    dueFrom: today,
    dueUntil: until,
    borrowedBefore: today,
    nowMs,
  });
}

export async function dueSoonReminders(deps: JobContext, clock: Clock): Promise<DueSoonSummary> {
  const { db, config } = deps;
  const now = clock.now();
  const today = dateInZone(now, config.rules.timeZone);
  const until = addDays(today, config.rules.dueSoonDays);
  const result = await dueSoonInsert(db, today, until, now.getTime()).executeTakeFirst();
  return { date: today, reminders: Number(result.numInsertedOrUpdatedRows ?? 0) };
}
