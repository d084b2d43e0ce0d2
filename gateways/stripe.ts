/**
 * The payment gateway: what the library needs from Stripe, behind an interface, and its
 * implementation over the official `stripe` client.
 *
 * Every failure leaves here as a PaymentGatewayError with one of four codes, so callers
 * decide on a code, never on Stripe's error classes:
 *   UNAVAILABLE     — Stripe could not give an answer now (network, timeout, 5xx, 429, 409,
 *                     or our credentials were refused); try again later.
 *   NOT_FOUND       — Stripe does not know the object (404).
 *   INVALID_REQUEST — Stripe refused the request itself (other 4xx): amount too small,
 *                     refund of an unpaid or refunded payment, expiring a closed session…
 *   BAD_SIGNATURE   — a webhook whose signature (or payload) does not verify.
 *
 * Nothing here logs, and no error carries the secret key or Stripe's raw error object.
 */
import type Stripe from 'stripe';
import type {
  CheckoutSessionInfo,
  CreateSessionInput,
  PaymentGateway,
  PaymentGatewayErrorCode,
  RefundInfo,
  WebhookEvent,
} from '../core/payments/index.js';

// The `stripe` package (some 200 modules) is loaded on the first call that needs it, not at
// start: a library without a Stripe key never calls it, and one with a key pays on first payment.
type StripeModule = typeof import('stripe');
let stripeModule: Promise<StripeModule> | undefined;
const loadStripe = () => (stripeModule ??= import('stripe'));
/** Set once the module is loaded (an error can only come from a call, so after it). */
let StripeErrors: StripeModule['default']['errors'] | undefined;

export type { CheckoutSessionInfo, CreateSessionInput, PaymentGateway, PaymentGatewayErrorCode, RefundInfo, WebhookEvent };

export class PaymentGatewayError extends Error {
  override readonly name = 'PaymentGatewayError';
  /** HTTP status Stripe answered, when it answered. */
  readonly httpStatus?: number;
  /** Stripe's error code (`amount_too_small`, `resource_missing`, …), when it gave one. */
  readonly stripeCode?: string;
  /** Stripe's `Request-Id`, for support tickets. */
  readonly requestId?: string;

  constructor(
    readonly code: PaymentGatewayErrorCode,
    message: string,
    details: { httpStatus?: number; stripeCode?: string; requestId?: string } = {},
  ) {
    super(message);
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.stripeCode !== undefined) this.stripeCode = details.stripeCode;
    if (details.requestId !== undefined) this.requestId = details.requestId;
  }
}

export interface StripeGatewayOptions {
  secretKey: string;
  webhookSecret: string;
  /**
   * Base URL of the Stripe API, e.g. `http://127.0.0.1:4242` for a local fake; a path
   * (`http://127.0.0.1:3000/sandbox/stripe`) is kept as a prefix before `/v1/…`.
   * Default: Stripe's own.
   */
  apiBase?: string;
  /** Per attempt; default 10000. */
  timeoutMs?: number;
  /** Default 1: worst case ≈ 2 × timeout + ~1 s back-off. */
  maxNetworkRetries?: number;
  /** Accepted age of a webhook signature, seconds; default 300 (Stripe's). */
  webhookToleranceSec?: number;
}

type StripeConfig = NonNullable<ConstructorParameters<typeof Stripe>[1]>;
type HttpClient = NonNullable<StripeConfig['httpClient']>;

/** Splits an API base URL into what the Stripe client takes (host, port, protocol) plus a path prefix. */
export function parseApiBase(apiBase: string): { host: string; port: number; protocol: 'http' | 'https'; pathPrefix: string } {
  let u: URL;
  try {
    u = new URL(apiBase);
  } catch {
    throw new Error(`Stripe API base is not a URL: ${apiBase}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`Stripe API base must be http(s): ${apiBase}`);
  if (u.search || u.hash || u.username || u.password)
    throw new Error('Stripe API base must not carry a query, fragment or credentials');
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : protocol === 'http' ? 80 : 443,
    protocol,
    pathPrefix: u.pathname.replace(/\/+$/, ''),
  };
}

function withPathPrefix(inner: HttpClient, prefix: string): HttpClient {
  return {
    getClientName: () => inner.getClientName(),
    makeRequest: (host, port, path, ...rest) => inner.makeRequest(host, port, `${prefix}${path}`, ...rest),
  };
}

function nonNegativeInt(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer`);
  return v;
}

function sessionStatus(status: string | null): CheckoutSessionInfo['status'] {
  return status === 'complete' || status === 'expired' ? status : 'open';
}

function toSessionInfo(s: Stripe.Checkout.Session): CheckoutSessionInfo {
  const pi = s.payment_intent;
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.metadata ?? {})) if (typeof v === 'string') metadata[k] = v;
  return {
    id: s.id,
    url: s.url ?? null,
    status: sessionStatus(s.status),
    paid: s.payment_status === 'paid',
    paymentStatus: s.payment_status,
    paymentIntentId: typeof pi === 'string' ? pi : (pi?.id ?? null),
    amountTotal: s.amount_total ?? null,
    currency: s.currency ? s.currency.toLowerCase() : null,
    expiresAt: s.expires_at,
    metadata,
  };
}

interface StripeErrorLike {
  type: string;
  statusCode?: number;
  code?: string;
  message?: string;
  requestId?: string;
}

function isStripeError(e: unknown): e is StripeErrorLike {
  return (
    (StripeErrors !== undefined && e instanceof StripeErrors.StripeError) ||
    (typeof e === 'object' &&
      e !== null &&
      typeof (e as { type?: unknown }).type === 'string' &&
      String((e as { type: string }).type).startsWith('Stripe'))
  );
}

/** Stripe's failure → our four codes; messages never include the key. */
function toGatewayError(e: unknown, action: string): PaymentGatewayError {
  if (e instanceof PaymentGatewayError) return e;
  if (!isStripeError(e)) {
    const what = e instanceof Error ? e.message : String(e);
    return new PaymentGatewayError('UNAVAILABLE', `Stripe call failed while ${action}: ${what}`);
  }
  const details = {
    ...(e.statusCode !== undefined ? { httpStatus: e.statusCode } : {}),
    ...(e.code ? { stripeCode: e.code } : {}),
    ...(e.requestId ? { requestId: e.requestId } : {}),
  };
  const status = e.statusCode;
  if (e.type === 'StripeConnectionError' || status === undefined) {
    return new PaymentGatewayError(
      'UNAVAILABLE',
      `Stripe could not be reached while ${action}: ${e.message ?? 'connection error'}`,
      details,
    );
  }
  if (status === 401 || status === 403) {
    // Our configuration, not the caller's input: the operation can succeed once it is fixed.
    return new PaymentGatewayError(
      'UNAVAILABLE',
      `Stripe refused our API credentials (HTTP ${status}) while ${action}; check STRIPE_SECRET_KEY`,
      details,
    );
  }
  if (status === 404) return new PaymentGatewayError('NOT_FOUND', `Stripe: ${e.message ?? 'not found'}`, details);
  if (status === 409 || status === 429 || status >= 500) {
    return new PaymentGatewayError(
      'UNAVAILABLE',
      `Stripe is unavailable (HTTP ${status}) while ${action}: ${e.message ?? ''}`.trim(),
      details,
    );
  }
  return new PaymentGatewayError('INVALID_REQUEST', `Stripe refused ${action}: ${e.message ?? `HTTP ${status}`}`, details);
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new PaymentGatewayError('INVALID_REQUEST', `${name} is required`);
  }
  return value;
}

export function createStripeGateway(opts: StripeGatewayOptions): PaymentGateway {
  if (!opts.secretKey) throw new Error('createStripeGateway: secretKey is required');
  const timeout = nonNegativeInt('timeoutMs', opts.timeoutMs, 10_000);
  const maxNetworkRetries = nonNegativeInt('maxNetworkRetries', opts.maxNetworkRetries, 1);
  const tolerance = nonNegativeInt('webhookToleranceSec', opts.webhookToleranceSec, 300);

  const config: StripeConfig = {
    maxNetworkRetries,
    timeout,
    telemetry: false,
    appInfo: { name: 'telegram-lending-library' },
  };
  if (opts.apiBase) {
    const base = parseApiBase(opts.apiBase);
    config.host = base.host;
    config.port = base.port;
    config.protocol = base.protocol;
  }
  const pathPrefix = opts.apiBase ? parseApiBase(opts.apiBase).pathPrefix : '';
  const secretKey = opts.secretKey;
  let client: Promise<Stripe> | undefined;
  const stripeClient = () =>
    (client ??= loadStripe().then(({ default: StripeClass }) => {
      StripeErrors = StripeClass.errors;
      if (pathPrefix) config.httpClient = withPathPrefix(StripeClass.createNodeHttpClient(), pathPrefix);
      return new StripeClass(secretKey, config);
    }));

  async function call<T>(action: string, fn: (stripe: Stripe) => Promise<T>): Promise<T> {
    try {
      return await fn(await stripeClient());
    } catch (e) {
      throw toGatewayError(e, action);
    }
  }

  return {
    async createCheckoutSession(input) {
      if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0) {
        throw new PaymentGatewayError('INVALID_REQUEST', 'amountCents must be a positive integer number of cents');
      }
      const productName = requireText(input.productName, 'productName');
      const idempotencyKey = requireText(input.idempotencyKey, 'idempotencyKey');
      const params: Stripe.Checkout.SessionCreateParams = {
        mode: 'payment',
        line_items: [
          {
            price_data: {
              currency: input.currency ?? 'usd',
              unit_amount: input.amountCents,
              product_data: {
                name: productName,
                ...(input.description ? { description: input.description } : {}),
              },
            },
            quantity: 1,
          },
        ],
        success_url: requireText(input.successUrl, 'successUrl'),
        cancel_url: requireText(input.cancelUrl, 'cancelUrl'),
        metadata: input.metadata,
        // The charge carries the same references, so a refund or dispute can be traced back.
        payment_intent_data: { metadata: input.metadata },
        ...(input.clientReferenceId ? { client_reference_id: input.clientReferenceId } : {}),
        ...(input.expiresAt !== undefined ? { expires_at: input.expiresAt } : {}),
      };
      const session = await call('creating a checkout session', (stripe) =>
        stripe.checkout.sessions.create(params, { idempotencyKey }),
      );
      return toSessionInfo(session);
    },

    async retrieveSession(sessionId) {
      const id = requireText(sessionId, 'sessionId');
      return toSessionInfo(await call('retrieving a checkout session', (stripe) => stripe.checkout.sessions.retrieve(id)));
    },

    async expireSession(sessionId) {
      const id = requireText(sessionId, 'sessionId');
      return toSessionInfo(await call('expiring a checkout session', (stripe) => stripe.checkout.sessions.expire(id)));
    },

    async refund(paymentIntentId, idempotencyKey) {
      const pi = requireText(paymentIntentId, 'paymentIntentId');
      const key = requireText(idempotencyKey, 'idempotencyKey');
      const r = await call('refunding a payment', (stripe) =>
        stripe.refunds.create({ payment_intent: pi }, { idempotencyKey: key }),
      );
      return { id: r.id, status: r.status ?? 'pending', amount: r.amount };
    },

    async verifyWebhook(rawBody, signatureHeader) {
      if (!signatureHeader) throw new PaymentGatewayError('BAD_SIGNATURE', 'Missing Stripe-Signature header');
      const stripe = await stripeClient();
      let event: Stripe.Event;
      try {
        event = await stripe.webhooks.constructEventAsync(rawBody, signatureHeader, opts.webhookSecret, tolerance);
      } catch (e) {
        const why =
          StripeErrors && e instanceof StripeErrors.StripeSignatureVerificationError
            ? e.message.split('\n')[0]
            : 'the payload is not a JSON event';
        throw new PaymentGatewayError('BAD_SIGNATURE', `Webhook rejected: ${why}`);
      }
      if (!event || typeof event !== 'object' || typeof event.id !== 'string' || typeof event.type !== 'string') {
        throw new PaymentGatewayError('BAD_SIGNATURE', 'Webhook rejected: the payload is not a Stripe event');
      }
      const obj = (event.data as { object?: { object?: string } } | undefined)?.object;
      return {
        id: event.id,
        type: event.type,
        created: event.created,
        ...(obj && obj.object === 'checkout.session' ? { session: toSessionInfo(obj as Stripe.Checkout.Session) } : {}),
      };
    },
  };
}
