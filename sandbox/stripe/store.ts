// The objects the stand-in holds — Checkout Sessions, their payment intents and charges,
// refunds, events — and what happens to them: created, paid, expired (on request or once past
// expires_at, as Stripe does on its own), refunded. Every change that Stripe announces makes an
// event, handed to the webhooks.

import { newCheckoutSession, type SessionRecord } from './checkout-sessions.js';
import { invalid, noSuch } from './errors.js';
import { int, metadataParam, rejectUnknown, str } from './form.js';
import { clone, newId } from './ids.js';
import {
  type DeliveryResult,
  type FakeCheckoutSession,
  type FakeEvent,
  type FakePaymentIntent,
  type FakeRefund,
  type FakeStripeController,
  FakeStripeStateError,
  type FormObject,
  type RecordedRequest,
} from './types.js';
import type { Webhooks } from './webhooks.js';

interface ChargeRecord {
  id: string;
  intentId: string;
  sessionId: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  created: number;
}

export type StripeStore = Pick<FakeStripeController, 'pay' | 'expire' | 'expireDue'> & {
  readonly sessions: Map<string, SessionRecord>;
  readonly intents: Map<string, { intent: FakePaymentIntent; sessionId: string }>;
  readonly refunds: Map<string, FakeRefund>;
  readonly events: FakeEvent[];
  publicSession(rec: SessionRecord, expandLineItems?: boolean): FakeCheckoutSession;
  /** Open sessions past expires_at become expired, as Stripe does on its own. */
  refreshExpiry(rec: SessionRecord): void;
  markExpired(rec: SessionRecord, request: RecordedRequest | null): Promise<DeliveryResult | null>;
  /** The session, expired first if its time is up. */
  getSession(id: string): SessionRecord | undefined;
  /** getSession, or the error a controller call on an unknown session gets. */
  mustGet(id: string): SessionRecord;
  createSession(params: FormObject): SessionRecord;
  createRefund(params: FormObject, request: RecordedRequest): FakeRefund;
  reset(): void;
};

export function createStripeStore(deps: {
  now: () => number;
  apiVersion: string;
  checkoutUrlBase: string;
  webhooks: Webhooks;
}): StripeStore {
  const { now, apiVersion, checkoutUrlBase, webhooks } = deps;
  const nowSec = () => Math.floor(now() / 1000);
  let sessions = new Map<string, SessionRecord>();
  let intents = new Map<string, { intent: FakePaymentIntent; sessionId: string }>();
  let charges = new Map<string, ChargeRecord>();
  let refunds = new Map<string, FakeRefund>();
  let events: FakeEvent[] = [];

  function publicSession(rec: SessionRecord, expandLineItems = false): FakeCheckoutSession {
    const s = clone(rec.session);
    if (expandLineItems) {
      s.line_items = {
        object: 'list',
        data: clone(rec.lineItems),
        has_more: false,
        url: `/v1/checkout/sessions/${s.id}/line_items`,
      };
    }
    return s;
  }

  function createEvent(type: string, object: object, request: RecordedRequest | null): FakeEvent {
    const deliverable = webhooks.willDeliver(type);
    const ev: FakeEvent = {
      id: newId('evt'),
      object: 'event',
      api_version: apiVersion,
      created: nowSec(),
      data: { object: clone(object) as Record<string, unknown> },
      livemode: false,
      pending_webhooks: deliverable ? 1 : 0,
      request: { id: request?.requestId ?? null, idempotency_key: request?.idempotencyKey ?? null },
      type,
    };
    events.push(ev);
    return ev;
  }

  /** Open sessions past expires_at become expired, as Stripe does on its own. */
  function refreshExpiry(rec: SessionRecord): void {
    const s = rec.session;
    if (s.status === 'open' && now() >= s.expires_at * 1000) {
      markExpired(rec, null);
    }
  }

  function markExpired(rec: SessionRecord, request: RecordedRequest | null): Promise<DeliveryResult | null> {
    const s = rec.session;
    s.status = 'expired';
    s.url = null;
    const pi = intents.get(rec.intentId);
    if (pi) pi.intent.status = 'canceled';
    return webhooks.dispatch(createEvent('checkout.session.expired', publicSession(rec), request));
  }

  function getSession(id: string): SessionRecord | undefined {
    const rec = sessions.get(id);
    if (rec) refreshExpiry(rec);
    return rec;
  }

  function mustGet(id: string): SessionRecord {
    const rec = getSession(id);
    if (!rec) throw new FakeStripeStateError('not_found', `No such checkout.session: '${id}'`);
    return rec;
  }

  function createSession(params: FormObject): SessionRecord {
    const { rec, intent } = newCheckoutSession(params, { now, checkoutUrlBase });
    sessions.set(rec.session.id, rec);
    intents.set(intent.id, { intent, sessionId: rec.session.id });
    return rec;
  }

  function createRefund(params: FormObject, request: RecordedRequest): FakeRefund {
    rejectUnknown(params, ['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand']);
    const piId = str(params, 'payment_intent');
    const chId = str(params, 'charge');
    if (!piId && !chId) {
      throw invalid('One of the following params should be provided for this request: payment_intent or charge.', {
        code: 'parameter_missing',
      });
    }
    let charge: ChargeRecord | undefined;
    if (piId) {
      const pi = intents.get(piId);
      if (!pi) throw noSuch('payment_intent', piId, 'payment_intent');
      const rec = sessions.get(pi.sessionId);
      if (rec) refreshExpiry(rec);
      if (pi.intent.status !== 'succeeded' || !pi.intent.latest_charge) {
        throw invalid(`This PaymentIntent (${piId}) does not have a successful charge to refund.`, {
          code: 'payment_intent_unexpected_state',
          param: 'payment_intent',
        });
      }
      charge = charges.get(pi.intent.latest_charge);
      if (chId && charge?.id !== chId) throw invalid('The charge does not belong to this PaymentIntent.', { param: 'charge' });
    } else {
      charge = charges.get(chId!);
      if (!charge) throw noSuch('charge', chId!, 'charge');
    }
    if (!charge) throw invalid('No charge to refund.', { param: 'payment_intent' });
    const remaining = charge.amount - charge.amountRefunded;
    if (remaining <= 0) {
      throw invalid(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
    }
    const amount = int(params, 'amount') ?? remaining;
    if (amount <= 0) throw invalid('Refund amount must be positive.', { code: 'parameter_invalid_integer', param: 'amount' });
    if (amount > remaining) {
      throw invalid(
        `Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${(remaining / 100).toFixed(2)})`,
        { code: 'amount_too_large', param: 'amount' },
      );
    }
    const reason = str(params, 'reason') ?? null;
    if (reason !== null && !['duplicate', 'fraudulent', 'requested_by_customer'].includes(reason)) {
      throw invalid(`Invalid reason: ${reason}`, { code: 'parameter_invalid_string', param: 'reason' });
    }
    const refund: FakeRefund = {
      id: newId('re'),
      object: 'refund',
      amount,
      balance_transaction: null,
      charge: charge.id,
      created: nowSec(),
      currency: charge.currency,
      metadata: metadataParam(params.metadata, 'metadata'),
      payment_intent: charge.intentId,
      reason,
      status: 'succeeded',
    };
    charge.amountRefunded += amount;
    refunds.set(refund.id, refund);
    void webhooks.dispatch(createEvent('charge.refunded', chargeObject(charge), request));
    return refund;
  }

  function chargeObject(c: ChargeRecord): Record<string, unknown> {
    return {
      id: c.id,
      object: 'charge',
      amount: c.amount,
      amount_captured: c.amount,
      amount_refunded: c.amountRefunded,
      created: c.created,
      currency: c.currency,
      paid: true,
      payment_intent: c.intentId,
      refunded: c.amountRefunded >= c.amount,
      status: 'succeeded',
    };
  }

  return {
    get sessions() {
      return sessions;
    },
    get intents() {
      return intents;
    },
    get refunds() {
      return refunds;
    },
    get events() {
      return events;
    },
    publicSession,
    refreshExpiry,
    markExpired,
    getSession,
    mustGet,
    createSession,
    createRefund,

    async pay(id) {
      const rec = mustGet(id);
      const s = rec.session;
      if (s.status === 'expired') throw new FakeStripeStateError('session_expired', `Checkout Session ${id} has expired`);
      if (s.status === 'complete') return publicSession(rec);
      const pi = intents.get(rec.intentId)!.intent;
      const charge: ChargeRecord = {
        id: newId('ch'),
        intentId: pi.id,
        sessionId: id,
        amount: pi.amount,
        amountRefunded: 0,
        currency: pi.currency,
        created: nowSec(),
      };
      charges.set(charge.id, charge);
      pi.status = 'succeeded';
      pi.amount_received = pi.amount;
      pi.latest_charge = charge.id;
      s.status = 'complete';
      s.payment_status = 'paid';
      s.payment_intent = pi.id;
      s.url = null;
      await webhooks.dispatch(createEvent('checkout.session.completed', publicSession(rec), null));
      return publicSession(rec);
    },

    async expire(id) {
      const rec = mustGet(id);
      if (rec.session.status !== 'open') {
        throw new FakeStripeStateError('session_not_open', `Checkout Session ${id} is ${rec.session.status}, not open`);
      }
      await markExpired(rec, null);
      return publicSession(rec);
    },

    async expireDue() {
      const due = [...sessions.values()].filter((r) => r.session.status === 'open' && now() >= r.session.expires_at * 1000);
      await Promise.all(due.map((r) => markExpired(r, null)));
      return due.map((r) => publicSession(r));
    },

    reset() {
      sessions = new Map();
      intents = new Map();
      charges = new Map();
      refunds = new Map();
      events = [];
    },
  };
}
