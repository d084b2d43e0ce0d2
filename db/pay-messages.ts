/**
 * Which Telegram messages carry which payment's Pay button (migration 011): written when the
 * outbox dispatcher sends a notice with Pay buttons and when the bot sends or edits one of its own
 * screens (the borrow and extend confirmations, My books…); read when a payment is paid, to edit
 * those messages and drop the button. A message's rows are replaced whenever it is sent or edited
 * with Pay buttons, and removed when it is edited without any or deleted, so the keyboard kept
 * here is the one the chat shows.
 */
import { type DB, immediateTransaction } from './connection.js';

/** At most this many of a chat's newest messages are kept per payment (older ones are never edited). */
export const PAY_MESSAGES_KEPT = 20;

export interface PayMessage {
  chatId: number;
  messageId: number;
  /** The payments whose Pay buttons the message carries. */
  paymentIds: readonly number[];
  /** The message's inline keyboard (JSON text). */
  markup: string;
}

/** The message now carries these Pay buttons (none: it is forgotten). */
export async function recordPayMessage(db: DB, m: PayMessage, at: Date): Promise<void> {
  const ids = [...new Set(m.paymentIds)];
  if (ids.length === 0) return forgetPayMessage(db, m.chatId, m.messageId);
  await immediateTransaction(db, async (trx) => {
    await trx.deleteFrom('pay_messages').where('chat_id', '=', m.chatId).where('message_id', '=', m.messageId).execute();
    await trx
      .insertInto('pay_messages')
      .values(
        ids.map((paymentId) => ({
          chat_id: m.chatId,
          message_id: m.messageId,
          payment_id: paymentId,
          markup: m.markup,
          created_at: at.toISOString(),
        })),
      )
      .execute();
    // Bounded: a reader who opens My books a hundred times with a payment unpaid keeps twenty.
    await trx
      .deleteFrom('pay_messages')
      .where('chat_id', '=', m.chatId)
      .where('payment_id', 'in', ids)
      .where('id', 'not in', (eb) =>
        eb
          .selectFrom('pay_messages as kept')
          .select('kept.id')
          .where('kept.chat_id', '=', m.chatId)
          .where('kept.payment_id', 'in', ids)
          .orderBy('kept.id', 'desc')
          .limit(PAY_MESSAGES_KEPT * ids.length),
      )
      .execute();
  });
}

/** The message carries no Pay button any more (edited without one, or deleted). */
export async function forgetPayMessage(db: DB, chatId: number, messageId: number): Promise<void> {
  // Most edits are of messages that never had a Pay button: a read, not a write, answers that.
  const known = await db
    .selectFrom('pay_messages')
    .select('id')
    .where('chat_id', '=', chatId)
    .where('message_id', '=', messageId)
    .limit(1)
    .executeTakeFirst();
  if (known) await db.deleteFrom('pay_messages').where('chat_id', '=', chatId).where('message_id', '=', messageId).execute();
}

/** A payment's newest messages (at most PAY_MESSAGES_KEPT of each chat's), for queueing their edits. */
export function payMessagesOf(db: DB, paymentId: number) {
  return db
    .selectFrom('pay_messages')
    .select(['chat_id', 'message_id'])
    .where('payment_id', '=', paymentId)
    .orderBy('id', 'desc')
    .limit(PAY_MESSAGES_KEPT)
    .execute();
}

/** What the messages of a batch of edits carry now: each message's keyboard and its payments' statuses, in one query. */
export function payMessageFacts(db: DB, messages: readonly { chatId: number; messageId: number }[]) {
  if (messages.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('pay_messages as m')
    .innerJoin('payments as p', 'p.id', 'm.payment_id')
    .select(['m.chat_id', 'm.message_id', 'm.payment_id', 'm.markup', 'p.status'])
    .where((eb) => eb.or(messages.map((x) => eb.and([eb('m.chat_id', '=', x.chatId), eb('m.message_id', '=', x.messageId)]))))
    .execute();
}
