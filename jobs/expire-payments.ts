// Every minute: PENDING checkout sessions past their 24 h are checked with Stripe; unpaid ones
// become EXPIRED (renewable), paid ones PAID. The rules live in core.payments.expireDue.
import { SYSTEM_ACTOR, type Core } from '../core/index.js';

export type ExpirePaymentsSummary = Awaited<ReturnType<Core['payments']['expireDue']>>;

export function expirePayments(core: Pick<Core, 'payments'>): Promise<ExpirePaymentsSummary> {
  return core.payments.expireDue(SYSTEM_ACTOR);
}
