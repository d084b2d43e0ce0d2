// The outbox: notifications are rows written in the same transaction as the event that causes
// them; the dispatcher (jobs/dispatcher.ts) delivers them later, rendered by the bot (bot/notice-renderer.ts). Everything core
// queues goes through here: enqueue for the rows of one event, activeLoanNoticesInsert for a
// notice to many readers at once.
import { type Expression, sql } from 'kysely';
import type { DB } from '../../db/connection.js';
import { concatText, jsonObject, param } from '../../db/dialect-sql.js';
import { payMessagesOf } from '../../db/pay-messages.js';
import type { NoticePayloads, NotificationKind } from './payloads.js';

export type { NotificationKind, OverdueLoan } from './payloads.js';

/** A notice of one kind, its payload that kind's (core/notices/payloads.ts). */
export interface NotificationOf<K extends NotificationKind> {
  chatId: number;
  kind: K;
  payload: NoticePayloads[K];
  language?: string;
  /** Same key → queued once only (e.g. one due-soon reminder per loan). */
  dedupKey?: string;
}

/** A notice of any kind: checking `kind` tells the type of `payload`. */
export type Notification = { [K in NotificationKind]: NotificationOf<K> }[NotificationKind];

/**
 * A payload's fields as SQL, for notices queued by INSERT … SELECT: every field of the kind's
 * payload, each an expression of its type (or a plain value), so a field renamed or retyped in
 * payloads.ts fails to compile here too.
 */
export type PayloadSql<P> = { [F in keyof P]-?: Expression<Exclude<P[F], undefined>> | Exclude<P[F], undefined> };

/** The columns of a table under an alias of an INSERT … SELECT, each typed as the schema types it. */
export const aliasedColumns =
  <Row>(alias: string) =>
  <C extends keyof Row & string>(column: C) =>
    sql.ref<Row[C]>(`${alias}.${column}`);

/** Who a reader notification goes to; a reader without Telegram gets none, silently. */
export interface Recipient {
  telegram_user_id: number | null;
  language: string;
}

export function readerNote<K extends NotificationKind>(
  user: Recipient,
  kind: K,
  payload: NoticePayloads[K],
  dedupKey?: string,
): NotificationOf<K>[] {
  if (user.telegram_user_id === null) return [];
  return [{ chatId: user.telegram_user_id, kind, payload, language: user.language, dedupKey }];
}

export function staffNote<K extends NotificationKind>(
  staffChatId: number | undefined,
  kind: K,
  payload: NoticePayloads[K],
  dedupKey?: string,
): NotificationOf<K>[] {
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
export async function payButtonEdits(trx: DB, paymentId: number): Promise<NotificationOf<'edit.pay_button'>[]> {
  const messages = await payMessagesOf(trx, paymentId);
  return messages.map((m) => ({
    chatId: m.chat_id,
    kind: 'edit.pay_button',
    payload: { payment_id: paymentId, message_id: m.message_id },
    dedupKey: `paid-button:${paymentId}:${m.chat_id}:${m.message_id}`,
  }));
}

/** Reader notices about active loans, one per loan per kind (dedup `<prefix>:<borrowing id>`). */
export interface ActiveLoanNotices<K extends NotificationKind> {
  kind: K;
  dedupPrefix: string;
  /** The payload's fields as SQL over the aliases b (borrowings), k (books) and u (users). */
  payload: PayloadSql<NoticePayloads[K]>;
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
export function activeLoanNoticesInsert<K extends NotificationKind>(db: DB, n: ActiveLoanNotices<K>) {
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
          jsonObject(db, n.payload).as('payload'),
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
