// Payments: rent, extensions and fines; their checkout sessions and pay links; settling them from
// Stripe's word; refunds and expiry (docs/rules.md#payments).
export {
  createPayments, insertPendingPayment, isRenewable, PAYMENT_COLUMNS, paymentKind, toPayment,
  type Payment, type PaymentKind, type PaymentsService, type PaymentStore,
} from './payments.js';
export {
  checkoutOf, foreignSessionTest, liveSessionUrl, PAYMENT_CURRENCY, SANDBOX_CHECKOUT_PATH, SESSION_CHECK_INTERVAL_MS, sessionMismatch,
  type Checkout, type PaymentReceipt, type SessionError, type SessionMismatch, type SessionPage,
} from './checkout.js';
export { payLinkPaymentId, type PayLinks } from './pay-links.js';
export {
  gatewayErrorCode,
  type CheckoutSessionInfo, type CreateSessionInput, type PaymentGateway, type PaymentGatewayErrorCode, type RefundInfo, type WebhookEvent,
} from './gateway.js';
