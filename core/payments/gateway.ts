// The payment gateway as core needs it (a port): what the library asks of a payment provider,
// and how a failure is told. gateways/stripe.ts implements it over the official client;
// service.ts wires it in. Core decides on an error's code, never on the provider's classes.
import type { CoreDeps } from '../kernel/index.js';

export interface CheckoutSessionInfo {
  id: string;
  url: string | null;
  status: 'open' | 'complete' | 'expired';
  /** `payment_status === 'paid'`: Stripe holds the money (not merely a completed form). */
  paid: boolean;
  /** Stripe's `payment_status`: `paid`, `unpaid` or `no_payment_required`. */
  paymentStatus: string;
  paymentIntentId: string | null;
  /** In the currency's smallest unit (cents for USD). */
  amountTotal: number | null;
  /** Lower-case ISO code, e.g. `usd`. */
  currency: string | null;
  /** Unix seconds. */
  expiresAt: number;
  metadata: Record<string, string>;
}

export interface CreateSessionInput {
  amountCents: number;
  currency?: 'usd';
  productName: string;
  description?: string;
  successUrl: string;
  cancelUrl: string;
  idempotencyKey: string;
  metadata: Record<string, string>;
  clientReferenceId?: string;
  /** Unix seconds; Stripe accepts 30 minutes to 24 hours from now (default 24 hours). */
  expiresAt?: number;
}

export interface WebhookEvent {
  id: string;
  type: string;
  /** Unix seconds when Stripe created the event. */
  created: number;
  /** Present for `checkout.session.*` events. */
  session?: CheckoutSessionInfo;
}

export interface RefundInfo {
  id: string;
  status: string;
  amount: number;
}

export interface PaymentGateway {
  createCheckoutSession(input: CreateSessionInput): Promise<CheckoutSessionInfo>;
  retrieveSession(sessionId: string): Promise<CheckoutSessionInfo>;
  refund(paymentIntentId: string, idempotencyKey: string): Promise<RefundInfo>;
  expireSession(sessionId: string): Promise<CheckoutSessionInfo>;
  /** Throws PaymentGatewayError('BAD_SIGNATURE') on a bad or missing signature. */
  verifyWebhook(rawBody: string, signatureHeader: string | undefined): Promise<WebhookEvent>;
}

/** What the payments wing is built from: core's own deps and the provider behind the port. */
export type PaymentDeps = CoreDeps & { gateway: PaymentGateway };

export type PaymentGatewayErrorCode = 'UNAVAILABLE' | 'BAD_SIGNATURE' | 'INVALID_REQUEST' | 'NOT_FOUND';

/**
 * A gateway failure, as core reads it: the adapter throws an Error named 'PaymentGatewayError'
 * carrying one of the codes above (the adapter cannot import core's classes; the shape is the
 * contract). Undefined for anything else.
 */
export function gatewayErrorCode(e: unknown): PaymentGatewayErrorCode | undefined {
  if (!(e instanceof Error) || e.name !== 'PaymentGatewayError') return undefined;
  const code = (e as { code?: unknown }).code;
  return code === 'UNAVAILABLE' || code === 'BAD_SIGNATURE' || code === 'INVALID_REQUEST' || code === 'NOT_FOUND'
    ? code
    : undefined;
}
