// Payments: rent, extensions and fines; their checkout sessions and pay links; settling them from
// Stripe's word; refunds and expiry (docs/rules.md#payments).

export {
  type Checkout,
  checkoutOf,
  foreignSessionTest,
  liveSessionUrl,
  PAYMENT_CURRENCY,
  type PaymentReceipt,
  SANDBOX_CHECKOUT_PATH,
  SESSION_CHECK_INTERVAL_MS,
  type SessionError,
  type SessionMismatch,
  type SessionPage,
  sessionMismatch,
} from './checkout.js';
export {
  type CheckoutSessionInfo,
  type CreateSessionInput,
  gatewayErrorCode,
  type PaymentGateway,
  type PaymentGatewayErrorCode,
  type RefundInfo,
  type WebhookEvent,
} from './gateway.js';
export { createNoticeFacts, type NoticeFacts, type StillUnpaidLine } from './notice-facts.js';
export { type PayLinks, payLinkPaymentId } from './pay-links.js';
export {
  insertPendingPayment,
  isRenewable,
  movePayments,
  PAYMENT_COLUMNS,
  type Payment,
  type PaymentKind,
  paymentKind,
  toPayment,
} from './payment.js';
export { createPayments, type PaymentStore, type PaymentsService } from './payments.js';
