// Zod schemas of the REST API: they validate requests (400 VALIDATION on failure) and
// generate the OpenAPI document. Responses are documented, not re-validated (speed).
import { z } from '@hono/zod-openapi';
import { isbnText, MAX_INVENTORY } from '../core/catalogue/index.js';
import { dateProblem, isDomainError, MAX_PAGE_SIZE, NO_CONTROL_CHARS, parseMoney, textField } from '../core/kernel/index.js';
import { LANGUAGES } from '../i18n/index.js';

// ---------------------------------------------------------------- shared pieces

/** A positive integer id, also as a path/query string; beyond 2^53 − 1 is refused. */
const idString = (name: string) =>
  z
    .string()
    .regex(/^\d{1,20}$/, `${name} must be a positive integer`)
    .transform(Number)
    .refine(
      (n) => Number.isSafeInteger(n) && n >= 1,
      `${name} must be a positive integer no larger than ${Number.MAX_SAFE_INTEGER}`,
    );

export const IdParams = z.object({
  id: idString('id').openapi({ param: { name: 'id', in: 'path' }, type: 'integer', minimum: 1, example: 1 }),
});

const positiveInt = (name: string) =>
  z
    .number({ error: `${name} must be an integer` })
    .int(`${name} must be an integer`)
    .min(1, `${name} must be a positive integer`)
    .max(Number.MAX_SAFE_INTEGER, `${name} must be no larger than ${Number.MAX_SAFE_INTEGER}`);

const limitParam = z
  .string()
  .regex(/^-?\d{1,12}$/, 'limit must be an integer')
  .transform(Number)
  .refine((n) => n >= 1, 'limit must be at least 1')
  .optional()
  .openapi({
    type: 'integer',
    minimum: 1,
    description: `Page size, default 20; above ${MAX_PAGE_SIZE} is capped at ${MAX_PAGE_SIZE}`,
    example: 20,
  });

const cursorParam = z
  .string()
  .max(1024, 'cursor is malformed; use next_cursor from a previous page')
  .optional()
  .openapi({ description: 'next_cursor from the previous page' });

const boolParam = (description: string) =>
  z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional()
    .openapi({ type: 'boolean', description });

export const PageQuery = z.object({ cursor: cursorParam, limit: limitParam });

// One check with one message (core's wording): a regex and a refine would both report "tomorrow".
const isoDate = (name: string) =>
  z
    .string({ error: dateProblem(name, undefined)! })
    .superRefine((v, ctx) => {
      const problem = dateProblem(name, v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .openapi({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', example: '2026-02-01' });

const money = z
  .union([z.string(), z.number()], { error: 'daily_fee must be a decimal string like "1.50" or a number' })
  .superRefine((v, ctx) => {
    try {
      parseMoney(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: isDomainError(e) ? e.message : 'daily_fee is not a valid amount' });
    }
  })
  .openapi({ description: 'USD, at most 2 decimals, > 0: "1.50" or 1.5', example: '1.50' });

const moneyOut = z.string().openapi({ description: 'USD with two decimals', example: '1.50' });

// The rule for text fields lives in core (one place); the API validates with the same schema.
const text255 = (name: string) => textField(name);

// ---------------------------------------------------------------- errors

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });
/**
 * A 409 that names its codes: the document lists them, and an answer with any other code does
 * not match it (SPEC §11 names each refusal of the holds and extend routes).
 */
export const conflict = (codes: [string, ...string[]], description: string) => ({
  description: `${description}: ${codes.join(', ')}`,
  content: {
    'application/json': {
      schema: z.object({ error: z.object({ code: z.enum(codes), message: z.string(), details: z.unknown().optional() }) }),
    },
  },
});

export const E = {
  400: err('Bad input (VALIDATION, INVALID_CURSOR, …)'),
  401: err('No, malformed or expired access token'),
  403: err('Not allowed (staff only)'),
  404: err('Not found, or not yours'),
  409: err('Conflict with the current state'),
  413: err('Body larger than 64 KiB'),
  429: err('Too many attempts'),
  503: err('A provider (Stripe, Telegram) is unavailable, or too many searches are waiting (BUSY: try again after Retry-After)'),
} as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
  required: true,
});

export const bearer = [{ bearerAuth: [] as string[] }];

// ---------------------------------------------------------------- users

const email = z
  .string({ error: 'email is required' })
  .trim()
  .max(254, 'email is too long')
  .pipe(z.email('email must be a valid address'));
const password = z
  .string({ error: 'password is required' })
  .min(8, 'password must be at least 8 characters')
  .max(256, 'password must be at most 256 characters')
  .openapi({
    description:
      'At least 8 characters, not blank, not your email nor the part of it before @ (ignoring case), not one of the 10,000 most common passwords',
  });

export const RegisterBody = z
  .object({
    email: email.openapi({ example: 'reader@example.com' }),
    password: password.openapi({ example: 'correct horse battery' }),
    first_name: text255('first_name').openapi({ example: 'Ada' }),
    last_name: text255('last_name').openapi({ example: 'Lovelace' }),
  })
  .strict()
  .openapi('Register');

const profileFields = {
  email,
  password,
  first_name: text255('first_name'),
  last_name: text255('last_name'),
  language: z.enum(LANGUAGES, { error: `language must be one of ${LANGUAGES.join(', ')}` }),
  is_staff: z.boolean().optional().openapi({ description: 'Read-only: sending it answers 403 FORBIDDEN and changes nothing' }),
  current_password: z
    .string({ error: 'current_password must be a string' })
    .max(256, 'current_password must be at most 256 characters')
    .optional()
    .openapi({
      description:
        'Your password now: required (400 without it, 403 WRONG_PASSWORD when wrong) to change email or password. ' +
        'An account without a password (Telegram-only) sets them without it.',
    }),
};

export const ProfilePutBody = z
  .object({
    ...profileFields,
    password: profileFields.password.optional(),
    language: profileFields.language.optional(),
  })
  .openapi('ProfileReplace');

export const ProfilePatchBody = z.object(profileFields).partial().openapi('ProfilePatch');

export const TokenBody = z
  .object({
    email: z.string({ error: 'email is required' }).min(1, 'email is required').max(254, 'email is too long'),
    password: z.string({ error: 'password is required' }).min(1, 'password is required').max(256, 'password is too long'),
  })
  .openapi('TokenRequest');

export const RefreshBody = z
  .object({ refresh: z.string({ error: 'refresh is required' }).min(1, 'refresh is required').max(4096, 'refresh is too long') })
  .openapi('RefreshRequest');

export const TokenPair = z
  .object({
    access: z.string().openapi({ description: 'Access token (15 minutes by default)' }),
    refresh: z.string().openapi({ description: 'Refresh token: use it once, for the next pair' }),
  })
  .openapi('TokenPair');

export const UserSchema = z
  .object({
    id: z.number().int(),
    email: z.string().nullable(),
    first_name: z.string(),
    last_name: z.string(),
    is_staff: z.boolean(),
    language: z.enum(LANGUAGES).openapi({ description: 'The language the bot, its notices and the payment pages speak to you' }),
    telegram_linked: z.boolean(),
    telegram: z.object({ username: z.string().nullable(), first_name: z.string().nullable() }).nullable().openapi({
      description: 'The linked Telegram (its @username without @, and its first name as Telegram gives it), or null',
    }),
  })
  .openapi('User');

export const TelegramLinkBody = z
  .object({
    current_password: z
      .string({ error: 'current_password is required to create a link code' })
      .max(256, 'current_password must be at most 256 characters')
      .openapi({ description: 'Your password now: a link code binds a Telegram to your account' }),
  })
  .openapi('TelegramLinkRequest');

export const TelegramLink = z
  .object({
    url: z.string().openapi({
      example: 'https://t.me/library_bot?start=Xy9…',
      description:
        'Opens the bot with /start <code>. With the offline sandbox standing in for Telegram it is the sandbox web chat (`…/sandbox/?start=<code>`), which types the command in.',
    }),
    expires_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('TelegramLink');

// ---------------------------------------------------------------- books

const isbn = isbnText
  .nullable()
  .openapi({ description: 'Digits, X and hyphens; null clears it (blank is refused)', example: '978-0-13-110362-7' });

const bookFields = {
  title: text255('title').openapi({ example: 'The C Programming Language' }),
  author: text255('author').openapi({ example: 'Kernighan, Ritchie' }),
  isbn: isbn.optional(),
  cover: z.enum(['HARD', 'SOFT'], { error: 'cover must be HARD or SOFT' }),
  inventory: z
    .number({ error: 'inventory must be an integer' })
    .int('inventory must be an integer')
    .min(0, 'inventory must be 0 or more')
    .max(MAX_INVENTORY, `inventory must be at most ${MAX_INVENTORY}`)
    .openapi({ example: 3 }),
  daily_fee: money,
};

export const BookBody = z.object(bookFields).openapi('BookInput');
export const BookPatchBody = z.object(bookFields).partial().openapi('BookPatch');

export const BookSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    author: z.string(),
    isbn: z.string().nullable(),
    cover: z.enum(['HARD', 'SOFT']),
    inventory: z.number().int().openapi({ description: 'Copies on the shelf, those set aside for readers included' }),
    daily_fee: moneyOut,
    available: z
      .number()
      .int()
      .openapi({ description: 'Copies a reader can borrow now: shelf copies not set aside for a READY hold' }),
    holds: z.number().int().openapi({ description: 'Readers waiting in the queue for a copy' }),
  })
  .openapi('Book');

export const BookListQuery = PageQuery.extend({
  search: z
    .string()
    .max(200, 'search must be at most 200 characters')
    .regex(NO_CONTROL_CHARS, 'search must not contain control characters or invisible formatting characters')
    .optional()
    .openapi({ description: 'Words matched (as prefixes) against title, author and isbn' }),
});

const page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ results: z.array(item), next_cursor: z.string().nullable() }).openapi(name);

export const BookPage = page(BookSchema, 'BookPage');

// ---------------------------------------------------------------- payments

export const PaymentSchema = z
  .object({
    id: z.number().int(),
    borrowing_id: z.number().int(),
    user_id: z.number().int(),
    type: z.enum(['PAYMENT', 'FINE']),
    status: z.enum(['PENDING', 'PAID', 'EXPIRED', 'REFUNDED']),
    renewal: z
      .number()
      .int()
      .openapi({ description: "0: the loan's rent, or a fine; n: the extra rent of the loan's n-th renewal" }),
    money_to_pay: moneyOut,
    session_id: z.string().nullable(),
    session_url: z.string().nullable(),
    session_expires_at: z.string().nullable(),
    created_at: z.string(),
    paid_at: z.string().nullable(),
    refunded_at: z.string().nullable(),
  })
  .openapi('Payment');

export const PaymentPage = page(PaymentSchema, 'PaymentPage');

/** What the anonymous success and cancel pages show: nothing that names a reader or a borrowing. */
export const PaymentReceiptSchema = z
  .object({
    id: z.number().int(),
    type: z.enum(['PAYMENT', 'FINE']),
    status: z.enum(['PENDING', 'PAID', 'EXPIRED', 'REFUNDED']),
    money_to_pay: moneyOut,
    paid_at: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('PaymentReceipt');

export const PaymentPaused = z
  .object({
    status: z.literal('paused'),
    message: z.string(),
    payment: z.union([PaymentReceiptSchema, z.null()]).openapi({ description: 'null when the session is unknown' }),
  })
  .openapi('PaymentPaused');

export const PaymentListQuery = PageQuery.extend({
  status: z
    .enum(['PENDING', 'PAID', 'EXPIRED', 'REFUNDED'], { error: 'status must be PENDING, PAID, EXPIRED or REFUNDED' })
    .optional(),
  user_id: idString('user_id').optional().openapi({ type: 'integer', description: 'Staff only' }),
});

export const SessionQuery = z.object({
  session_id: z.string().optional().openapi({ description: 'The Checkout Session id Stripe puts in the redirect' }),
});

export const WebhookAck = z.object({ received: z.literal(true) }).openapi('WebhookAck');

// ---------------------------------------------------------------- borrowings

export const BorrowBody = z
  .object({
    book_id: positiveInt('book_id').openapi({ example: 1 }),
    expected_return_date: isoDate('expected_return_date'),
  })
  .openapi('BorrowRequest');

const borrowingFields = {
  id: z.number().int(),
  user_id: z.number().int(),
  borrow_date: z.string().openapi({ format: 'date' }),
  expected_return_date: z.string().openapi({ format: 'date' }),
  actual_return_date: z.string().nullable().openapi({ format: 'date' }),
  is_active: z.boolean(),
  renewals: z.number().int().openapi({ description: 'How many times the loan was extended' }),
  book: BookSchema,
  payments: z.array(PaymentSchema),
};

/** Why a new payment has no checkout page (the same code and message renew answers 503 with). */
const SessionErrorSchema = z
  .object({
    code: z.enum(['PAYMENT_PROVIDER_UNAVAILABLE']),
    message: z.string().openapi({
      example:
        'Stripe could not be reached, so no checkout page was opened; the payment waits and can be renewed (POST /api/payments/{id}/renew/, or the Pay button in the bot)',
    }),
  })
  .openapi('SessionError');
const sessionError = (what: string) =>
  z.union([SessionErrorSchema, z.null()]).openapi({
    description: `Why ${what} has no checkout page (session_url null): Stripe could not be reached, or payments are not set up. The payment stays PENDING; renew it later. null otherwise.`,
  });

export const BorrowingSchema = z.object(borrowingFields).openapi('Borrowing');
export const BorrowingCreated = z
  .object({
    ...borrowingFields,
    session_url: z.string().nullable().openapi({
      description:
        'Stripe Checkout page for the rent; null when none could be opened (session_error says why; renew the payment later)',
    }),
    session_error: sessionError('the rent'),
  })
  .openapi('BorrowingCreated');
export const BorrowingReturned = z
  .object({
    ...borrowingFields,
    fine: z
      .union([PaymentSchema, z.null()])
      .openapi({ description: 'The fine for a late return, with its own session_url; null when returned on time' }),
    session_error: sessionError('the fine'),
  })
  .openapi('BorrowingReturned');
export const BorrowingPage = page(BorrowingSchema, 'BorrowingPage');

export const ExtendBody = z
  .object({
    expected_return_date: isoDate('expected_return_date').openapi({
      description: 'The new due date: after the current one, at most MAX_LOAN_DAYS from today',
    }),
  })
  .openapi('ExtendRequest');
export const BorrowingExtended = z
  .object({
    ...borrowingFields,
    session_url: z.string().nullable().openapi({
      description:
        'Stripe Checkout page for the extra rent; null when none could be opened (session_error says why; renew the payment later)',
    }),
    session_error: sessionError('the extra rent'),
  })
  .openapi('BorrowingExtended');

// ---------------------------------------------------------------- holds

const holdStatus = z.enum(['WAITING', 'READY', 'FULFILLED', 'CANCELLED', 'EXPIRED'], {
  error: 'status must be WAITING, READY, FULFILLED, CANCELLED or EXPIRED',
});

export const HoldBody = z.object({ book_id: positiveInt('book_id').openapi({ example: 1 }) }).openapi('HoldRequest');

export const HoldSchema = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    book: BookSchema,
    status: holdStatus,
    position: z.number().int().nullable().openapi({ description: 'Place in the queue (1 = next) while WAITING; null otherwise' }),
    ready_until: z
      .string()
      .nullable()
      .openapi({ format: 'date-time', description: 'Pick-up deadline of the copy set aside, once READY' }),
    created_at: z.string().openapi({ format: 'date-time' }),
    borrowing_id: z.number().int().nullable().openapi({ description: 'The loan that fulfilled the hold (FULFILLED only)' }),
  })
  .openapi('Hold');
export const HoldPage = page(HoldSchema, 'HoldPage');

export const HoldListQuery = PageQuery.extend({
  user_id: idString('user_id').optional().openapi({ type: 'integer', description: 'Staff only (403 for readers)' }),
  book_id: idString('book_id').optional().openapi({ type: 'integer' }),
  status: holdStatus.optional(),
});

export const BorrowingListQuery = PageQuery.extend({
  is_active: boolParam('true: not yet returned; false: returned'),
  user_id: idString('user_id').optional().openapi({ type: 'integer', description: 'Staff only (403 for readers)' }),
});

export const MyBooks = z
  .object({
    results: z.array(
      z.object({
        borrowing_id: z.number().int(),
        expected_return_date: z.string().openapi({ format: 'date' }),
        book: BookSchema,
      }),
    ),
  })
  .openapi('MyBooks');

export const Health = z.object({ status: z.string() }).openapi('Health');
