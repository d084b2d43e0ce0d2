// The public shapes of the Stripe stand-in: its options, the Stripe objects it holds (as the
// API returns them), what it records, and the controller. Re-exported by fake-stripe-api.ts.
import type { Hono } from 'hono';

export interface FakeStripeOptions {
  /** When set only this key is accepted; otherwise any `sk_test_…` key is. */
  secretKey?: string;
  /** Signs webhook deliveries (`whsec_…`). Without it (or a URL) events are recorded only. */
  webhookSecret?: string;
  /** Where events are POSTed. */
  webhookUrl?: string;
  /** `session.url` is `${checkoutUrlBase}/${session.id}`. */
  checkoutUrlBase: string;
  /** Milliseconds since the epoch; drives `created`, `expires_at` and automatic expiry. */
  now?: () => number;
  /** `api_version` stamped on events. */
  apiVersion?: string;
  /** Event types delivered to the webhook URL (like an endpoint's enabled_events); `['*']` = all. */
  enabledEvents?: string[];
  /** Pauses between webhook attempts; attempts = length + 1. Default [100, 400, 1600]. */
  webhookRetryDelaysMs?: number[];
  /** Per-attempt timeout of a webhook POST. Default 5000. */
  webhookTimeoutMs?: number;
  /**
   * Most entries kept in `requests`, `deliveries` and the idempotency store (oldest dropped
   * first), so a long-running sandbox stays bounded. Default 10000.
   */
  logLimit?: number;
}

export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

export type SessionStatus = 'open' | 'complete' | 'expired';

export interface FakeCheckoutSession {
  id: string;
  object: 'checkout.session';
  amount_subtotal: number;
  amount_total: number;
  cancel_url: string;
  client_reference_id: string | null;
  created: number;
  currency: string;
  customer: null;
  customer_email: string | null;
  expires_at: number;
  livemode: false;
  metadata: Record<string, string>;
  mode: 'payment';
  payment_intent: string | null;
  payment_method_types: string[];
  payment_status: 'paid' | 'unpaid';
  status: SessionStatus;
  success_url: string;
  /** Only while the session is open, as on Stripe. */
  url: string | null;
  line_items?: { object: 'list'; data: FakeLineItem[]; has_more: false; url: string };
}

export interface FakeLineItem {
  id: string;
  object: 'item';
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  description: string;
  quantity: number;
  price: {
    id: string;
    object: 'price';
    currency: string;
    unit_amount: number;
    product: string;
    product_data: { name: string; description: string | null };
  };
}

export interface FakePaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  created: number;
  latest_charge: string | null;
  metadata: Record<string, string>;
  description: string | null;
  status: 'requires_payment_method' | 'succeeded' | 'canceled';
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  balance_transaction: null;
  charge: string;
  created: number;
  currency: string;
  metadata: Record<string, string>;
  payment_intent: string;
  reason: string | null;
  status: 'succeeded';
}

export interface FakeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface RecordedRequest {
  method: string;
  /** Path from `/v1/` on, whatever prefix the app is mounted under. */
  path: string;
  query: FormObject;
  /** The parsed form body. */
  body: FormObject;
  rawBody: string;
  idempotencyKey: string | null;
  /** The `Request-Id` the fake answered with. */
  requestId: string;
  /** Response status, once answered. */
  status?: number;
  at: number;
}

export interface WebhookAttempt {
  eventId: string;
  eventType: string;
  url: string;
  attempt: number;
  /** HTTP status, or null when the endpoint could not be reached. */
  status: number | null;
  ok: boolean;
  error?: string;
  signature: string;
  payload: string;
  at: number;
}

export interface DeliveryResult {
  eventId: string;
  ok: boolean;
  attempts: number;
  status: number | null;
  error?: string;
}

export interface FailureSpec {
  status: number;
  type?: string;
  message?: string;
  code?: string;
  /** Extra response headers, e.g. `{ 'Stripe-Should-Retry': 'false' }`. */
  headers?: Record<string, string>;
}

/** A controller call that Stripe itself would refuse (unknown session, paying an expired one…). */
export class FakeStripeStateError extends Error {
  constructor(
    readonly code: 'not_found' | 'session_expired' | 'session_not_open' | 'webhook_not_configured',
    message: string,
  ) {
    super(message);
    this.name = 'FakeStripeStateError';
  }
}

export interface FakeStripeController {
  readonly app: Hono<FakeEnv>;
  /** All sessions, newest first (sessions past expires_at are expired first, as Stripe would). */
  sessions(): FakeCheckoutSession[];
  session(id: string): FakeCheckoutSession | undefined;
  lineItems(sessionId: string): FakeLineItem[];
  /** The intent Stripe holds for a session (created with it; exposed on the session once paid). */
  paymentIntentFor(sessionId: string): FakePaymentIntent | undefined;
  refunds(): FakeRefund[];
  /**
   * The customer pays: status complete, payment_status paid, a `pi_…`, and a signed
   * `checkout.session.completed` delivered (state changes at once; the promise settles after
   * the delivery and its retries). Paying a paid session changes nothing.
   */
  pay(sessionId: string): Promise<FakeCheckoutSession>;
  /** Expires an open session and delivers `checkout.session.expired`. */
  expire(sessionId: string): Promise<FakeCheckoutSession>;
  /** Expires every open session whose expires_at has passed (by `now`), delivering events. */
  expireDue(): Promise<FakeCheckoutSession[]>;
  /** The redirect the hosted page performs, with `{CHECKOUT_SESSION_ID}` filled in. */
  redirectUrl(sessionId: string, outcome: 'success' | 'cancel'): string;
  /** Every event created, oldest first. */
  readonly events: readonly FakeEvent[];
  event(id: string): FakeEvent | undefined;
  /** POSTs an event (stored if new), signed, with retries; ignores enabledEvents. */
  deliverEvent(event: FakeEvent, opts?: { url?: string; secret?: string }): Promise<DeliveryResult>;
  /** Re-delivers a stored event with the very same payload — a replay, as Stripe's "Resend". */
  resend(eventId: string): Promise<DeliveryResult>;
  /** `t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<payload>">`, as Stripe signs webhooks. */
  sign(payload: string, secret?: string, timestampSec?: number): string;
  /** The next `count` API requests answer this error (before auth; not stored for idempotency). */
  failNext(count: number, failure: FailureSpec): void;
  /** The next `count` API requests hang `ms` before being handled (skipped if the client gave up). */
  delayNext(count: number, ms: number): void;
  readonly requests: readonly RecordedRequest[];
  readonly deliveries: readonly WebhookAttempt[];
  setWebhookUrl(url: string | undefined): void;
  /** Resolves when no webhook delivery is in flight. */
  idle(): Promise<void>;
  /** Forgets all state (sessions, events, logs, injected failures); keeps the options. */
  reset(): void;
  /** Cancels pending delays and retry timers. */
  close(): void;
}

export interface RequestState {
  params: FormObject;
  record: RecordedRequest;
  apiKey: string;
  requestId: string;
}
export type FakeEnv = { Variables: { stripe: RequestState } };
