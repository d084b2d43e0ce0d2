// What the bot's notice renderer reads when a notice is sent (bot/notice-renderer.ts): a notice is
// rendered at delivery time, so its Pay button, its "still to pay" lines and the edits that drop a
// paid payment's button show the payments as they are then (docs/rules.md#notices). Reads for the
// service itself (the outbox dispatcher), not for a person: no actor. One query each, per batch.
import type { DB } from '../../db/connection.js';
import { paymentLinks } from '../../db/outbox.js';
import { payMessageFacts } from '../../db/pay-messages.js';
import { formatCents } from '../kernel/index.js';

/** A payment a reader still owes, named on their "payment received" notice; `paid_id` is the payment just paid. */
export interface StillUnpaidLine {
  paid_id: number;
  id: number;
  type: 'PAYMENT' | 'FINE';
  renewal: number;
  amount: string;
  title: string;
}

export function createNoticeFacts(db: DB) {
  return {
    /** The status and checkout of the payments behind a batch's Pay buttons. */
    payments: (ids: readonly number[]) => paymentLinks(db, ids),

    /** Per payment just paid: what its reader still owes now (PENDING or EXPIRED payments). */
    async stillUnpaid(paidPaymentIds: readonly number[]): Promise<StillUnpaidLine[]> {
      if (paidPaymentIds.length === 0) return [];
      const rows = await db
        .selectFrom('payments as paid')
        .innerJoin('payments as p', 'p.user_id', 'paid.user_id')
        .innerJoin('borrowings as b', 'b.id', 'p.borrowing_id')
        .innerJoin('books as k', 'k.id', 'b.book_id')
        .select(['paid.id as paid_id', 'p.id', 'p.type', 'p.renewal', 'p.money_to_pay_cents', 'k.title'])
        .where('paid.id', 'in', [...paidPaymentIds])
        .where('p.status', 'in', ['PENDING', 'EXPIRED'])
        .orderBy('p.id')
        .limit(50 * paidPaymentIds.length)
        .execute();
      return rows.map((r) => ({
        paid_id: r.paid_id,
        id: r.id,
        type: r.type,
        renewal: r.renewal,
        amount: formatCents(r.money_to_pay_cents),
        title: r.title,
      }));
    },

    /** What the messages of a batch of `edit.pay_button` rows carry now: keyboard, payments and their status. */
    payMessages: (messages: readonly { chatId: number; messageId: number }[]) => payMessageFacts(db, messages),
  };
}

export type NoticeFacts = ReturnType<typeof createNoticeFacts>;
