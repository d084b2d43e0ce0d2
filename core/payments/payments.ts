// Payments as readers and staff use them (docs/rules.md#payments): reading them, opening and
// renewing their checkout, the pay link every Pay button opens, refunds. Settling them from
// Stripe's word is core/payments/settlement.ts.

import { type DB, getOrCreateSetting, immediateTransaction, lockForUpdate, randomSecret } from '../../db/connection.js';
import type { PaymentRow } from '../../db/schema.js';
import {
  type Actor,
  clampLimit,
  DomainError,
  decodeCursor,
  formatCents,
  isoNow,
  listOwner,
  notFound,
  type Page,
  requireAccess,
  requirePerson,
  requireStaff,
  toPage,
} from '../kernel/index.js';
import { enqueue, readerNote } from '../notices/index.js';
import {
  createSessionPageReads,
  foreignSessionTest,
  liveSessionUrl,
  type Opened,
  type SessionPage,
  sessionErrorFor,
} from './checkout.js';
import { gatewayErrorCode, type PaymentDeps } from './gateway.js';
import { createNoticeFacts } from './notice-facts.js';
import { createPayLinks } from './pay-links.js';
import { isRenewable, type Payment, paymentNoticeFacts, toPayment } from './payment.js';
import { createSettlement } from './settlement.js';

export function createPayments(deps: PaymentDeps) {
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
  async function list(
    actor: Actor,
    opts: { cursor?: string; limit?: number; userId?: number; status?: Payment['status'] } = {},
  ): Promise<Page<Payment>> {
    const userId = listOwner(actor, opts.userId);
    const limit = clampLimit(opts.limit);
    const after = decodeCursor<[number]>(opts.cursor, ['int']);
    let q = db.selectFrom('payments').selectAll();
    if (userId !== undefined) q = q.where('user_id', '=', userId);
    if (opts.status) q = q.where('status', '=', opts.status);
    if (after) q = q.where('id', '<', after[0]);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
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
        'payments.id',
        'payments.type',
        'payments.status',
        'payments.money_to_pay_cents',
        'payments.session_id',
        'payments.session_attempt',
        'payments.user_id',
        'payments.borrowing_id',
        'payments.renewal',
        'books.title',
        'borrowings.borrow_date',
        'borrowings.expected_return_date',
      ])
      .where('payments.id', '=', paymentId)
      .executeTakeFirst();
    if (p?.status !== 'PENDING' || p.session_id !== null) return { row: p ? await getRow(paymentId) : null, error: null };
    const what = p.type === 'FINE' ? 'Late return fine' : p.renewal > 0 ? 'Loan extension' : 'Book rent';
    try {
      const session = await gateway.createCheckoutSession({
        amountCents: p.money_to_pay_cents,
        productName: `${what}: ${p.title}`.slice(0, 250),
        description:
          p.type === 'FINE'
            ? `Overdue fine for borrowing #${p.borrowing_id}`
            : p.renewal > 0
              ? `Borrowing #${p.borrowing_id}, renewal ${p.renewal}: due back ${p.expected_return_date}`
              : `Borrowing #${p.borrowing_id}, ${p.borrow_date} → ${p.expected_return_date}`,
        successUrl: `${config.publicUrl}/api/payments/success/?session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${config.publicUrl}/api/payments/cancel/?session_id={CHECKOUT_SESSION_ID}`,
        idempotencyKey: `${await instanceId()}-payment-${p.id}-session-${p.session_attempt}`,
        metadata: {
          payment_id: String(p.id),
          borrowing_id: String(p.borrowing_id),
          user_id: String(p.user_id),
          type: p.type,
          renewal: String(p.renewal),
        },
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
      log.warn({ paymentId, err: gatewayErrorCode(e) ?? String(e) }, 'checkout session not created; payment stays renewable');
      return { row: await getRow(p.id), error: sessionErrorFor(config, gatewayErrorCode(e)) };
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
        throw new DomainError(
          'PAYMENT_NOT_RENEWABLE',
          row.status === 'PENDING'
            ? 'This payment already has an open checkout session; use its session_url'
            : `Only an expired payment can be renewed; this one is ${row.status}`,
        );
      }
      await trx
        .updateTable('payments')
        .set({
          status: 'PENDING',
          session_id: null,
          session_url: null,
          session_expires_at: null,
          session_attempt: row.session_attempt + 1,
        })
        .where('id', '=', id)
        .execute();
    });
    const { row: opened, error } = await openSession(id);
    if (!opened?.session_id) {
      throw new DomainError(
        'PAYMENT_PROVIDER_UNAVAILABLE',
        error?.message ?? 'The payment provider could not be reached; please try again in a minute',
      );
    }
    return view(opened);
  }

  const { markExpired, applySession, handleWebhook, expireDue } = createSettlement(deps, log);
  const { confirmSession, sessionPage, pageOfRow } = createSessionPageReads(deps, applySession);

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
    if (
      row.status === 'PENDING' &&
      row.session_id &&
      !foreign(row.session_url) &&
      row.session_expires_at &&
      row.session_expires_at <= isoNow(clock)
    ) {
      try {
        let session = await gateway.retrieveSession(row.session_id);
        if (!session.paid && session.status === 'open') session = await gateway.expireSession(row.session_id);
        await applySession(session);
      } catch (e) {
        log.warn({ paymentId: id, err: gatewayErrorCode(e) ?? String(e) }, 'pay link: could not settle an overdue session');
        throw new DomainError(
          'PAYMENT_PROVIDER_UNAVAILABLE',
          'The payment provider could not be reached; please try again in a minute',
        );
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
      if (e instanceof DomainError && e.code === 'PAYMENT_NOT_RENEWABLE' && (now.status === 'PAID' || now.status === 'REFUNDED'))
        return { paid: await pageOfRow(now) };
      throw e;
    }
  }

  /** Staff refund of a PAID payment through Stripe. */
  async function refund(actor: Actor, id: number): Promise<Payment> {
    requireStaff(actor, 'Only staff can refund payments');
    const row = await getRow(id);
    if (row.status !== 'PAID')
      throw new DomainError('PAYMENT_NOT_REFUNDABLE', `Only a paid payment can be refunded; this one is ${row.status}`);
    let intent = row.payment_intent_id;
    try {
      if (!intent && row.session_id) intent = (await gateway.retrieveSession(row.session_id)).paymentIntentId;
      if (!intent) throw new DomainError('PAYMENT_NOT_REFUNDABLE', 'Stripe has no charge for this payment to refund');
      await gateway.refund(intent, `${await instanceId()}-refund-payment-${row.id}`);
    } catch (e) {
      if (e instanceof DomainError) throw e;
      const code = gatewayErrorCode(e);
      if (code !== undefined && code !== 'UNAVAILABLE') {
        throw new DomainError('PAYMENT_NOT_REFUNDABLE', `Stripe refused the refund: ${(e as Error).message}`);
      }
      throw new DomainError(
        'PAYMENT_PROVIDER_UNAVAILABLE',
        'The payment provider could not be reached; nothing was refunded, try again',
      );
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
        const payload = {
          payment_id: f.id,
          borrowing_id: f.borrowing_id,
          type: f.type,
          renewal: f.renewal,
          amount: formatCents(f.money_to_pay_cents),
          book_title: f.title,
        };
        await enqueue(trx, readerNote(f, 'reader.payment_refunded', payload, `refunded:${id}`), now.getTime());
      }
      return done;
    });
    return view(updated ?? (await getRow(id)));
  }

  return {
    // Use cases. The Stripe-facing ones (confirmSession, sessionPage, handleWebhook, markExpired)
    // act on Stripe's word — a signed event, a session id only Stripe and the payer hold — not an actor's.
    get,
    list,
    renew,
    refund,
    expireDue,
    confirmSession,
    sessionPage,
    handleWebhook,
    markExpired,
    checkoutByLink,
    // Pay links (the URL every Pay button opens).
    links,
    // What a notice shows of its payments when it is sent (the bot's notice renderer).
    noticeFacts: createNoticeFacts(db),
    // For core's own services (borrowings): no checks of their own, not for doors.
    internal: { getRow, firstUnpaid, openSession },
  };
}

export type PaymentsService = ReturnType<typeof createPayments>;
/** What core's other services use of payments, below the use cases' checks. */
export type PaymentStore = PaymentsService['internal'];
