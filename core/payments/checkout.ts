// What Stripe's word about a Checkout Session must say before a payment is PAID, and the two
// anonymous pages Stripe sends the payer back to (success, cancel); which provider's session is
// live here, and why a new payment got no checkout page.

import type { Config } from '../../config.js';
import type { PaymentRow } from '../../db/schema.js';
import { DomainError, formatCents, notFound } from '../kernel/index.js';
import { type CheckoutSessionInfo, gatewayErrorCode, type PaymentDeps } from './gateway.js';

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
export function sessionMismatch(
  payment: Pick<PaymentRow, 'money_to_pay_cents'>,
  s: Pick<CheckoutSessionInfo, 'paymentStatus' | 'currency' | 'amountTotal'>,
): SessionMismatch | null {
  if (s.paymentStatus !== 'paid') return { reason: 'not_paid', payment_status: s.paymentStatus };
  if (s.currency !== PAYMENT_CURRENCY) return { reason: 'currency', expected: PAYMENT_CURRENCY, got: s.currency };
  if (s.amountTotal !== payment.money_to_pay_cents)
    return { reason: 'amount', expected: payment.money_to_pay_cents, got: s.amountTotal };
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

/** Where the sandbox's Stripe stand-in serves its checkout pages: its session URLs start here (sandbox/index.ts). */
export const SANDBOX_CHECKOUT_PATH = '/sandbox/checkout';

const isSandboxCheckout = (url: string) => {
  try {
    return new URL(url).pathname.startsWith(`${SANDBOX_CHECKOUT_PATH}/`);
  } catch {
    return false;
  }
};

/**
 * Whether a session was opened by another provider than the one the service talks to now: the
 * sandbox's stand-in while real Stripe (or nothing) is configured, or Stripe while the stand-in
 * is. This service can neither pay it nor ask about it, so it counts as dead: renewing replaces
 * it, a pay link makes a new one, and its URL is never offered (README, Decisions: Stripe).
 */
export const foreignSessionTest =
  (config: Pick<Config, 'sandbox'>) =>
  (sessionUrl: string | null): boolean =>
    sessionUrl !== null && isSandboxCheckout(sessionUrl) !== config.sandbox.stripe;

/** A PENDING payment's session URL while it can be paid here, else null. */
export const liveSessionUrl = (
  r: Pick<PaymentRow, 'status' | 'session_url'>,
  foreign: (url: string | null) => boolean,
): string | null => (r.status === 'PENDING' && !foreign(r.session_url) ? r.session_url : null);

/** A payment as the anonymous pages show it (also the pay link's "already paid" page). */
export const sessionPageOf = (
  r: PaymentRow,
  language: string,
  foreign: (url: string | null) => boolean = () => false,
): SessionPage => ({
  receipt: { id: r.id, type: r.type, status: r.status, money_to_pay: formatCents(r.money_to_pay_cents), paid_at: r.paid_at },
  paid: r.status === 'PAID' || r.status === 'REFUNDED',
  checkoutUrl: liveSessionUrl(r, foreign),
  language,
  recheckInMs: null,
});

/**
 * Why a payment that should have a checkout page has none: the answer's `session_error` beside
 * `session_url: null` (borrow, extend, a late return), and renew's 503. The payment waits,
 * PENDING and renewable, either way.
 */
export interface SessionError {
  code: 'PAYMENT_PROVIDER_UNAVAILABLE';
  message: string;
}

/** What opening a session came to: the payment now, and why it has no session when it has none. */
export interface Opened {
  row: PaymentRow | null;
  error: SessionError | null;
}

/**
 * The checkout a new payment got: its page, or null and why (`session_error`: Stripe could not be
 * reached or payments are not set up; the payment waits, renewable). Borrow and extend answer it.
 */
export interface Checkout {
  session_url: string | null;
  session_error: SessionError | null;
}

export const checkoutOf = ({ row, error }: Opened): Checkout => ({
  session_url: row?.status === 'PENDING' ? row.session_url : null,
  session_error: row?.status === 'PENDING' && !row.session_url ? (error ?? null) : null,
});

export function sessionErrorFor(config: Pick<Config, 'sandbox' | 'stripe'>, gatewayCode: string | undefined): SessionError {
  const waits = 'the payment waits and can be renewed (POST /api/payments/{id}/renew/, or the Pay button in the bot)';
  const message =
    !config.stripe.secretKey && !config.sandbox.stripe
      ? `Payments are not set up on this library (no Stripe key), so no checkout page was opened; ${waits} once they are`
      : gatewayCode === 'INVALID_REQUEST' || gatewayCode === 'NOT_FOUND'
        ? `Stripe refused to open a checkout page for this payment; ${waits}`
        : `Stripe could not be reached, so no checkout page was opened; ${waits}`;
  return { code: 'PAYMENT_PROVIDER_UNAVAILABLE', message };
}

const SESSION_ID = /^[A-Za-z0-9_]{1,255}$/;

/** What the success and cancel pages read of a session (and ask Stripe, at most every 5 s): no markup here. */
export function createSessionPageReads(
  { db, clock, gateway, logger, config }: PaymentDeps,
  applySession: (session: CheckoutSessionInfo) => Promise<unknown>,
) {
  const log = logger.child({ module: 'payments' });
  const foreign = foreignSessionTest(config);

  function bySession(sessionId: string) {
    if (!SESSION_ID.test(sessionId))
      throw new DomainError('VALIDATION', 'session_id is malformed', [
        { field: 'session_id', message: 'session_id is malformed' },
      ]);
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
    return sessionPageOf(row, reader?.language ?? 'en', foreign);
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
      .where((eb) =>
        eb.or([
          eb('session_checked_at', 'is', null),
          eb('session_checked_at', '<=', since),
          eb('session_checked_at', '>', nowIso),
        ]),
      )
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
    // Another provider's session: nobody here can say more than the database does.
    if (row.status === 'PAID' || row.status === 'REFUNDED' || foreign(row.session_url))
      return sessionPageOf(row, language, foreign);
    if (!(await claimCheck(sessionId))) {
      // Whoever asked Stripe last may have asked before this payer paid: the page waits for the
      // next check rather than saying "not paid" on that word.
      const checkedAt = row.session_checked_at ? Date.parse(row.session_checked_at) : clock.now().getTime();
      const wait = checkedAt + SESSION_CHECK_INTERVAL_MS - clock.now().getTime();
      return {
        ...sessionPageOf(row, language, foreign),
        recheckInMs: Math.min(SESSION_CHECK_INTERVAL_MS, Math.max(1000, wait + 100)),
      };
    }
    let session: CheckoutSessionInfo;
    try {
      session = await gateway.retrieveSession(sessionId);
    } catch (e) {
      log.warn({ paymentId: row.id, err: gatewayErrorCode(e) ?? String(e) }, 'could not confirm session with Stripe');
      throw new DomainError(
        'PAYMENT_PROVIDER_UNAVAILABLE',
        'We could not confirm the payment with Stripe right now; it will be confirmed automatically',
      );
    }
    await applySession(session);
    row = (await db.selectFrom('payments').selectAll().where('id', '=', row.id).executeTakeFirst()) ?? row;
    return sessionPageOf(row, language, foreign);
  }

  /** The cancel redirect: what the database knows (no Stripe call); null for an unknown session. */
  async function sessionPage(sessionId: string): Promise<SessionPage | null> {
    const found = await bySession(sessionId);
    if (!found) return null;
    const { reader_language: language, ...row } = found;
    return sessionPageOf(row, language, foreign);
  }

  return { confirmSession, sessionPage, pageOfRow };
}
