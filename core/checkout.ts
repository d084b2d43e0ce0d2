// What Stripe's word about a Checkout Session must say before a payment is PAID, and the two
// anonymous pages Stripe sends the payer back to (success, cancel).
import type { PaymentRow } from '../db/schema.js';
import type { CoreDeps } from './context.js';
import { DomainError, notFound } from './errors.js';
import { formatCents } from './money.js';
import { PaymentGatewayError, type CheckoutSessionInfo } from './stripe.js';

/** Money is kept in USD cents (SPEC §1); a session in any other currency pays nothing of ours. */
export const PAYMENT_CURRENCY = 'usd';

/**
 * The success page asks Stripe about one session at most this often. Anyone holding a session
 * id can reload the page; without a limit every reload is a Stripe call on our key.
 */
export const SESSION_CHECK_INTERVAL_MS = 5_000;

export type SessionMismatch =
  | { reason: 'not_paid'; payment_status: string }
  | { reason: 'currency'; expected: string; got: string | null }
  | { reason: 'amount'; expected: number; got: number | null };

/**
 * Why a session does not pay this payment, or null when it does. A valid signature only says
 * the message came from Stripe; it must also say that the money arrived, in full, in USD.
 */
export function sessionMismatch(payment: Pick<PaymentRow, 'money_to_pay_cents'>, s: Pick<CheckoutSessionInfo, 'paymentStatus' | 'currency' | 'amountTotal'>): SessionMismatch | null {
  if (s.paymentStatus !== 'paid') return { reason: 'not_paid', payment_status: s.paymentStatus };
  if (s.currency !== PAYMENT_CURRENCY) return { reason: 'currency', expected: PAYMENT_CURRENCY, got: s.currency };
  if (s.amountTotal !== payment.money_to_pay_cents) return { reason: 'amount', expected: payment.money_to_pay_cents, got: s.amountTotal };
  return null;
}

/**
 * A payment as the anonymous pages show it. Whoever holds a session id can open them (it sits
 * in a redirect URL, a browser history, a shared screenshot), so nothing here names the reader
 * or the borrowing (SPEC §10).
 */
export interface PaymentReceipt {
  id: number;
  type: 'PAYMENT' | 'FINE';
  status: 'PENDING' | 'PAID' | 'EXPIRED' | 'REFUNDED';
  money_to_pay: string;
  paid_at: string | null;
}

export interface SessionPage {
  receipt: PaymentReceipt;
  /** PAID, or PAID and since refunded. */
  paid: boolean;
  /** Where the payer can still pay (the session's own checkout page), while it is open. */
  checkoutUrl: string | null;
  /** The payment's reader's language, so the page speaks it (it names nobody). */
  language: string;
  /**
   * Not paid, and Stripe was asked about this session moments ago (by an earlier request, maybe
   * from before the payer paid), so this answer is not Stripe's word: ask again after this many
   * milliseconds. Null when the answer is Stripe's, or the payment is paid.
   */
  recheckInMs: number | null;
}

/** A payment as the anonymous pages show it (also the pay link's "already paid" page). */
export const sessionPageOf = (r: PaymentRow, language: string): SessionPage => ({
  receipt: { id: r.id, type: r.type, status: r.status, money_to_pay: formatCents(r.money_to_pay_cents), paid_at: r.paid_at },
  paid: r.status === 'PAID' || r.status === 'REFUNDED',
  checkoutUrl: r.status === 'PENDING' ? r.session_url : null,
  language,
  recheckInMs: null,
});

const SESSION_ID = /^[A-Za-z0-9_]{1,255}$/;

export function createCheckoutPages(
  { db, clock, gateway, logger }: CoreDeps,
  applySession: (session: CheckoutSessionInfo) => Promise<unknown>,
) {
  const log = logger.child({ module: 'payments' });

  function bySession(sessionId: string) {
    if (!SESSION_ID.test(sessionId)) throw new DomainError('VALIDATION', 'session_id is malformed', [{ field: 'session_id', message: 'session_id is malformed' }]);
    return db
      .selectFrom('payments')
      .innerJoin('users', 'users.id', 'payments.user_id')
      .selectAll('payments')
      .select('users.language as reader_language')
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
  }

  /** The page for a payment read without its reader's language (the pay link's "already paid"). */
  async function pageOfRow(row: PaymentRow): Promise<SessionPage> {
    const reader = await db.selectFrom('users').select('language').where('id', '=', row.user_id).executeTakeFirst();
    return sessionPageOf(row, reader?.language ?? 'en');
  }

  /**
   * Takes this session's turn to ask Stripe, or answers false when another request (on any
   * instance) asked within the interval. One conditional UPDATE, so two requests never both win.
   */
  async function claimCheck(sessionId: string): Promise<boolean> {
    const now = clock.now();
    const nowIso = now.toISOString();
    const since = new Date(now.getTime() - SESSION_CHECK_INTERVAL_MS).toISOString();
    const r = await db
      .updateTable('payments')
      .set({ session_checked_at: nowIso })
      .where('session_id', '=', sessionId)
      // A clock set back must not stop checks until it catches up again.
      .where((eb) => eb.or([eb('session_checked_at', 'is', null), eb('session_checked_at', '<=', since), eb('session_checked_at', '>', nowIso)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * The success redirect: asks Stripe (at most once per interval per session) and marks PAID
   * only when the session pays this payment; idempotent. Between checks it answers what the
   * database knows, which the webhook keeps current.
   */
  async function confirmSession(sessionId: string): Promise<SessionPage> {
    const found = await bySession(sessionId);
    if (!found) throw notFound('Checkout session');
    const { reader_language: language, ...first } = found;
    let row: PaymentRow = first;
    if (row.status === 'PAID' || row.status === 'REFUNDED') return sessionPageOf(row, language);
    if (!(await claimCheck(sessionId))) {
      // Whoever asked Stripe last may have asked before this payer paid: the page waits for the
      // next check rather than saying "not paid" on that word.
      const checkedAt = row.session_checked_at ? Date.parse(row.session_checked_at) : clock.now().getTime();
      const wait = checkedAt + SESSION_CHECK_INTERVAL_MS - clock.now().getTime();
      return { ...sessionPageOf(row, language), recheckInMs: Math.min(SESSION_CHECK_INTERVAL_MS, Math.max(1000, wait + 100)) };
    }
    let session: CheckoutSessionInfo;
    try {
      session = await gateway.retrieveSession(sessionId);
    } catch (e) {
      log.warn({ paymentId: row.id, err: e instanceof PaymentGatewayError ? e.code : String(e) }, 'could not confirm session with Stripe');
      throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', 'We could not confirm the payment with Stripe right now; it will be confirmed automatically');
    }
    await applySession(session);
    row = (await db.selectFrom('payments').selectAll().where('id', '=', row.id).executeTakeFirst()) ?? row;
    return sessionPageOf(row, language);
  }

  /** The cancel redirect: what the database knows (no Stripe call); null for an unknown session. */
  async function sessionPage(sessionId: string): Promise<SessionPage | null> {
    const found = await bySession(sessionId);
    if (!found) return null;
    const { reader_language: language, ...row } = found;
    return sessionPageOf(row, language);
  }

  return { confirmSession, sessionPage, pageOfRow };
}
