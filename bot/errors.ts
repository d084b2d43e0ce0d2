// Core's DomainErrors as sentences a reader understands, in their language.
import { type DomainErrorData, type ErrorCode, isDomainError } from '../core/kernel/index.js';
import { type TVars, t } from '../i18n/index.js';

/** Fluent key per error code; codes not listed fall back to `error-generic` with core's message. */
const KEYS: Partial<Record<ErrorCode, string>> = {
  NO_COPIES_LEFT: 'error-no-copies-left',
  LOAN_LIMIT_REACHED: 'error-loan-limit-reached',
  // Borrowing's sentence; the extend screens say it their own way (bot/features/extend.ts).
  UNPAID: 'error-unpaid-payment',
  ALREADY_RETURNED: 'error-already-returned',
  INVALID_LOAN_PERIOD: 'error-invalid-loan-period',
  NOT_FOUND: 'error-not-found',
  FORBIDDEN: 'error-forbidden',
  INVALID_LINK_CODE: 'error-invalid-link-code',
  LINK_LOAN_LIMIT: 'error-link-loan-limit',
  PAYMENT_NOT_RENEWABLE: 'error-payment-not-renewable',
  PAYMENT_NOT_REFUNDABLE: 'error-payment-not-refundable',
  PAYMENT_PROVIDER_UNAVAILABLE: 'error-payment-provider-unavailable',
  ISBN_TAKEN: 'error-isbn-taken',
  BOOK_ON_LOAN: 'error-book-on-loan',
  RATE_LIMITED: 'error-rate-limited',
  BUSY: 'error-rate-limited',
  VALIDATION: 'error-validation',
  // Holds and renewals (SPEC §11).
  COPY_AVAILABLE: 'error-copy-available',
  ALREADY_HELD: 'error-already-held',
  ALREADY_BORROWED: 'error-already-borrowed',
  HOLD_LIMIT: 'error-hold-limit',
  COPIES_SET_ASIDE: 'error-copies-set-aside',
  LINK_HOLD_LIMIT: 'error-link-hold-limit',
  HOLDS_WAITING: 'error-holds-waiting',
  RENEWAL_LIMIT: 'error-renewal-limit',
  OVERDUE: 'error-overdue',
  NOT_ACTIVE: 'error-not-active',
};

/** What a sentence reads when its code carries no such detail (every sentence is given every name). */
const NO_DETAILS = {
  limit: '',
  min: '',
  max: '',
  payment: '',
  here: '',
  there: '',
  waiting: 0,
  renewals: 0,
  holds: 0,
  held: 0,
  date: '',
} satisfies TVars;

/**
 * The values a code's sentence reads from its details (core/kernel/error-details.ts). Counts are
 * numbers, so Fluent picks their plural forms ("1 book", "3 books").
 */
function detailVars(err: DomainErrorData): Partial<Record<keyof typeof NO_DETAILS, string | number>> {
  switch (err.code) {
    case 'LOAN_LIMIT_REACHED':
    case 'HOLD_LIMIT':
      return { limit: err.details.limit };
    case 'RENEWAL_LIMIT':
      return { limit: err.details.limit, renewals: err.details.renewals };
    case 'LINK_LOAN_LIMIT':
      return { limit: err.details.limit, here: String(err.details.here), there: String(err.details.there) };
    case 'LINK_HOLD_LIMIT':
      return { limit: err.details.limit, holds: err.details.holds };
    case 'INVALID_LOAN_PERIOD':
      return { min: err.details.min, max: err.details.max };
    case 'UNPAID':
      return { payment: String(err.details.payment_id) };
    case 'HOLDS_WAITING':
      return { waiting: err.details.waiting };
    case 'COPIES_SET_ASIDE':
      return { held: err.details.held };
    case 'OVERDUE':
      return { date: err.details.expected_return_date };
    default:
      return {};
  }
}

/** One localized, HTML-safe sentence for a DomainError. */
export function domainErrorText(lang: string, err: DomainErrorData): string {
  return t(lang, KEYS[err.code] ?? 'error-generic', { message: err.message, ...NO_DETAILS, ...detailVars(err) });
}

/** Runs a core call and turns a DomainError into a value (replay-safe inside conversations). */
export type Outcome<T> = { ok: true; value: T } | ({ ok: false } & DomainErrorData);

export async function attempt<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (isDomainError(e)) return { ok: false, ...e.toData() };
    throw e;
  }
}
