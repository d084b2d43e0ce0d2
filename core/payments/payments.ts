import type { PaymentRow } from '../../db/schema.js';
import { getOrCreateSetting, immediateTransaction, lockForUpdate, randomSecret, type DB } from '../../db/connection.js';
import { type Actor, type CoreDeps, listOwner, requireAccess, requirePerson, requireStaff, DomainError, notFound, formatCents, clampLimit, decodeCursor, toPage, type Page, isoNow, displayName } from '../kernel/index.js';
import { enqueue, payButtonEdits, readerNote, staffNote } from '../notices/index.js';
import { PaymentGatewayError, type CheckoutSessionInfo } from '../../gateways/stripe.js';
import {
  createCheckoutPages, foreignSessionTest, liveSessionUrl, sessionErrorFor, sessionMismatch, sessionPageOf, type Opened, type SessionMismatch, type SessionPage,
} from './checkout.js';
import { createPayLinks } from './pay-links.js';

export interface Payment {
  id: number;
  borrowing_id: number;
  user_id: number;
  type: 'PAYMENT' | 'FINE';
  status: 'PENDING' | 'PAID' | 'EXPIRED' | 'REFUNDED';
  /** 0: the loan's rent (or a fine); n: the extra rent of the loan's n-th renewal (SPEC §11). */
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
  'id', 'borrowing_id', 'user_id', 'type', 'status', 'renewal', 'money_to_pay_cents', 'session_id', 'session_url', 'session_expires_at',
  'created_at', 'paid_at', 'refunded_at',
] as const;

/** `foreign`: whether a session is another provider's (checkout.ts), whose link is not offered. */
export const toPayment = (r: Pick<PaymentRow, (typeof PAYMENT_COLUMNS)[number]>, foreign: (url: string | null) => boolean = () => false): Payment => ({
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
export function insertPendingPayment(trx: DB, p: { borrowingId: number; userId: number; type: 'PAYMENT' | 'FINE'; cents: number; at: Date; renewal?: number }) {
  return trx
    .insertInto('payments')
    .values({
      borrowing_id: p.borrowingId, user_id: p.userId, type: p.type, status: 'PENDING', money_to_pay_cents: p.cents, renewal: p.renewal ?? 0,
      session_id: null, session_url: null, session_expires_at: null, payment_intent_id: null,
      created_at: p.at.toISOString(), paid_at: null, refunded_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** A payment the owner may ask a new Checkout Session for: expired, never opened, or opened by another provider. */
export const isRenewable = (p: Pick<PaymentRow, 'status' | 'session_id' | 'session_url'>, foreign: (url: string | null) => boolean) =>
  p.status === 'EXPIRED' || (p.status === 'PENDING' && (p.session_id === null || foreign(p.session_url)));

export function createPayments(deps: CoreDeps) {
  const { db, clock, config, gateway, logger } = deps;
  const log = logger.child({ module: 'payments' });
  const foreign = foreignSessionTest(config);
  const view = (r: PaymentRow) => toPayment(r, foreign);
  // Idempotency keys must not collide with an earlier database's on the same Stripe account.
  let instance: Promise<string> | undefined;
  const instanceId = () => (instance ??= getOrCreateSetting(db, 'instance_id', randomSecret));

  async function getRow(id: number): Promise<PaymentRow> {
    const row = await db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Payment');
    return row;
  }

  /** Someone else's payment answers 404, so ids reveal nothing. */
  async function getOwned(actor: Actor, id: number): Promise<PaymentRow> {
    return requireAccess(actor, await db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst(), 'Payment');
  }

  async function get(actor: Actor, id: number): Promise<Payment> {
    return view(await getOwned(actor, id));
  }

  /** Your payments; staff see everyone's and may filter by `userId` (anyone else: FORBIDDEN for trying). */
  async function list(actor: Actor, opts: { cursor?: string; limit?: number; userId?: number; status?: Payment['status'] } = {}): Promise<Page<Payment>> {
    const userId = listOwner(actor, opts.userId);
    const limit = clampLimit(opts.limit);
    const after = decodeCursor<[number]>(opts.cursor, ['int']);
    let q = db.selectFrom('payments').selectAll();
    if (userId !== undefined) q = q.where('user_id', '=', userId);
    if (opts.status) q = q.where('status', '=', opts.status);
    if (after) q = q.where('id', '<', after[0]);
    const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
    return toPage(rows, limit, (r) => [r.id], view);
  }

  /** The first unpaid (PENDING or EXPIRED) payment of a reader, if any. */
  async function firstUnpaid(trx: DB, userId: number) {
    return trx
      .selectFrom('payments')
      .select(['id', 'status', 'money_to_pay_cents', 'type'])
      .where('user_id', '=', userId)
      .where('status', 'in', ['PENDING', 'EXPIRED'])
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * Opens a Checkout Session for a payment that has none (called after the transaction that
   * created or renewed it has committed). Stripe down → the payment stays PENDING without a
   * session, renewable later, and `error` says why.
   */
  async function openSession(paymentId: number): Promise<Opened> {
    const p = await db
      .selectFrom('payments')
      .innerJoin('borrowings', 'borrowings.id', 'payments.borrowing_id')
      .innerJoin('books', 'books.id', 'borrowings.book_id')
      .select([
        'payments.id', 'payments.type', 'payments.status', 'payments.money_to_pay_cents', 'payments.session_id',
        'payments.session_attempt', 'payments.user_id', 'payments.borrowing_id', 'payments.renewal',
        'books.title', 'borrowings.borrow_date', 'borrowings.expected_return_date',
      ])
      .where('payments.id', '=', paymentId)
      .executeTakeFirst();
    if (!p || p.status !== 'PENDING' || p.session_id !== null) return { row: p ? await getRow(paymentId) : null, error: null };
    const what = p.type === 'FINE' ? 'Late return fine' : p.renewal > 0 ? 'Loan extension' : 'Book rent';
    try {
      const session = await gateway.createCheckoutSession({
        amountCents: p.money_to_pay_cents,
        productName: `${what}: ${p.title}`.slice(0, 250),
        description: p.type === 'FINE'
          ? `Overdue fine for borrowing #${p.borrowing_id}`
          : p.renewal > 0
            ? `Borrowing #${p.borrowing_id}, renewal ${p.renewal}: due back ${p.expected_return_date}`
            : `Borrowing #${p.borrowing_id}, ${p.borrow_date} → ${p.expected_return_date}`,
        successUrl: `${config.publicUrl}/api/payments/success/?session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${config.publicUrl}/api/payments/cancel/?session_id={CHECKOUT_SESSION_ID}`,
        idempotencyKey: `${await instanceId()}-payment-${p.id}-session-${p.session_attempt}`,
        metadata: { payment_id: String(p.id), borrowing_id: String(p.borrowing_id), user_id: String(p.user_id), type: p.type, renewal: String(p.renewal) },
        clientReferenceId: String(p.id),
      });
      const updated = await db
        .updateTable('payments')
        .set({
          session_id: session.id,
          session_url: session.url,
          session_expires_at: new Date(session.expiresAt * 1000).toISOString(),
          session_checked_at: null,
        })
        .where('id', '=', p.id)
        .where('status', '=', 'PENDING')
        .where('session_id', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return { row: updated ?? (await getRow(p.id)), error: null };
    } catch (e) {
      log.warn({ paymentId, err: e instanceof PaymentGatewayError ? e.code : String(e) }, 'checkout session not created; payment stays renewable');
      return { row: await getRow(p.id), error: sessionErrorFor(config, e instanceof PaymentGatewayError ? e.code : undefined) };
    }
  }

  /** A new session for an EXPIRED payment, or a PENDING one whose session was never created or is another provider's. */
  async function renew(actor: Actor, id: number): Promise<Payment> {
    // Only the payer renews: staff may see the payment, but the checkout session is the reader's to open.
    const payer = requirePerson(actor);
    await immediateTransaction(db, async (trx) => {
      await lockForUpdate(trx, 'payments', [id]);
      const row = await trx.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row || row.user_id !== payer.userId) throw notFound('Payment');
      if (!isRenewable(row, foreign)) {
        throw new DomainError('PAYMENT_NOT_RENEWABLE', row.status === 'PENDING'
          ? 'This payment already has an open checkout session; use its session_url'
          : `Only an expired payment can be renewed; this one is ${row.status}`);
      }
      await trx
        .updateTable('payments')
        .set({ status: 'PENDING', session_id: null, session_url: null, session_expires_at: null, session_attempt: row.session_attempt + 1 })
        .where('id', '=', id)
        .execute();
    });
    const { row: opened, error } = await openSession(id);
    if (!opened?.session_id) {
      throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', error?.message ?? 'The payment provider could not be reached; please try again in a minute');
    }
    return view(opened);
  }

  /**
   * Marks the payment behind a session PAID, once, when the session pays it (paid, in full, in
   * USD); anything else is logged and changes nothing. Notifications go in the same transaction.
   * `now` is the calling use case's single clock read.
   */
  function markPaid(session: CheckoutSessionInfo, now: Date = clock.now()): Promise<{ payment: PaymentRow; changed: boolean; refused?: SessionMismatch } | null> {
    return immediateTransaction(db, (trx) => markPaidIn(trx, session, now));
  }

  /** What a reader notice about a payment says: its amount and kind, the book, and who to tell. */
  function paymentNoticeFacts(trx: DB, paymentId: number) {
    return trx
      .selectFrom('payments')
      .innerJoin('borrowings', 'borrowings.id', 'payments.borrowing_id')
      .innerJoin('books', 'books.id', 'borrowings.book_id')
      .innerJoin('users', 'users.id', 'payments.user_id')
      .select(['payments.id', 'payments.type', 'payments.renewal', 'payments.money_to_pay_cents', 'payments.borrowing_id', 'books.title', 'users.telegram_user_id', 'users.language'])
      .where('payments.id', '=', paymentId)
      .executeTakeFirstOrThrow();
  }

  /** markPaid inside the caller's write transaction (a webhook claims its event in the same one). */
  async function markPaidIn(trx: typeof db, session: CheckoutSessionInfo, now: Date): Promise<{ payment: PaymentRow; changed: boolean; refused?: SessionMismatch } | null> {
    const found = await trx.selectFrom('payments').select('id').where('session_id', '=', session.id).executeTakeFirst();
    if (!found) return null;
    // The success page and the webhook may confirm the same session at once (on two instances).
    await lockForUpdate(trx, 'payments', [found.id]);
    const row = await trx.selectFrom('payments').selectAll().where('id', '=', found.id).executeTakeFirstOrThrow();
    if (row.status !== 'PENDING' && row.status !== 'EXPIRED') return { payment: row, changed: false };
    const refused = sessionMismatch(row, session);
    if (refused) {
      // Amounts and codes only: the session id opens the anonymous pages, the URL is a way to pay.
      log.warn({ paymentId: row.id, ...refused }, 'Stripe session does not pay this payment; left unpaid');
      return { payment: row, changed: false, refused };
    }
    const updated = await trx
      .updateTable('payments')
      .set({ status: 'PAID', paid_at: now.toISOString(), payment_intent_id: session.paymentIntentId })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const facts = await trx
      .selectFrom('borrowings')
      .innerJoin('books', 'books.id', 'borrowings.book_id')
      .innerJoin('users', 'users.id', 'borrowings.user_id')
      .select(['books.title', 'users.first_name', 'users.last_name', 'users.telegram_user_id', 'users.telegram_username', 'users.language', 'users.email'])
      .where('borrowings.id', '=', updated.borrowing_id)
      .executeTakeFirstOrThrow();
    const payload = {
      payment_id: updated.id,
      borrowing_id: updated.borrowing_id,
      type: updated.type,
      renewal: updated.renewal,
      amount: formatCents(updated.money_to_pay_cents),
      book_title: facts.title,
      reader: displayName({ ...facts, id: updated.user_id }),
      reader_username: facts.telegram_username,
    };
    await enqueue(trx, [
      ...staffNote(config.telegram.staffChatId, 'staff.payment_received', payload),
      ...readerNote(facts, 'reader.payment_received', payload, `paid:${updated.id}`),
      // Its Pay buttons, wherever they were sent, lose the button (paid on any path: here).
      ...(await payButtonEdits(trx, updated.id)),
    ], now.getTime());
    return { payment: updated, changed: true };
  }

  /** A PENDING session that ended unpaid becomes EXPIRED, and its reader is told (with Pay) in the same transaction. */
  function markExpired(sessionId: string): Promise<boolean> {
    return immediateTransaction(db, (trx) => markExpiredIn(trx, sessionId));
  }

  /** markExpired inside the caller's write transaction (a webhook claims its event in the same one). */
  async function markExpiredIn(trx: typeof db, sessionId: string): Promise<boolean> {
    const expired = await trx
      .updateTable('payments')
      .set({ status: 'EXPIRED' })
      .where('session_id', '=', sessionId)
      .where('status', '=', 'PENDING')
      .returning('id')
      .executeTakeFirst();
    if (!expired) return false;
    const f = await paymentNoticeFacts(trx, expired.id);
    const payload = { payment_id: f.id, borrowing_id: f.borrowing_id, type: f.type, renewal: f.renewal, amount: formatCents(f.money_to_pay_cents), book_title: f.title };
    await enqueue(trx, readerNote(f, 'reader.payment_expired', payload, `expired:${sessionId}`), clock.now().getTime());
    return true;
  }

  async function applySession(session: CheckoutSessionInfo, now: Date = clock.now()): Promise<'paid' | 'expired' | 'open' | 'unknown'> {
    // A completed session whose money has not arrived (or does not match) is refused in markPaid.
    if (session.paid || session.status === 'complete') {
      const r = await markPaid(session, now);
      return r && !r.refused ? 'paid' : 'unknown';
    }
    if (session.status === 'expired') {
      await markExpired(session.id);
      return 'expired';
    }
    return 'open';
  }

  /** applySession inside the caller's write transaction. */
  async function applySessionIn(trx: typeof db, session: CheckoutSessionInfo, now: Date): Promise<void> {
    if (session.paid || session.status === 'complete') await markPaidIn(trx, session, now);
    else if (session.status === 'expired') await markExpiredIn(trx, session.id);
  }

  const { confirmSession, sessionPage, pageOfRow } = createCheckoutPages(deps, applySession);

  const links = createPayLinks(deps);

  /**
   * What a pay link opens (core/payments/pay-links.ts): the payment's live checkout, made anew when the
   * session expired — or ran past its expiry before the job noticed, which Stripe is asked
   * about first — or was never made; or, once paid, the receipt. The link's signature is the
   * authority (as the session id is for the success page): a renewal is done for the payment's
   * own reader, whoever holds their link.
   */
  async function checkoutByLink(token: string): Promise<{ url: string } | { paid: SessionPage }> {
    const id = await links.verify(token);
    if (id === null) throw notFound('Payment');
    let row = await getRow(id);
    if (row.status === 'PENDING' && row.session_id && !foreign(row.session_url) && row.session_expires_at && row.session_expires_at <= isoNow(clock)) {
      try {
        let session = await gateway.retrieveSession(row.session_id);
        if (!session.paid && session.status === 'open') session = await gateway.expireSession(row.session_id);
        await applySession(session);
      } catch (e) {
        log.warn({ paymentId: id, err: e instanceof PaymentGatewayError ? e.code : String(e) }, 'pay link: could not settle an overdue session');
        throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', 'The payment provider could not be reached; please try again in a minute');
      }
      row = await getRow(id);
    }
    if (row.status === 'PAID' || row.status === 'REFUNDED') return { paid: await pageOfRow(row) };
    const live = row.session_id !== null ? liveSessionUrl(row, foreign) : null;
    if (live) return { url: live };
    try {
      const renewed = await renew({ userId: row.user_id, isStaff: false }, id);
      return { url: renewed.session_url! };
    } catch (e) {
      // Two presses at once: the other one renewed it; open what it made.
      const now = await getRow(id);
      const nowLive = liveSessionUrl(now, foreign);
      if (e instanceof DomainError && e.code === 'PAYMENT_NOT_RENEWABLE' && nowLive) return { url: nowLive };
      if (e instanceof DomainError && e.code === 'PAYMENT_NOT_RENEWABLE' && (now.status === 'PAID' || now.status === 'REFUNDED')) return { paid: await pageOfRow(now) };
      throw e;
    }
  }

  /** A Stripe webhook; each event id is applied once. */
  async function handleWebhook(rawBody: string, signature: string | undefined): Promise<{ id: string; type: string; applied: boolean }> {
    let event;
    try {
      event = await gateway.verifyWebhook(rawBody, signature);
    } catch (e) {
      if (e instanceof PaymentGatewayError && e.code === 'BAD_SIGNATURE') {
        throw new DomainError('VALIDATION', 'Webhook signature verification failed');
      }
      throw e;
    }
    const now = clock.now();
    const session = (event.type === 'checkout.session.completed' || event.type === 'checkout.session.async_payment_succeeded' || event.type === 'checkout.session.expired')
      ? event.session
      : undefined;
    // The event id is claimed and its effect written in one transaction: of two deliveries at
    // once (two instances, or Stripe retrying), the second waits on the first's claim (the
    // primary key) and then finds it taken; a failed apply rolls the claim back with it, so
    // Stripe's next retry applies it.
    const applied = await immediateTransaction(db, async (trx) => {
      const claimed = await trx
        .insertInto('stripe_events')
        .values({ id: event.id, type: event.type, processed_at: now.toISOString() })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!claimed) return false;
      if (session) await applySessionIn(trx, session, now);
      return true;
    });
    return { id: event.id, type: event.type, applied };
  }

  /** Staff refund of a PAID payment through Stripe. */
  async function refund(actor: Actor, id: number): Promise<Payment> {
    requireStaff(actor, 'Only staff can refund payments');
    const row = await getRow(id);
    if (row.status !== 'PAID') throw new DomainError('PAYMENT_NOT_REFUNDABLE', `Only a paid payment can be refunded; this one is ${row.status}`);
    let intent = row.payment_intent_id;
    try {
      if (!intent && row.session_id) intent = (await gateway.retrieveSession(row.session_id)).paymentIntentId;
      if (!intent) throw new DomainError('PAYMENT_NOT_REFUNDABLE', 'Stripe has no charge for this payment to refund');
      await gateway.refund(intent, `${await instanceId()}-refund-payment-${row.id}`);
    } catch (e) {
      if (e instanceof DomainError) throw e;
      if (e instanceof PaymentGatewayError && e.code !== 'UNAVAILABLE') {
        throw new DomainError('PAYMENT_NOT_REFUNDABLE', `Stripe refused the refund: ${e.message}`);
      }
      throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', 'The payment provider could not be reached; nothing was refunded, try again');
    }
    const now = clock.now();
    const updated = await immediateTransaction(db, async (trx) => {
      const done = await trx
        .updateTable('payments')
        .set({ status: 'REFUNDED', refunded_at: now.toISOString(), payment_intent_id: intent })
        .where('id', '=', id)
        .where('status', '=', 'PAID')
        .returningAll()
        .executeTakeFirst();
      if (done) {
        // The reader is told their money is on its way back.
        const f = await paymentNoticeFacts(trx, id);
        const payload = { payment_id: f.id, borrowing_id: f.borrowing_id, type: f.type, renewal: f.renewal, amount: formatCents(f.money_to_pay_cents), book_title: f.title };
        await enqueue(trx, readerNote(f, 'reader.payment_refunded', payload, `refunded:${id}`), now.getTime());
      }
      return done;
    });
    return view(updated ?? (await getRow(id)));
  }

  /**
   * The expiry job: PENDING sessions past their expiry are checked with Stripe; unpaid ones
   * become EXPIRED, paid ones PAID. Reads in keyset batches; one Stripe call per session is
   * unavoidable.
   */
  async function expireDue(actor: Actor, batchSize = 100): Promise<{ checked: number; expired: number; paid: number; errors: number }> {
    requireStaff(actor);
    const now = clock.now();
    const nowIso = now.toISOString();
    const summary = { checked: 0, expired: 0, paid: 0, errors: 0 };
    let afterId = 0;
    for (;;) {
      const rows = await db
        .selectFrom('payments')
        .select(['id', 'session_id', 'session_url'])
        .where('status', '=', 'PENDING')
        .where('session_expires_at', '<=', nowIso)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) break;
      afterId = rows[rows.length - 1]!.id;
      for (const r of rows) {
        if (!r.session_id) continue;
        summary.checked++;
        // Another provider's session cannot be asked about here, nor paid: it ran out unpaid.
        if (foreign(r.session_url)) {
          if (await markExpired(r.session_id)) summary.expired++;
          continue;
        }
        try {
          let session = await gateway.retrieveSession(r.session_id);
          if (!session.paid && session.status === 'open') session = await gateway.expireSession(r.session_id);
          if (session.paid) {
            const r = await markPaid(session, now);
            if (r?.refused) summary.errors++;
            else summary.paid++;
          } else if (await markExpired(r.session_id)) {
            summary.expired++;
          }
        } catch (e) {
          summary.errors++;
          log.warn({ paymentId: r.id, err: e instanceof PaymentGatewayError ? e.code : String(e) }, 'expiry check failed; will retry next run');
        }
      }
      if (rows.length < batchSize) break;
    }
    return summary;
  }

  return {
    // Use cases. The Stripe-facing ones (confirmSession, sessionPage, handleWebhook, markExpired)
    // act on Stripe's word — a signed event, a session id only Stripe and the payer hold — not an actor's.
    get, list, renew, refund, expireDue, confirmSession, sessionPage, handleWebhook, markExpired, checkoutByLink,
    // Pay links (the URL every Pay button opens).
    links,
    // For core's own services (borrowings): no checks of their own, not for doors.
    internal: { getRow, firstUnpaid, openSession },
  };
}

export type PaymentsService = ReturnType<typeof createPayments>;
/** What core's other services use of payments, below the use cases' checks. */
export type PaymentStore = PaymentsService['internal'];
