// Core's DomainErrors as sentences a reader understands, in their language.
import { DomainError, type ErrorCode } from '../core/kernel/index.js';
import { t } from '../i18n/index.js';

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

/** One localized, HTML-safe sentence for a DomainError. */
export function domainErrorText(lang: string, err: { code: ErrorCode; message: string; details?: unknown }): string {
  const details = (err.details ?? {}) as Record<string, unknown>;
  const key = KEYS[err.code] ?? 'error-generic';
  const count = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0) || 0);
  return t(lang, key, {
    message: err.message,
    // A number, so Fluent picks its plural form ("1 book", "3 books").
    limit: typeof details.limit === 'number' ? details.limit : String(details.limit ?? ''),
    min: String(details.min ?? ''),
    max: String(details.max ?? ''),
    payment: String(details.payment_id ?? ''),
    here: String(details.here ?? ''),
    there: String(details.there ?? ''),
    // Counts, for their plural forms: readers waiting, renewals so far, holds, copies set aside.
    waiting: count(details.waiting),
    renewals: count(details.renewals),
    holds: count(details.holds),
    held: count(details.held),
    date: String(details.expected_return_date ?? ''),
  });
}

/** Runs a core call and turns a DomainError into a value (replay-safe inside conversations). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string; details?: unknown };

export async function attempt<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (e instanceof DomainError) return { ok: false, code: e.code, message: e.message, details: e.details };
    throw e;
  }
}
