// One list of domain error codes. The API maps each to an HTTP status; the bot to a sentence.
import type { ErrorDetails, FieldIssue } from './error-details.js';

export const ERROR_STATUS = {
  VALIDATION: 400,
  INVALID_CURSOR: 400,
  INVALID_LOAN_PERIOD: 400,
  INVALID_LINK_CODE: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  WRONG_PASSWORD: 403,
  NOT_FOUND: 404,
  NO_COPIES_LEFT: 409,
  LOAN_LIMIT_REACHED: 409,
  ALREADY_RETURNED: 409,
  BOOK_ON_LOAN: 409,
  EMAIL_TAKEN: 409,
  // npm run staff for an email that has an account already (it promotes only when told to).
  ACCOUNT_EXISTS: 409,
  ISBN_TAKEN: 409,
  LINK_LOAN_LIMIT: 409,
  PAYMENT_NOT_RENEWABLE: 409,
  PAYMENT_NOT_REFUNDABLE: 409,
  // Holds (SPEC §11): a copy is there to borrow, an active hold already, the book on loan to
  // this reader, MAX_HOLDS reached; staff lowering the inventory below the copies set aside;
  // a Telegram link that would leave an account above MAX_HOLDS.
  COPY_AVAILABLE: 409,
  ALREADY_HELD: 409,
  ALREADY_BORROWED: 409,
  HOLD_LIMIT: 409,
  COPIES_SET_ASIDE: 409,
  LINK_HOLD_LIMIT: 409,
  // Extending a loan (SPEC §11), and a hold or loan that is no longer active. UNPAID is also
  // borrowing's refusal: one code for "this reader owes money", whichever door or use case.
  HOLDS_WAITING: 409,
  RENEWAL_LIMIT: 409,
  OVERDUE: 409,
  UNPAID: 409,
  NOT_ACTIVE: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  PAYMENT_PROVIDER_UNAVAILABLE: 503,
  // Too much long work waiting already (searches queued for the read workers): try again soon.
  BUSY: 503,
} as const satisfies Record<keyof ErrorDetails, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The details argument: required where the code always carries details, optional where it may not. */
type DetailsArg<C extends ErrorCode> = undefined extends ErrorDetails[C]
  ? [details?: ErrorDetails[C]]
  : [details: ErrorDetails[C]];

/** A DomainError as plain data, its details typed by its code. */
export interface DomainErrorOf<C extends ErrorCode> {
  code: C;
  message: string;
  details: ErrorDetails[C];
}

/**
 * Any DomainError as plain data: checking `code` tells the type of `details`, which may be left
 * out where the code carries none.
 */
export type DomainErrorData = {
  [C in ErrorCode]: { code: C; message: string } & (undefined extends ErrorDetails[C]
    ? { details?: ErrorDetails[C] }
    : { details: ErrorDetails[C] });
}[ErrorCode];

export class DomainError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly details: ErrorDetails[C];
  constructor(code: C, message: string, ...[details]: DetailsArg<C>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details as ErrorDetails[C];
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
  /** The error as plain data (e.g. kept across a bot conversation's replay), still typed by its code. */
  toData(): DomainErrorOf<C> {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Any DomainError: once `code` is checked, `details` has that code's type. */
export type AnyDomainError = { [C in ErrorCode]: DomainError<C> }[ErrorCode];

export const isDomainError = (e: unknown): e is AnyDomainError => e instanceof DomainError;

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
export const validation = (message: string, details?: FieldIssue[]) => new DomainError('VALIDATION', message, details);
/** Bad input in one field: a VALIDATION error whose details name it, with the error's own message. */
export const invalidField = (field: string, message: string) => validation(message, [{ field, message }]);
