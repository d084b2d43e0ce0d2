// Reader notices about active loans, queued set-based: one INSERT … SELECT into the outbox over
// the active-loan index (borrowings_active_due), readers without Telegram left out, one row per
// loan per kind (dedup `<prefix>:<borrowing id>`).
import { sql, type RawBuilder } from 'kysely';
import type { DB } from '../db/connection.js';
import type { NotificationKind } from '../core/notifications.js';

export interface ActiveLoanNotices {
  kind: NotificationKind;
  dedupPrefix: string;
  /** A json_object(...) over the aliases b (borrowings), k (books) and u (users). */
  payload: RawBuilder<string>;
  /** Due date window: [dueFrom, dueUntil] inclusive, or before dueBefore. */
  dueFrom?: string;
  dueUntil?: string;
  dueBefore?: string;
  /** Only loans borrowed before this date. */
  borrowedBefore?: string;
  nowMs: number;
}

export function activeLoanNoticesInsert(db: DB, n: ActiveLoanNotices) {
  return db
    .insertInto('outbox')
    .columns(['chat_id', 'kind', 'payload', 'language', 'dedup_key', 'attempts', 'next_attempt_at', 'created_at'])
    .expression((eb) => {
      let q = eb
        .selectFrom('borrowings as b')
        .innerJoin('books as k', 'k.id', 'b.book_id')
        .innerJoin('users as u', 'u.id', 'b.user_id')
        .select([
          sql<number>`u.telegram_user_id`.as('chat_id'),
          sql<string>`${n.kind}`.as('kind'),
          n.payload.as('payload'),
          'u.language',
          sql<string>`${`${n.dedupPrefix}:`} || b.id`.as('dedup_key'),
          sql<number>`0`.as('attempts'),
          sql<number>`${n.nowMs}`.as('next_attempt_at'),
          sql<string>`${new Date(n.nowMs).toISOString()}`.as('created_at'),
        ])
        .where('b.actual_return_date', 'is', null)
        .where('u.telegram_user_id', 'is not', null);
      if (n.dueFrom !== undefined) q = q.where('b.expected_return_date', '>=', n.dueFrom);
      if (n.dueUntil !== undefined) q = q.where('b.expected_return_date', '<=', n.dueUntil);
      if (n.dueBefore !== undefined) q = q.where('b.expected_return_date', '<', n.dueBefore);
      if (n.borrowedBefore !== undefined) q = q.where('b.borrow_date', '<', n.borrowedBefore);
      return q.orderBy('b.expected_return_date').orderBy('b.id');
    })
    .onConflict((oc) => oc.column('dedup_key').doNothing());
}
