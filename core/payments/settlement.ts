// Settling payments from the provider's word (docs/rules.md#payments): a session paid (success
// page, webhook, expiry job) or expired, each applied once; the expiry job. Nobody's Actor acts
// here but the job's: Stripe's signed events and the session ids only Stripe and the payer hold
// are the authority.
import type { Logger } from 'pino';
import { immediateTransaction, lockForUpdate } from '../../db/connection.js';
import type { PaymentRow } from '../../db/schema.js';
import { type Actor, DomainError, displayName, formatCents, requireStaff } from '../kernel/index.js';
import { enqueue, payButtonEdits, readerNote, staffNote } from '../notices/index.js';
import { foreignSessionTest, type SessionMismatch, sessionMismatch } from './checkout.js';
import { type CheckoutSessionInfo, gatewayErrorCode, type PaymentDeps, type WebhookEvent } from './gateway.js';
import { paymentNoticeFacts } from './payment.js';

export function createSettlement(deps: PaymentDeps, log: Logger) {
  const { db, clock, config, gateway } = deps;
  const foreign = foreignSessionTest(config);

  /**
   * Marks the payment behind a session PAID, once, when the session pays it (paid, in full, in
   * USD); anything else is logged and changes nothing. Notifications go in the same transaction.
   * `now` is the calling use case's single clock read.
   */
  function markPaid(
    session: CheckoutSessionInfo,
    now: Date = clock.now(),
  ): Promise<{ payment: PaymentRow; changed: boolean; refused?: SessionMismatch } | null> {
    return immediateTransaction(db, (trx) => markPaidIn(trx, session, now));
  }

  /** markPaid inside the caller's write transaction (a webhook claims its event in the same one). */
  async function markPaidIn(
    trx: typeof db,
    session: CheckoutSessionInfo,
    now: Date,
  ): Promise<{ payment: PaymentRow; changed: boolean; refused?: SessionMismatch } | null> {
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
      .select([
        'books.title',
        'users.first_name',
        'users.last_name',
        'users.telegram_user_id',
        'users.telegram_username',
        'users.language',
        'users.email',
      ])
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
    await enqueue(
      trx,
      [
        ...staffNote(config.telegram.staffChatId, 'staff.payment_received', payload),
        ...readerNote(facts, 'reader.payment_received', payload, `paid:${updated.id}`),
        // Its Pay buttons, wherever they were sent, lose the button (paid on any path: here).
        ...(await payButtonEdits(trx, updated.id)),
      ],
      now.getTime(),
    );
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
    const payload = {
      payment_id: f.id,
      borrowing_id: f.borrowing_id,
      type: f.type,
      renewal: f.renewal,
      amount: formatCents(f.money_to_pay_cents),
      book_title: f.title,
    };
    await enqueue(trx, readerNote(f, 'reader.payment_expired', payload, `expired:${sessionId}`), clock.now().getTime());
    return true;
  }

  async function applySession(
    session: CheckoutSessionInfo,
    now: Date = clock.now(),
  ): Promise<'paid' | 'expired' | 'open' | 'unknown'> {
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

  /** A Stripe webhook; each event id is applied once. */
  async function handleWebhook(
    rawBody: string,
    signature: string | undefined,
  ): Promise<{ id: string; type: string; applied: boolean }> {
    let event: WebhookEvent;
    try {
      event = await gateway.verifyWebhook(rawBody, signature);
    } catch (e) {
      if (gatewayErrorCode(e) === 'BAD_SIGNATURE') {
        throw new DomainError('VALIDATION', 'Webhook signature verification failed');
      }
      throw e;
    }
    const now = clock.now();
    const session =
      event.type === 'checkout.session.completed' ||
      event.type === 'checkout.session.async_payment_succeeded' ||
      event.type === 'checkout.session.expired'
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

  /**
   * The expiry job: PENDING sessions past their expiry are checked with Stripe; unpaid ones
   * become EXPIRED, paid ones PAID. Reads in keyset batches; one Stripe call per session is
   * unavoidable.
   */
  async function expireDue(
    actor: Actor,
    batchSize = 100,
  ): Promise<{ checked: number; expired: number; paid: number; errors: number }> {
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
          log.warn({ paymentId: r.id, err: gatewayErrorCode(e) ?? String(e) }, 'expiry check failed; will retry next run');
        }
      }
      if (rows.length < batchSize) break;
    }
    return summary;
  }

  return { markPaid, markExpired, applySession, handleWebhook, expireDue };
}

export type Settlement = ReturnType<typeof createSettlement>;
