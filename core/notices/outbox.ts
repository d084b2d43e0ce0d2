// The outbox: notifications are rows written in the same transaction as the event that causes
// them; the dispatcher (jobs/dispatcher.ts) delivers them later, rendered by the bot (bot/notice-renderer.ts). Everything core
// queues goes through here: enqueue for the rows of one event, activeLoanNoticesInsert for a
// notice to many readers at once.
import { type RawBuilder, sql } from 'kysely';
import type { DB } from '../../db/connection.js';
import { concatText, param } from '../../db/dialect-sql.js';
import { payMessagesOf } from '../../db/pay-messages.js';

export type NotificationKind =
  | 'staff.borrowing_created'
  | 'staff.borrowing_extended'
  | 'staff.borrowing_returned'
  | 'staff.payment_received'
  | 'staff.overdue_report'
  | 'reader.borrowing_confirmed'
  | 'reader.borrowing_extended'
  | 'reader.payment_received'
  | 'reader.due_soon'
  | 'reader.overdue'
  | 'reader.fine_created'
  // What staff or the clock did to a reader's things (SPEC §4): told to the reader when linked.
  | 'reader.returned_by_staff'
  | 'reader.payment_refunded'
  | 'reader.payment_expired'
  | 'reader.hold_ready'
  | 'reader.hold_expired'
  // A chat the account let go of: linked to another Telegram, or unlinked (README, "Security settings").
  | 'reader.telegram_replaced'
  | 'reader.telegram_unlinked'
  // Not a message: an edit of one sent earlier — its Pay button dropped once the payment is paid.
  | 'edit.pay_button';

export interface Notification {
  chatId: number;
  kind: NotificationKind;
  payload: Record<string, unknown>;
  language?: string;
  /** Same key → queued once only (e.g. one due-soon reminder per loan). */
  dedupKey?: string;
}

/** One loan line of the staff overdue report's payload (it lists the longest overdue few). */
export interface OverdueLoan {
  borrowing_id: number;
  reader: string;
  book: string;
  due: string;
  days: number;
}

/** Who a reader notification goes to; a reader without Telegram gets none, silently. */
export interface Recipient {
  telegram_user_id: number | null;
  language: string;
}

export function readerNote(
  user: Recipient,
  kind: NotificationKind,
  payload: Record<string, unknown>,
  dedupKey?: string,
): Notification[] {
  if (user.telegram_user_id === null) return [];
  return [{ chatId: user.telegram_user_id, kind, payload, language: user.language, dedupKey }];
}

export function staffNote(
  staffChatId: number | undefined,
  kind: NotificationKind,
  payload: Record<string, unknown>,
  dedupKey?: string,
): Notification[] {
  if (staffChatId === undefined) return [];
  return [{ chatId: staffChatId, kind, payload, language: 'en', dedupKey }];
}

/** Writes notifications with the caller's transaction; duplicates by dedup key are skipped. */
export async function enqueue(trx: DB, notes: Notification[], nowMs: number): Promise<number> {
  if (notes.length === 0) return 0;
  const result = await trx
    .insertInto('outbox')
    .values(
      notes.map((n) => ({
        chat_id: n.chatId,
        kind: n.kind,
        payload: JSON.stringify(n.payload),
        language: n.language ?? 'en',
        dedup_key: n.dedupKey ?? null,
        next_attempt_at: nowMs,
        sent_at: null,
        failed_at: null,
        last_error: null,
        created_at: new Date(nowMs).toISOString(),
      })),
    )
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/**
 * A payment was paid: every message that carries its Pay button (db/pay-messages.ts, the newest
 * few of each chat) is edited to drop it, through the outbox like a notice — paced with the
 * chat's messages, retried, once per message.
 */
export async function payButtonEdits(trx: DB, paymentId: number): Promise<Notification[]> {
  const messages = await payMessagesOf(trx, paymentId);
  return messages.map((m) => ({
    chatId: m.chat_id,
    kind: 'edit.pay_button' as const,
    payload: { payment_id: paymentId, message_id: m.message_id },
    dedupKey: `paid-button:${paymentId}:${m.chat_id}:${m.message_id}`,
  }));
}

/** Reader notices about active loans, one per loan per kind (dedup `<prefix>:<borrowing id>`). */
export interface ActiveLoanNotices {
  kind: NotificationKind;
  dedupPrefix: string;
  /** The payload as a JSON object over the aliases b (borrowings), k (books) and u (users). */
  payload: RawBuilder<string>;
  /** Due date window: [dueFrom, dueUntil] inclusive, or before dueBefore. */
  dueFrom?: string;
  dueUntil?: string;
  dueBefore?: string;
  /** Only loans borrowed before this date. */
  borrowedBefore?: string;
  nowMs: number;
}

/**
 * Queues reader notices set-based: one INSERT … SELECT into the outbox over the active-loan
 * index (borrowings_active_due), readers without Telegram left out, duplicates by dedup key
 * skipped — millions of loans without a query per row.
 */
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
          param(db, n.kind, 'text').as('kind'),
          n.payload.as('payload'),
          'u.language',
          concatText(db, `${n.dedupPrefix}:`, sql.ref<number>('b.id')).as('dedup_key'),
          sql<number>`0`.as('attempts'),
          param(db, n.nowMs, 'bigint').as('next_attempt_at'),
          param(db, new Date(n.nowMs).toISOString(), 'text').as('created_at'),
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
