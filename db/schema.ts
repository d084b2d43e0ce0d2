// Table types for Kysely. Money is integer cents; dates are ISO 'YYYY-MM-DD' strings;
// instants are ISO timestamps (UTC); booleans are 0/1 integers (SQLite has no boolean).
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;

export interface BooksTable {
  id: Generated<number>;
  title: string;
  author: string;
  isbn: string | null;
  cover: 'HARD' | 'SOFT';
  inventory: number;
  daily_fee_cents: number;
  created_at: Timestamp;
  /** Soft delete keeps borrowing and payment history intact. */
  deleted_at: string | null;
  /** Copies on the shelf set aside for READY holds (migration 009); available = inventory − held. */
  held: ColumnType<number, number | undefined, number>;
  /** Readers WAITING for a copy (migration 009): the book answer's `holds`. */
  waiting: ColumnType<number, number | undefined, number>;
  /** Title, author and ISBN as core folds them for search (migration 007); NULL until core fills it. */
  search_text: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface UsersTable {
  id: Generated<number>;
  email: string | null;
  password_hash: string | null;
  first_name: string;
  last_name: string;
  is_staff: ColumnType<number, number | undefined, number>;
  telegram_user_id: number | null;
  telegram_username: string | null;
  language: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
  /** Bumped by a password change: tokens of an earlier epoch are refused. */
  token_epoch: ColumnType<number, number | undefined, number>;
  /** The linked Telegram's first name as Telegram gives it (migration 011). */
  telegram_first_name: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface BorrowingsTable {
  id: Generated<number>;
  book_id: number;
  user_id: number;
  borrow_date: string;
  expected_return_date: string;
  actual_return_date: string | null;
  created_at: Timestamp;
  /** How many times the loan was extended (migration 009). */
  renewals: ColumnType<number, number | undefined, number>;
}

export type PaymentType = 'PAYMENT' | 'FINE';
export type PaymentStatus = 'PENDING' | 'PAID' | 'EXPIRED' | 'REFUNDED';

export interface PaymentsTable {
  id: Generated<number>;
  borrowing_id: number;
  /** Denormalised from the borrowing so "my payments" and the unpaid check need no join. */
  user_id: number;
  type: PaymentType;
  status: PaymentStatus;
  money_to_pay_cents: number;
  session_id: string | null;
  session_url: string | null;
  /** When the Checkout Session stops accepting payment (ISO instant). */
  session_expires_at: string | null;
  payment_intent_id: string | null;
  /** Bumped on every new session so each Stripe create call has its own idempotency key. */
  session_attempt: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  paid_at: string | null;
  refunded_at: string | null;
  /** When the success page last asked Stripe about the current session (throttle; migration 005). */
  session_checked_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** 0: the loan's first rent (and every fine); n: the rent of the loan's n-th renewal (migration 009). */
  renewal: ColumnType<number, number | undefined, number>;
}

export type HoldStatus = 'WAITING' | 'READY' | 'FULFILLED' | 'CANCELLED' | 'EXPIRED';

/** A reader's place in a book's queue (SPEC §11, migration 009). */
export interface HoldsTable {
  id: Generated<number>;
  book_id: number;
  user_id: number;
  status: HoldStatus;
  created_at: string;
  updated_at: string;
  /** The pick-up deadline (ISO instant), set when the hold becomes READY and kept after. */
  ready_until: string | null;
  /** The loan that fulfilled it (FULFILLED only). */
  borrowing_id: number | null;
}

export interface OutboxTable {
  id: Generated<number>;
  chat_id: number;
  kind: string;
  /** JSON of the facts the message is rendered from. */
  payload: string;
  language: ColumnType<string, string | undefined, string>;
  /** Unique when set: the same notification is never queued twice. */
  dedup_key: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  /** Epoch milliseconds; the dispatcher picks rows due at or before now. */
  next_attempt_at: number;
  sent_at: string | null;
  failed_at: string | null;
  last_error: string | null;
  created_at: Timestamp;
  /** The dispatcher (lease holder id) whose claim this row carries; kept once sent. */
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** Sent as part of this digest (the digest's outbox id): a staff notice combined with others. */
  part_of: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A message that carries a payment's Pay button (db/pay-messages.ts): edited when it is paid. */
export interface PayMessagesTable {
  id: Generated<number>;
  chat_id: number;
  message_id: number;
  payment_id: number;
  /** JSON of the message's inline keyboard as last sent or edited. */
  markup: string;
  created_at: string;
}

/** A named lease (db/leases.ts): one holder until expires_at (epoch milliseconds). */
export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

export interface StripeEventsTable {
  id: string;
  type: string;
  processed_at: string;
}

export interface TelegramLinkCodesTable {
  code: string;
  user_id: number;
  expires_at: string;
  used_at: string | null;
  used_by_telegram_user_id: number | null;
}

/** A Telegram update the webhook took (migration 008): handled once, a chat's in order. */
export interface TelegramUpdatesTable {
  update_id: number;
  chat_key: string;
  /** Epoch milliseconds. */
  received_at: number;
  /** While set and in the future, one holder is handling it (epoch milliseconds). */
  claimed_until: ColumnType<number | null, number | null | undefined, number | null>;
  handled_at: number | null;
  /** A polled update as Telegram sent it (JSON) until it is handled; null for webhook deliveries. */
  body: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A message of an offline sandbox chat (migration 011): the stand-in's record of it, as JSON. */
export interface SandboxMessagesTable {
  chat_id: number;
  message_id: number;
  body: string;
}

/** What an offline sandbox chat shows beside its messages (migration 011). */
export interface SandboxChatsTable {
  chat_id: number;
  /** JSON of the reply keyboard on screen, or null. */
  reply_keyboard: string | null;
}

export interface BotSessionsTable {
  key: string;
  value: string;
  updated_at: string;
}

/** A login's refresh token family (migration 011): only `jti` may be used next. */
export interface RefreshSessionsTable {
  id: string;
  user_id: number;
  jti: string;
  created_at: string;
  /** When the family's newest refresh token expires (ISO instant): the row can go after it. */
  expires_at: string;
}

/** An address (hashed) that logged in to an account, and when it last did (migration 011). */
export interface LoginAddressesTable {
  id: Generated<number>;
  user_id: number;
  address_hash: string;
  last_login_at: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface Database {
  books: BooksTable;
  users: UsersTable;
  borrowings: BorrowingsTable;
  payments: PaymentsTable;
  outbox: OutboxTable;
  pay_messages: PayMessagesTable;
  stripe_events: StripeEventsTable;
  telegram_link_codes: TelegramLinkCodesTable;
  bot_sessions: BotSessionsTable;
  settings: SettingsTable;
  leases: LeasesTable;
  holds: HoldsTable;
  telegram_updates: TelegramUpdatesTable;
  sandbox_messages: SandboxMessagesTable;
  sandbox_chats: SandboxChatsTable;
  refresh_sessions: RefreshSessionsTable;
  login_addresses: LoginAddressesTable;
}

export type BookRow = Selectable<BooksTable>;
export type UserRow = Selectable<UsersTable>;
export type PaymentRow = Selectable<PaymentsTable>;
