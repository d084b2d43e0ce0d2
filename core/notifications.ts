// The outbox: notifications are rows written in the same transaction as the event that causes
// them; the dispatcher (jobs/dispatcher.ts) delivers them later, rendered by the bot (bot/notices.ts).
import type { DB } from '../db/connection.js';

export type NotificationKind =
  | 'staff.borrowing_created'
  | 'staff.borrowing_returned'
  | 'staff.payment_received'
  | 'staff.overdue_report'
  | 'reader.borrowing_confirmed'
  | 'reader.payment_received'
  | 'reader.due_soon'
  | 'reader.overdue'
  | 'reader.fine_created';

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

export function readerNote(user: Recipient, kind: NotificationKind, payload: Record<string, unknown>, dedupKey?: string): Notification[] {
  if (user.telegram_user_id === null) return [];
  return [{ chatId: user.telegram_user_id, kind, payload, language: user.language, dedupKey }];
}

export function staffNote(staffChatId: number | undefined, kind: NotificationKind, payload: Record<string, unknown>, dedupKey?: string): Notification[] {
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
