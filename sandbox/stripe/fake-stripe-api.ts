/**
 * A local stand-in for the slice of the Stripe API this library uses: Checkout Sessions
 * (payment mode, inline `price_data`), refunds, events and signed webhooks.
 *
 * It serves the offline sandbox (the `/sandbox/checkout/<id>` page calls `pay()` / reads
 * `session()`) and the tests, where the real `stripe` client talks to it over HTTP. It
 * speaks the wire format stripe-node speaks — form-encoded bodies with bracketed keys,
 * `Authorization: Bearer sk_test_…`, `Idempotency-Key`, Stripe-shaped error bodies and
 * status codes — so that a client bug shows up here the way it would against Stripe.
 *
 * The `app` works standalone (`serve({ fetch: fake.app.fetch })`) and mounted under a
 * prefix (`app.route('/sandbox/stripe', fake.app)`); every route lives under `/v1/`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';

// ---------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------

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

interface RequestState {
  params: FormObject;
  record: RecordedRequest;
  apiKey: string;
  requestId: string;
}
export type FakeEnv = { Variables: { stripe: RequestState } };

// ---------------------------------------------------------------------------------------
// Form encoding (stripe-node: `a[b][0][c]=v`, brackets unescaped or %5B/%5D)
// ---------------------------------------------------------------------------------------

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** Parses a Stripe form-encoded string into nested objects and arrays. */
export function parseStripeForm(raw: string): FormObject {
  const root: FormObject = {};
  for (const [fullKey, value] of new URLSearchParams(raw)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(fullKey);
    if (!m) continue;
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    if (path.some((p) => FORBIDDEN_KEYS.has(p))) continue;
    let node: Record<string, FormValue> = root;
    for (let i = 0; i < path.length; i++) {
      let seg = path[i]!;
      if (seg === '') seg = String(Object.keys(node).length); // `a[]=x` appends
      if (i === path.length - 1) {
        node[seg] = value;
      } else {
        const next = node[seg];
        if (typeof next !== 'object' || next === null) node[seg] = {};
        node = node[seg] as Record<string, FormValue>;
      }
    }
  }
  return arraysFromIndexedObjects(root) as FormObject;
}

function arraysFromIndexedObjects(v: FormValue): FormValue {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(arraysFromIndexedObjects);
  const keys = Object.keys(v);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    const idx = keys.map(Number).sort((a, b) => a - b);
    if (idx.every((n, i) => n === i)) return idx.map((n) => arraysFromIndexedObjects(v[String(n)]!));
  }
  const out: FormObject = {};
  for (const k of keys) out[k] = arraysFromIndexedObjects(v[k]!);
  return out;
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

interface StripeErrorBody {
  type: string;
  message: string;
  code?: string;
  param?: string;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

const invalid = (message: string, extra: { code?: string; param?: string } = {}, status = 400) =>
  new ApiError(status, { type: 'invalid_request_error', message, ...extra });
const missing = (param: string) =>
  invalid(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
const noSuch = (kind: string, id: string, param = 'id') =>
  invalid(`No such ${kind}: '${id}'`, { code: 'resource_missing', param }, 404);

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${s}`;
}

const clone = <T>(v: T): T => structuredClone(v);

function redactKey(key: string): string {
  if (key.length <= 12) return `${key.slice(0, 3)}****`;
  return `${key.slice(0, 8)}${'*'.repeat(Math.min(20, key.length - 12))}${key.slice(-4)}`;
}

function sleep(ms: number, signal?: AbortSignal, timers?: Set<NodeJS.Timeout>): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const t = setTimeout(() => {
      timers?.delete(t);
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    timers?.add(t);
    const onAbort = () => {
      clearTimeout(t);
      timers?.delete(t);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const isObj = (v: FormValue | undefined): v is FormObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function str(params: FormObject, key: string, path = key): string | undefined {
  const v = params[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(`Invalid string: ${path} must be a string.`, { code: 'parameter_invalid_string', param: path });
  return v;
}

function int(params: FormObject, key: string, path = key): number | undefined {
  const v = str(params, key, path);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw invalid(`Invalid integer: ${v}`, { code: 'parameter_invalid_integer', param: path });
  }
  return Number(v);
}

function rejectUnknown(params: FormObject, allowed: readonly string[], prefix = '') {
  for (const k of Object.keys(params)) {
    if (!allowed.includes(k)) {
      const p = prefix ? `${prefix}[${k}]` : k;
      throw invalid(`Received unknown parameter: ${p}`, { code: 'parameter_unknown', param: p });
    }
  }
}

function metadataParam(v: FormValue | undefined, param: string): Record<string, string> {
  if (v === undefined || v === '') return {};
  if (!isObj(v)) throw invalid(`Invalid object: ${param} must be a hash of strings.`, { param });
  const out: Record<string, string> = {};
  const keys = Object.keys(v);
  if (keys.length > 50) throw invalid('Metadata can have at most 50 keys.', { param });
  for (const k of keys) {
    const val = v[k];
    if (typeof val !== 'string') throw invalid(`Invalid value for ${param}[${k}]: must be a string.`, { param: `${param}[${k}]` });
    if (k.length > 40) throw invalid(`Metadata keys can be at most 40 characters: ${k}`, { param: `${param}[${k}]` });
    if (val.length > 500) throw invalid(`Metadata values can be at most 500 characters (${param}[${k}]).`, { param: `${param}[${k}]` });
    if (val !== '') out[k] = val;
  }
  return out;
}

function urlParam(params: FormObject, key: string): string {
  const v = str(params, key);
  if (v === undefined || v === '') throw missing(key);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw invalid('Not a valid URL', { code: 'url_invalid', param: key });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid('Not a valid URL', { code: 'url_invalid', param: key });
  return v;
}

function listParams(query: FormObject): { limit: number } {
  const limit = int(query, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalid('Invalid limit: must be between 1 and 100', { param: 'limit' });
  return { limit };
}

const list = <T>(url: string, all: T[], limit: number) => ({
  object: 'list' as const,
  data: all.slice(0, limit),
  has_more: all.length > limit,
  url,
});

const MIN_AMOUNT_CENTS = 50;
const MAX_AMOUNT_CENTS = 99_999_999;
const DAY_S = 24 * 3600;

// ---------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------

interface SessionRecord {
  session: FakeCheckoutSession;
  lineItems: FakeLineItem[];
  intentId: string;
}
interface ChargeRecord {
  id: string;
  intentId: string;
  sessionId: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  created: number;
}
interface StoredResponse {
  fingerprint: string;
  status: number;
  body: string;
  headers: Record<string, string>;
}

export function createFakeStripe(options: FakeStripeOptions): FakeStripeController {
  const now = options.now ?? (() => Date.now());
  const nowSec = () => Math.floor(now() / 1000);
  const apiVersion = options.apiVersion ?? '2026-10-28.endive';
  const enabledEvents = options.enabledEvents ?? ['checkout.session.completed', 'checkout.session.expired'];
  const retryDelays = options.webhookRetryDelaysMs ?? [100, 400, 1600];
  const webhookTimeoutMs = options.webhookTimeoutMs ?? 5000;
  const logLimit = Math.max(1, options.logLimit ?? 10_000);
  const checkoutUrlBase = options.checkoutUrlBase.replace(/\/+$/, '');
  let webhookUrl = options.webhookUrl;

  // state
  let sessions = new Map<string, SessionRecord>();
  let intents = new Map<string, { intent: FakePaymentIntent; sessionId: string }>();
  let charges = new Map<string, ChargeRecord>();
  let refunds = new Map<string, FakeRefund>();
  let events: FakeEvent[] = [];
  let requests: RecordedRequest[] = [];
  let deliveries: WebhookAttempt[] = [];
  let idempotency = new Map<string, StoredResponse>();
  const inFlightKeys = new Set<string>();
  let failures: FailureSpec[] = [];
  let delays: number[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const pending = new Set<Promise<unknown>>();
  let closed = new AbortController();

  // ---- domain -------------------------------------------------------------------------

  function publicSession(rec: SessionRecord, expandLineItems = false): FakeCheckoutSession {
    const s = clone(rec.session);
    if (expandLineItems) {
      s.line_items = { object: 'list', data: clone(rec.lineItems), has_more: false, url: `/v1/checkout/sessions/${s.id}/line_items` };
    }
    return s;
  }

  function createEvent(type: string, object: object, request: RecordedRequest | null): FakeEvent {
    const deliverable = Boolean(webhookUrl && options.webhookSecret && isEnabled(type));
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

  const isEnabled = (type: string) => enabledEvents.includes('*') || enabledEvents.includes(type);

  /** Delivers an event if the endpoint is configured and subscribed; tracked for idle(). */
  function dispatch(ev: FakeEvent): Promise<DeliveryResult | null> {
    if (!webhookUrl || !options.webhookSecret || !isEnabled(ev.type)) return Promise.resolve(null);
    return track(deliver(ev, webhookUrl, options.webhookSecret));
  }

  function track<T>(p: Promise<T>): Promise<T> {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => {});
    return p;
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
    return dispatch(createEvent('checkout.session.expired', publicSession(rec), request));
  }

  function getSession(id: string): SessionRecord | undefined {
    const rec = sessions.get(id);
    if (rec) refreshExpiry(rec);
    return rec;
  }

  function createSession(params: FormObject): SessionRecord {
    rejectUnknown(params, [
      'mode', 'success_url', 'cancel_url', 'line_items', 'metadata', 'client_reference_id', 'expires_at',
      'customer_email', 'payment_intent_data', 'payment_method_types', 'expand', 'locale', 'submit_type',
    ]);
    const mode = str(params, 'mode');
    if (!mode) throw missing('mode');
    if (mode !== 'payment') {
      throw invalid(`Invalid mode: this Stripe stand-in supports only 'payment' (got '${mode}').`, { code: 'parameter_invalid_string', param: 'mode' });
    }
    const successUrl = urlParam(params, 'success_url');
    const cancelUrl = urlParam(params, 'cancel_url');

    const rawItems = params.line_items;
    if (rawItems === undefined) throw missing('line_items');
    if (!Array.isArray(rawItems) || rawItems.length === 0) {
      throw invalid('line_items must be a non-empty array.', { code: 'parameter_invalid_empty', param: 'line_items' });
    }
    if (rawItems.length > 100) throw invalid('line_items can have at most 100 items.', { param: 'line_items' });
    let currency: string | undefined;
    const lineItems: FakeLineItem[] = rawItems.map((item, i) => {
      const p = `line_items[${i}]`;
      if (!isObj(item)) throw invalid(`Invalid object: ${p}`, { param: p });
      rejectUnknown(item, ['price_data', 'price', 'quantity'], p);
      if (item.price !== undefined) throw noSuch('price', String(item.price), `${p}[price]`);
      const pd = item.price_data;
      if (pd === undefined) throw missing(`${p}[price_data]`);
      if (!isObj(pd)) throw invalid(`Invalid object: ${p}[price_data]`, { param: `${p}[price_data]` });
      rejectUnknown(pd, ['currency', 'unit_amount', 'product_data', 'tax_behavior'], `${p}[price_data]`);
      const cur = str(pd, 'currency', `${p}[price_data][currency]`)?.toLowerCase();
      if (!cur) throw missing(`${p}[price_data][currency]`);
      if (cur !== 'usd') {
        throw invalid(`Invalid currency: ${cur}. This Stripe stand-in supports only usd.`, { code: 'parameter_invalid_string', param: `${p}[price_data][currency]` });
      }
      if (currency && cur !== currency) throw invalid('All line items must use the same currency.', { param: `${p}[price_data][currency]` });
      currency = cur;
      const unit = int(pd, 'unit_amount', `${p}[price_data][unit_amount]`);
      if (unit === undefined) throw missing(`${p}[price_data][unit_amount]`);
      if (unit < 0 || unit > MAX_AMOUNT_CENTS) {
        throw invalid(`Invalid unit_amount: must be between 0 and ${MAX_AMOUNT_CENTS}.`, { code: 'parameter_invalid_integer', param: `${p}[price_data][unit_amount]` });
      }
      const prod = pd.product_data;
      if (prod === undefined) throw missing(`${p}[price_data][product_data]`);
      if (!isObj(prod)) throw invalid(`Invalid object: ${p}[price_data][product_data]`, { param: `${p}[price_data][product_data]` });
      rejectUnknown(prod, ['name', 'description', 'images', 'metadata'], `${p}[price_data][product_data]`);
      const name = str(prod, 'name', `${p}[price_data][product_data][name]`);
      if (!name || !name.trim()) throw missing(`${p}[price_data][product_data][name]`);
      const description = str(prod, 'description', `${p}[price_data][product_data][description]`) ?? null;
      const quantity = int(item, 'quantity', `${p}[quantity]`);
      if (quantity === undefined) throw missing(`${p}[quantity]`);
      if (quantity < 1) throw invalid('Quantity must be at least 1.', { code: 'parameter_invalid_integer', param: `${p}[quantity]` });
      return {
        id: newId('li'),
        object: 'item',
        amount_subtotal: unit * quantity,
        amount_total: unit * quantity,
        currency: cur,
        description: name,
        quantity,
        price: {
          id: newId('price'),
          object: 'price',
          currency: cur,
          unit_amount: unit,
          product: newId('prod', 14),
          product_data: { name, description },
        },
      } satisfies FakeLineItem;
    });
    const total = lineItems.reduce((sum, li) => sum + li.amount_total, 0);
    if (total < MIN_AMOUNT_CENTS) {
      throw invalid(`The Checkout Session's total amount due must add up to at least $0.50 ${currency}`, { code: 'amount_too_small' });
    }
    if (total > MAX_AMOUNT_CENTS) {
      throw invalid(`The Checkout Session's total amount due must be no more than $999,999.99 ${currency}`, { code: 'amount_too_large' });
    }

    const metadata = metadataParam(params.metadata, 'metadata');
    const clientReferenceId = str(params, 'client_reference_id') ?? null;
    if (clientReferenceId !== null && clientReferenceId.length > 200) {
      throw invalid('client_reference_id can be at most 200 characters.', { param: 'client_reference_id' });
    }
    const created = nowSec();
    const expiresAtParam = int(params, 'expires_at');
    let expiresAt = created + DAY_S;
    if (expiresAtParam !== undefined) {
      const nowMs = now();
      if (expiresAtParam * 1000 < nowMs + 30 * 60_000 - 1000 || expiresAtParam * 1000 > nowMs + DAY_S * 1000 + 1000) {
        throw invalid('The `expires_at` timestamp must be at least 30 minutes and at most 24 hours after Checkout Session creation.', { code: 'parameter_invalid_integer', param: 'expires_at' });
      }
      expiresAt = expiresAtParam;
    }
    const customerEmail = str(params, 'customer_email') ?? null;
    let pmTypes = ['card'];
    if (params.payment_method_types !== undefined) {
      const v = params.payment_method_types;
      if (!Array.isArray(v) || v.some((t) => typeof t !== 'string')) throw invalid('Invalid array', { param: 'payment_method_types' });
      pmTypes = v as string[];
    }
    const pid = params.payment_intent_data;
    let intentMetadata: Record<string, string> = {};
    let intentDescription: string | null = null;
    if (pid !== undefined) {
      if (!isObj(pid)) throw invalid('Invalid object: payment_intent_data', { param: 'payment_intent_data' });
      rejectUnknown(pid, ['metadata', 'description'], 'payment_intent_data');
      intentMetadata = metadataParam(pid.metadata, 'payment_intent_data[metadata]');
      intentDescription = str(pid, 'description', 'payment_intent_data[description]') ?? null;
    }

    const id = newId('cs_test', 58);
    const intent: FakePaymentIntent = {
      id: newId('pi'),
      object: 'payment_intent',
      amount: total,
      amount_received: 0,
      currency: currency!,
      created,
      latest_charge: null,
      metadata: intentMetadata,
      description: intentDescription,
      status: 'requires_payment_method',
    };
    const rec: SessionRecord = {
      session: {
        id,
        object: 'checkout.session',
        amount_subtotal: total,
        amount_total: total,
        cancel_url: cancelUrl,
        client_reference_id: clientReferenceId,
        created,
        currency: currency!,
        customer: null,
        customer_email: customerEmail,
        expires_at: expiresAt,
        livemode: false,
        metadata,
        mode: 'payment',
        payment_intent: null,
        payment_method_types: pmTypes,
        payment_status: 'unpaid',
        status: 'open',
        success_url: successUrl,
        url: `${checkoutUrlBase}/${id}`,
      },
      lineItems,
      intentId: intent.id,
    };
    sessions.set(id, rec);
    intents.set(intent.id, { intent, sessionId: id });
    return rec;
  }

  function createRefund(params: FormObject, request: RecordedRequest): FakeRefund {
    rejectUnknown(params, ['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand']);
    const piId = str(params, 'payment_intent');
    const chId = str(params, 'charge');
    if (!piId && !chId) {
      throw invalid('One of the following params should be provided for this request: payment_intent or charge.', { code: 'parameter_missing' });
    }
    let charge: ChargeRecord | undefined;
    if (piId) {
      const pi = intents.get(piId);
      if (!pi) throw noSuch('payment_intent', piId, 'payment_intent');
      const rec = sessions.get(pi.sessionId);
      if (rec) refreshExpiry(rec);
      if (pi.intent.status !== 'succeeded' || !pi.intent.latest_charge) {
        throw invalid(`This PaymentIntent (${piId}) does not have a successful charge to refund.`, { code: 'payment_intent_unexpected_state', param: 'payment_intent' });
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
    void dispatch(createEvent('charge.refunded', chargeObject(charge), request));
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

  // ---- HTTP ---------------------------------------------------------------------------

  const app = new Hono<FakeEnv>();

  const errorResponse = (c: Context<FakeEnv>, e: ApiError) => {
    for (const [k, v] of Object.entries(e.headers)) c.header(k, v);
    return c.json({ error: e.body }, e.status as 400);
  };

  app.onError((err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err);
    return errorResponse(c, new ApiError(500, { type: 'api_error', message: `Fake Stripe internal error: ${err.message}` }));
  });

  app.use('/v1/*', async (c, next) => {
    const requestId = newId('req', 14);
    c.header('Request-Id', requestId);
    c.header('Stripe-Version', c.req.header('stripe-version') ?? apiVersion);
    const fullPath = c.req.path;
    const at = fullPath.indexOf('/v1/');
    const path = at >= 0 ? fullPath.slice(at) : fullPath;
    const method = c.req.method;
    const rawBody = method === 'GET' || method === 'HEAD' ? '' : await c.req.text();
    const query = parseStripeForm(new URL(c.req.url).search.slice(1));
    const idempotencyKey = c.req.header('idempotency-key') ?? null;
    const record: RecordedRequest = { method, path, query, body: parseStripeForm(rawBody), rawBody, idempotencyKey, requestId, at: now() };
    requests.push(record);
    if (requests.length > logLimit) requests.splice(0, requests.length - logLimit);
    const finish = (res: Response) => {
      record.status = res.status;
      return res;
    };

    const failure = failures.shift();
    if (failure) {
      const type = failure.type ?? (failure.status >= 500 ? 'api_error' : 'invalid_request_error');
      return finish(errorResponse(c, new ApiError(failure.status, {
        type,
        message: failure.message ?? (failure.status >= 500 ? 'An unknown error occurred (injected by the fake).' : 'Injected failure.'),
        ...(failure.code ? { code: failure.code } : {}),
      }, failure.headers)));
    }

    const delay = delays.shift();
    if (delay !== undefined) {
      const signal = AbortSignal.any([c.req.raw.signal, closed.signal]);
      const completed = await sleep(delay, signal, timers);
      // The client gave up (timeout) — do not act on a request nobody waits for.
      if (!completed) return finish(c.body(null, 499 as 400));
    }

    const auth = c.req.header('authorization') ?? '';
    let apiKey = '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
    const basic = /^Basic\s+(\S+)$/i.exec(auth);
    if (bearer) apiKey = bearer[1]!;
    else if (basic) apiKey = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0] ?? '';
    const keyOk = apiKey !== '' && (options.secretKey ? apiKey === options.secretKey : /^sk_test_[A-Za-z0-9_]+$/.test(apiKey));
    if (!keyOk) {
      c.header('WWW-Authenticate', 'Bearer realm="Stripe"');
      const message = apiKey
        ? `Invalid API Key provided: ${redactKey(apiKey)}`
        : "Invalid API Key provided: you did not provide an API key. Use Bearer auth (e.g. 'Authorization: Bearer sk_test_...').";
      return finish(errorResponse(c, new ApiError(401, { type: 'invalid_request_error', message })));
    }

    const params: FormObject = method === 'GET' || method === 'DELETE' ? record.query : record.body;
    c.set('stripe', { params, record, apiKey, requestId });

    if (method !== 'POST' || !idempotencyKey) {
      await next();
      return finish(c.res);
    }

    // Idempotency: keyed per API key; same key + same request → the stored answer.
    const storeKey = `${apiKey}\u0000${idempotencyKey}`;
    const fingerprint = `${method} ${path}\n${rawBody}`;
    c.header('Idempotency-Key', idempotencyKey);
    const stored = idempotency.get(storeKey);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        return finish(errorResponse(c, new ApiError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
        })));
      }
      return finish(new Response(stored.body, {
        status: stored.status,
        headers: { ...stored.headers, 'Request-Id': requestId, 'Idempotent-Replayed': 'true', 'Idempotency-Key': idempotencyKey },
      }));
    }
    if (inFlightKeys.has(storeKey)) {
      return finish(errorResponse(c, new ApiError(409, {
        type: 'idempotency_error',
        message: 'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please retry this request later.',
      })));
    }
    inFlightKeys.add(storeKey);
    try {
      await next();
    } finally {
      inFlightKeys.delete(storeKey);
    }
    // As on Stripe: only requests that executed are remembered (not validation failures).
    if (c.res.status >= 200 && c.res.status < 300) {
      const body = await c.res.clone().text();
      idempotency.set(storeKey, {
        fingerprint,
        status: c.res.status,
        body,
        headers: { 'Content-Type': c.res.headers.get('content-type') ?? 'application/json', 'Stripe-Version': c.res.headers.get('stripe-version') ?? apiVersion },
      });
      // Stripe forgets keys after 24 hours; here the oldest go first once the store is full.
      for (const k of idempotency.keys()) {
        if (idempotency.size <= logLimit) break;
        idempotency.delete(k);
      }
    }
    return finish(c.res);
  });

  const state = (c: Context<FakeEnv>) => c.get('stripe');
  const expandsLineItems = (params: FormObject) => {
    const e = params.expand;
    return Array.isArray(e) && e.includes('line_items');
  };

  app.post('/v1/checkout/sessions', (c) => {
    const { params } = state(c);
    const rec = createSession(params);
    return c.json(publicSession(rec, expandsLineItems(params)));
  });

  app.get('/v1/checkout/sessions', (c) => {
    const { params } = state(c);
    const { limit } = listParams(params);
    const pi = str(params, 'payment_intent');
    const status = str(params, 'status');
    const all = [...sessions.values()]
      .map((r) => (refreshExpiry(r), r))
      .filter((r) => (!pi || r.session.payment_intent === pi) && (!status || r.session.status === status))
      .reverse()
      .map((r) => publicSession(r));
    return c.json(list('/v1/checkout/sessions', all, limit));
  });

  app.get('/v1/checkout/sessions/:id', (c) => {
    const id = c.req.param('id');
    const rec = getSession(id);
    if (!rec) throw noSuch('checkout.session', id, 'session');
    return c.json(publicSession(rec, expandsLineItems(state(c).params)));
  });

  app.get('/v1/checkout/sessions/:id/line_items', (c) => {
    const id = c.req.param('id');
    const rec = getSession(id);
    if (!rec) throw noSuch('checkout.session', id, 'session');
    const { limit } = listParams(state(c).params);
    return c.json(list(`/v1/checkout/sessions/${id}/line_items`, clone(rec.lineItems), limit));
  });

  app.post('/v1/checkout/sessions/:id/expire', (c) => {
    const id = c.req.param('id');
    const { params, record } = state(c);
    rejectUnknown(params, ['expand']);
    const rec = getSession(id);
    if (!rec) throw noSuch('checkout.session', id, 'session');
    if (rec.session.status !== 'open') {
      throw invalid(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${rec.session.status}".`, { code: 'checkout_session_not_open' });
    }
    void markExpired(rec, record);
    return c.json(publicSession(rec));
  });

  app.get('/v1/payment_intents/:id', (c) => {
    const id = c.req.param('id');
    const pi = intents.get(id);
    if (!pi) throw noSuch('payment_intent', id, 'intent');
    return c.json(clone(pi.intent));
  });

  app.post('/v1/refunds', (c) => {
    const { params, record } = state(c);
    return c.json(createRefund(params, record));
  });

  app.get('/v1/refunds/:id', (c) => {
    const id = c.req.param('id');
    const r = refunds.get(id);
    if (!r) throw noSuch('refund', id, 'refund');
    return c.json(clone(r));
  });

  app.get('/v1/events', (c) => {
    const { params } = state(c);
    const { limit } = listParams(params);
    const type = str(params, 'type');
    const all = events.filter((e) => !type || e.type === type).slice().reverse().map(clone);
    return c.json(list('/v1/events', all, limit));
  });

  app.get('/v1/events/:id', (c) => {
    const id = c.req.param('id');
    const ev = events.find((e) => e.id === id);
    if (!ev) throw noSuch('event', id);
    return c.json(clone(ev));
  });

  app.all('/v1/*', (c) => {
    const at = c.req.path.indexOf('/v1/');
    throw invalid(
      `Unrecognized request URL (${c.req.method}: ${c.req.path.slice(at)}). This Stripe stand-in serves checkout sessions, refunds and events only.`,
      {},
      404,
    );
  });

  // ---- webhooks -----------------------------------------------------------------------

  function sign(payload: string, secret = options.webhookSecret, timestampSec = Math.floor(Date.now() / 1000)): string {
    if (!secret) throw new FakeStripeStateError('webhook_not_configured', 'No webhook secret to sign with');
    const v1 = createHmac('sha256', secret).update(`${timestampSec}.${payload}`, 'utf8').digest('hex');
    return `t=${timestampSec},v1=${v1}`;
  }

  async function deliver(ev: FakeEvent, url: string, secret: string): Promise<DeliveryResult> {
    // Stripe sends pretty-printed JSON; a receiver that re-serializes it would fail to verify.
    const payload = JSON.stringify(ev, null, 2);
    const maxAttempts = retryDelays.length + 1;
    let last: WebhookAttempt | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (closed.signal.aborted) break;
      // Re-signed per attempt with the wall clock, as Stripe stamps delivery time (a test
      // `now` in the past must not push signatures outside the receiver's tolerance).
      const signature = sign(payload, secret);
      const rec: WebhookAttempt = { eventId: ev.id, eventType: ev.type, url, attempt, status: null, ok: false, signature, payload, at: now() };
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Stripe-Signature': signature,
            'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            Accept: '*/*; q=0.5, application/xml',
          },
          body: payload,
          signal: AbortSignal.any([AbortSignal.timeout(webhookTimeoutMs), closed.signal]),
        });
        rec.status = res.status;
        rec.ok = res.ok;
        await res.arrayBuffer().catch(() => undefined);
      } catch (e) {
        rec.error = e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e);
      }
      deliveries.push(rec);
      if (deliveries.length > logLimit) deliveries.splice(0, deliveries.length - logLimit);
      last = rec;
      if (rec.ok) break;
      if (attempt < maxAttempts && !(await sleep(retryDelays[attempt - 1]!, closed.signal, timers))) break;
    }
    return {
      eventId: ev.id,
      ok: last?.ok ?? false,
      attempts: last?.attempt ?? 0,
      status: last?.status ?? null,
      ...(last?.error ? { error: last.error } : {}),
    };
  }

  // ---- controller ---------------------------------------------------------------------

  function mustGet(id: string): SessionRecord {
    const rec = getSession(id);
    if (!rec) throw new FakeStripeStateError('not_found', `No such checkout.session: '${id}'`);
    return rec;
  }

  const controller: FakeStripeController = {
    app,
    sessions: () => [...sessions.values()].map((r) => (refreshExpiry(r), publicSession(r))).reverse(),
    session: (id) => {
      const rec = getSession(id);
      return rec ? publicSession(rec) : undefined;
    },
    lineItems: (id) => clone(mustGet(id).lineItems),
    paymentIntentFor: (id) => {
      const rec = sessions.get(id);
      const pi = rec ? intents.get(rec.intentId) : undefined;
      return pi ? clone(pi.intent) : undefined;
    },
    refunds: () => [...refunds.values()].map(clone),

    async pay(id) {
      const rec = mustGet(id);
      const s = rec.session;
      if (s.status === 'expired') throw new FakeStripeStateError('session_expired', `Checkout Session ${id} has expired`);
      if (s.status === 'complete') return publicSession(rec);
      const pi = intents.get(rec.intentId)!.intent;
      const charge: ChargeRecord = { id: newId('ch'), intentId: pi.id, sessionId: id, amount: pi.amount, amountRefunded: 0, currency: pi.currency, created: nowSec() };
      charges.set(charge.id, charge);
      pi.status = 'succeeded';
      pi.amount_received = pi.amount;
      pi.latest_charge = charge.id;
      s.status = 'complete';
      s.payment_status = 'paid';
      s.payment_intent = pi.id;
      s.url = null;
      await dispatch(createEvent('checkout.session.completed', publicSession(rec), null));
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

    redirectUrl(id, outcome) {
      const s = mustGet(id).session;
      return (outcome === 'success' ? s.success_url : s.cancel_url).replaceAll('{CHECKOUT_SESSION_ID}', encodeURIComponent(id));
    },

    get events() {
      return events;
    },
    event: (id) => {
      const ev = events.find((e) => e.id === id);
      return ev ? clone(ev) : undefined;
    },

    deliverEvent(event, opts = {}) {
      const url = opts.url ?? webhookUrl;
      const secret = opts.secret ?? options.webhookSecret;
      if (!url || !secret) {
        return Promise.reject(new FakeStripeStateError('webhook_not_configured', 'deliverEvent needs a webhook URL and secret'));
      }
      if (!events.some((e) => e.id === event.id)) events.push(clone(event));
      return track(deliver(event, url, secret));
    },

    resend(eventId) {
      const ev = events.find((e) => e.id === eventId);
      if (!ev) return Promise.reject(new FakeStripeStateError('not_found', `No such event: '${eventId}'`));
      return controller.deliverEvent(ev);
    },

    sign,

    failNext(count, failure) {
      for (let i = 0; i < count; i++) failures.push({ ...failure });
    },
    delayNext(count, ms) {
      for (let i = 0; i < count; i++) delays.push(ms);
    },

    get requests() {
      return requests;
    },
    get deliveries() {
      return deliveries;
    },
    setWebhookUrl(url) {
      webhookUrl = url;
    },

    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },

    reset() {
      controller.close();
      closed = new AbortController();
      sessions = new Map();
      intents = new Map();
      charges = new Map();
      refunds = new Map();
      events = [];
      requests = [];
      deliveries = [];
      idempotency = new Map();
      inFlightKeys.clear();
      failures = [];
      delays = [];
    },

    close() {
      closed.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
  return controller;
}
