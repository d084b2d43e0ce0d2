// What each error code carries besides its message: the contract between core, which throws
// DomainError (core/kernel/errors.ts), and the doors that read it — the API sends `details` as they
// are, the bot words some of them (bot/errors.ts). `undefined`: the code carries none. A new code
// needs its line here (ERROR_STATUS is checked against this list), and a detail renamed here
// fails to compile wherever it is thrown or read (docs/rules.md#errors).

/** One bad field of a request, as clients get it in a VALIDATION error's `details`. */
export interface FieldIssue {
  field?: string;
  message: string;
}

/** Which field a refusal is about. */
interface AboutField {
  field: string;
}

/** How long to wait before trying again, in seconds (the API's Retry-After). */
interface RetryAfter {
  retry_after: number;
}

export interface ErrorDetails {
  /** Every bad field, whichever layer found it (zod schemas, core's own checks). */
  VALIDATION: FieldIssue[] | undefined;
  INVALID_CURSOR: AboutField;
  /** The window of due dates allowed, both inclusive. */
  INVALID_LOAN_PERIOD: AboutField & { min: string; max: string };
  INVALID_LINK_CODE: undefined;
  UNAUTHORIZED: undefined;
  INVALID_CREDENTIALS: undefined;
  FORBIDDEN: undefined;
  WRONG_PASSWORD: undefined;
  NOT_FOUND: undefined;
  NO_COPIES_LEFT: undefined;
  LOAN_LIMIT_REACHED: { limit: number };
  ALREADY_RETURNED: undefined;
  BOOK_ON_LOAN: undefined;
  EMAIL_TAKEN: AboutField;
  /** The account there already (npm run staff). */
  ACCOUNT_EXISTS: { id: number; name: string; created_at: string; is_staff: boolean };
  ISBN_TAKEN: AboutField;
  /** Books on loan to the Telegram account (`here`) and to the account linked (`there`). */
  LINK_LOAN_LIMIT: { limit: number; here: number; there: number };
  PAYMENT_NOT_RENEWABLE: undefined;
  PAYMENT_NOT_REFUNDABLE: undefined;
  /** Copies a reader could borrow now. */
  COPY_AVAILABLE: { available: number };
  // No id when the database's unique index refused a hold placed at the same moment.
  ALREADY_HELD: { hold_id: number } | undefined;
  ALREADY_BORROWED: { borrowing_id: number };
  HOLD_LIMIT: { limit: number };
  /** Copies set aside for READY holds: the inventory's floor. */
  COPIES_SET_ASIDE: AboutField & { held: number };
  /** Active holds the linked account would have. */
  LINK_HOLD_LIMIT: { limit: number; holds: number };
  /** Readers queueing for the book. */
  HOLDS_WAITING: { waiting: number };
  RENEWAL_LIMIT: { limit: number; renewals: number };
  OVERDUE: { expected_return_date: string };
  /** The payment owed. */
  UNPAID: { payment_id: number; status: string };
  /** A hold's status now (a loan that ended says nothing more). */
  NOT_ACTIVE: { status: string } | undefined;
  CONFLICT: undefined;
  PAYLOAD_TOO_LARGE: undefined;
  RATE_LIMITED: RetryAfter;
  PAYMENT_PROVIDER_UNAVAILABLE: undefined;
  BUSY: RetryAfter;
}
