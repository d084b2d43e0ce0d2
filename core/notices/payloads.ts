// What each kind of notice carries: the contract between core, which queues notices in the
// outbox (core/notices/outbox.ts), and the bot, which words them when they are sent
// (bot/notices.ts). A payload is the facts of its event as JSON, written in the event's
// transaction and read back later, maybe by a newer version of the code: a field renamed here
// fails to compile wherever a notice of that kind is queued or worded, and a new kind needs its
// renderer and its wording in every language (docs/rules.md#notices).
import type { PaymentType } from '../../db/schema.js';

/** A new loan: told to staff and, when no screen of theirs shows it, to the reader. */
export interface BorrowingCreatedPayload {
  borrowing_id: number;
  /** The rent's payment, whose Pay button the reader's notice shows. */
  payment_id: number;
  book_title: string;
  book_author: string;
  /** The reader's name (names.ts displayName) and Telegram @username. */
  reader: string;
  reader_username: string | null;
  borrow_date: string;
  expected_return_date: string;
  /** The rent charged, as money ("1.50"). */
  rent: string;
}

/** A loan extended: its new due date and the extra rent's payment. */
export interface BorrowingExtendedPayload {
  borrowing_id: number;
  payment_id: number;
  /** Which extension this is (1, 2, …). */
  renewal: number;
  book_title: string;
  book_author: string;
  reader: string;
  reader_username: string | null;
  previous_return_date: string;
  expected_return_date: string;
  rent: string;
}

/** A loan returned, with its fine when late. */
export interface BorrowingReturnedPayload {
  borrowing_id: number;
  book_title: string;
  reader: string;
  reader_username: string | null;
  expected_return_date: string;
  actual_return_date: string;
  overdue_days: number;
  /** The fine as money, and its payment (null when on time). */
  fine: string | null;
  fine_payment_id: number | null;
}

/** A payment and what it is for (its type and renewal say rent, extension or fine). */
export interface PaymentPayload {
  payment_id: number;
  borrowing_id: number;
  type: PaymentType;
  renewal: number;
  amount: string;
  book_title: string;
}

/** A payment received: staff hear who paid. */
export interface PaymentReceivedPayload extends PaymentPayload {
  reader: string;
  reader_username: string | null;
}

/** One loan line of the staff overdue report (the longest overdue few). */
export interface OverdueLoan {
  borrowing_id: number;
  reader: string;
  book: string;
  due: string;
  days: number;
}

/** The staff's daily overdue report: the counts and the longest overdue loans. */
export interface OverdueReportPayload {
  date: string;
  total: number;
  readers: number;
  oldest: OverdueLoan[];
}

/** The staff notices a digest may stand for (jobs/staff-digest.ts): one per event, each told again by the console. */
export type StaffEventKind =
  | 'staff.borrowing_created'
  | 'staff.borrowing_extended'
  | 'staff.borrowing_returned'
  | 'staff.payment_received';

/** One notice combined into a digest, its payload as it was queued (a broken one as far as it can be read). */
export type StaffDigestEntry = { [K in StaffEventKind]: { kind: K; payload: Partial<NoticePayloads[K]> } }[StaffEventKind];

/** Staff notices combined into one message when more came than the chat may be sent in a minute. */
export interface StaffDigestPayload {
  total: number;
  counts: { [K in StaffEventKind]?: number };
  first: StaffDigestEntry[];
  /** The outbox ids of the first and last notices combined. */
  first_id: number;
  last_id: number;
}

/** A loan about to fall due (the due-soon job, or staff's Remind before the due date). */
export interface DueSoonPayload {
  borrowing_id: number;
  book_title: string;
  book_author: string;
  expected_return_date: string;
  days_left: number;
  /** Readers queueing for the book: such a loan cannot be extended. Staff's Remind leaves it out. */
  holds_waiting?: number;
}

/** A loan past its due date, with the fine returning it today would charge. */
export interface OverduePayload {
  borrowing_id: number;
  book_title: string;
  book_author: string;
  expected_return_date: string;
  overdue_days: number;
  fine_per_day_cents: number;
  fine_so_far_cents: number;
}

/** A hold and its book; `ready_until` is its pick-up deadline (an instant), set once it became READY. */
export interface HoldPayload {
  hold_id: number;
  book_id: number;
  book_title: string;
  book_author: string;
  ready_until: string | null;
}

/** A copy set aside for the reader: the deadline also as the library's local time. */
export interface HoldReadyPayload extends HoldPayload {
  ready_until_local: string;
}

/** The account's Telegram linked to another chat: whose, in the masked email's account. */
export interface TelegramReplacedPayload {
  /** The account's email, masked (o•••@example.com), or null when it has none. */
  email: string | null;
  /** The Telegram that took it over: its first name (null when it shows none) and @username. */
  telegram_first_name: string | null;
  telegram_username: string | null;
}

export interface TelegramUnlinkedPayload {
  email: string | null;
}

/** Not a message: the edit dropping a paid payment's Pay button from a message sent earlier. */
export interface PayButtonEditPayload {
  payment_id: number;
  message_id: number;
}

/** Every kind of notice and its payload. */
export interface NoticePayloads {
  'staff.borrowing_created': BorrowingCreatedPayload;
  'staff.borrowing_extended': BorrowingExtendedPayload;
  'staff.borrowing_returned': BorrowingReturnedPayload;
  'staff.payment_received': PaymentReceivedPayload;
  'staff.overdue_report': OverdueReportPayload;
  /** Written by the dispatcher (jobs/staff-digest.ts), not by core. */
  'staff.digest': StaffDigestPayload;
  'reader.borrowing_confirmed': BorrowingCreatedPayload;
  'reader.borrowing_extended': BorrowingExtendedPayload;
  'reader.payment_received': PaymentReceivedPayload;
  'reader.due_soon': DueSoonPayload;
  'reader.overdue': OverduePayload;
  'reader.fine_created': BorrowingReturnedPayload;
  // What staff or the clock did to a reader's things: told to the reader when linked.
  'reader.returned_by_staff': BorrowingReturnedPayload;
  'reader.payment_refunded': PaymentPayload;
  'reader.payment_expired': PaymentPayload;
  'reader.hold_ready': HoldReadyPayload;
  'reader.hold_expired': HoldPayload;
  // A chat the account let go of: linked to another Telegram, or unlinked (README, "Security settings").
  'reader.telegram_replaced': TelegramReplacedPayload;
  'reader.telegram_unlinked': TelegramUnlinkedPayload;
  // Not a message: an edit of one sent earlier — its Pay button dropped once the payment is paid.
  'edit.pay_button': PayButtonEditPayload;
}

export type NotificationKind = keyof NoticePayloads;
