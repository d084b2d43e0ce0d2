// A payment as answers show it, and the rows it is made of (docs/rules.md#payments).

import type { DB } from '../../db/connection.js';
import type { PaymentRow } from '../../db/schema.js';
import { formatCents } from '../kernel/index.js';
import { liveSessionUrl } from './checkout.js';

export interface Payment {
  id: number;
  borrowing_id: number;
  user_id: number;
  type: 'PAYMENT' | 'FINE';
  status: 'PENDING' | 'PAID' | 'EXPIRED' | 'REFUNDED';
  /** 0: the loan's rent (or a fine); n: the extra rent of the loan's n-th renewal (docs/rules.md#renewals). */
  renewal: number;
  money_to_pay: string;
  session_id: string | null;
  session_url: string | null;
  session_expires_at: string | null;
  created_at: string;
  paid_at: string | null;
  refunded_at: string | null;
}

/**
 * What a payment is for, as every message names it: a late-return fine, a loan's extension (the
 * extra rent of its n-th renewal), or the loan's rent.
 */
export type PaymentKind = 'FINE' | 'EXTENSION' | 'PAYMENT';
export const paymentKind = (p: { type: string; renewal?: number | null }): PaymentKind =>
  p.type === 'FINE' ? 'FINE' : (p.renewal ?? 0) > 0 ? 'EXTENSION' : 'PAYMENT';

/** The columns a Payment is made of (toPayment reads no others). */
export const PAYMENT_COLUMNS = [
  'id',
  'borrowing_id',
  'user_id',
  'type',
  'status',
  'renewal',
  'money_to_pay_cents',
  'session_id',
  'session_url',
  'session_expires_at',
  'created_at',
  'paid_at',
  'refunded_at',
] as const;

/** `foreign`: whether a session is another provider's (checkout.ts), whose link is not offered. */
export const toPayment = (
  r: Pick<PaymentRow, (typeof PAYMENT_COLUMNS)[number]>,
  foreign: (url: string | null) => boolean = () => false,
): Payment => ({
  id: r.id,
  borrowing_id: r.borrowing_id,
  user_id: r.user_id,
  type: r.type,
  status: r.status,
  renewal: r.renewal,
  money_to_pay: formatCents(r.money_to_pay_cents),
  // A session link is only worth showing while it can still be paid.
  session_id: r.session_id,
  session_url: liveSessionUrl(r, foreign),
  session_expires_at: r.session_expires_at,
  created_at: r.created_at,
  paid_at: r.paid_at,
  refunded_at: r.refunded_at,
});

/**
 * A new PENDING payment without a session yet (opened after the transaction commits). `renewal`:
 * the extra rent of a loan's n-th renewal (a borrowing has one rent payment per renewal number).
 */
export function insertPendingPayment(
  trx: DB,
  p: { borrowingId: number; userId: number; type: 'PAYMENT' | 'FINE'; cents: number; at: Date; renewal?: number },
) {
  return trx
    .insertInto('payments')
    .values({
      borrowing_id: p.borrowingId,
      user_id: p.userId,
      type: p.type,
      status: 'PENDING',
      money_to_pay_cents: p.cents,
      renewal: p.renewal ?? 0,
      session_id: null,
      session_url: null,
      session_expires_at: null,
      payment_intent_id: null,
      created_at: p.at.toISOString(),
      paid_at: null,
      refunded_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** A payment the owner may ask a new Checkout Session for: expired, never opened, or opened by another provider. */
export const isRenewable = (
  p: Pick<PaymentRow, 'status' | 'session_id' | 'session_url'>,
  foreign: (url: string | null) => boolean,
) => p.status === 'EXPIRED' || (p.status === 'PENDING' && (p.session_id === null || foreign(p.session_url)));

/** What a reader notice about a payment says: its amount and kind, the book, and who to tell. */
export function paymentNoticeFacts(trx: DB, paymentId: number) {
  return trx
    .selectFrom('payments')
    .innerJoin('borrowings', 'borrowings.id', 'payments.borrowing_id')
    .innerJoin('books', 'books.id', 'borrowings.book_id')
    .innerJoin('users', 'users.id', 'payments.user_id')
    .select([
      'payments.id',
      'payments.type',
      'payments.renewal',
      'payments.money_to_pay_cents',
      'payments.borrowing_id',
      'books.title',
      'users.telegram_user_id',
      'users.language',
    ])
    .where('payments.id', '=', paymentId)
    .executeTakeFirstOrThrow();
}

/** A reader's payments, all of them, now another reader's (a Telegram-only account merged into a linked one). */
export async function movePayments(trx: DB, fromId: number, toId: number): Promise<void> {
  await trx.updateTable('payments').set({ user_id: toId }).where('user_id', '=', fromId).execute();
}
