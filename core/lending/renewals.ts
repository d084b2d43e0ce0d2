// Extending a loan (SPEC §11): by the borrower or staff, while the loan is active and not
// overdue, the reader owes nothing, fewer than MAX_RENEWALS renewals so far and nobody waits for
// the book. The new due date is after the current one and at most MAX_LOAN_DAYS from today; the
// extra days are charged as a new PAYMENT (its `renewal` number) with its own Checkout Session,
// opened after commit — Stripe down leaves the extension standing with a renewable payment.
import { sql } from 'kysely';
import { type DB, immediateTransaction, lockForUpdate } from '../../db/connection.js';
import {
  type Actor,
  addDays,
  type CoreDeps,
  chargeableCents,
  DomainError,
  dateInZone,
  dateProblem,
  daysBetween,
  displayName,
  formatCents,
  invalidField,
  mayAccess,
  notFound,
} from '../kernel/index.js';
import { enqueue, readerNote, staffNote } from '../notices/index.js';
import { type Checkout, checkoutOf, insertPendingPayment, type PaymentStore } from '../payments/index.js';
import type { Borrowing, NoticeOptions } from './loan.js';

/** What extending a loan would cost, for showing before confirming (the bot's Extend). */
export interface ExtensionQuote {
  borrowing_id: number;
  /** The due date now. */
  expected_return_date: string;
  /** The earliest and latest new due date. */
  min: string;
  max: string;
  renewals: number;
  renewals_left: number;
  daily_fee: string;
  /** For the date asked about: the extra days and what they cost (Stripe's minimum applied). */
  new_date: string | null;
  extra_days: number | null;
  extra_rent: string | null;
}

interface LoanFacts {
  id: number;
  user_id: number;
  book_id: number;
  expected_return_date: string;
  actual_return_date: string | null;
  renewals: number;
  daily_fee_cents: number;
  waiting: number;
}

type Unpaid = { id: number; status: string; type: string; money_to_pay_cents: number } | undefined;

export function createRenewals(
  { db, clock, config }: CoreDeps,
  payments: PaymentStore,
  get: (actor: Actor, id: number) => Promise<Borrowing>,
) {
  const { maxLoanDays, maxRenewals, timeZone } = config.rules;

  const loan = (q: DB, id: number) =>
    q
      .selectFrom('borrowings')
      .innerJoin('books', 'books.id', 'borrowings.book_id')
      .select([
        'borrowings.id',
        'borrowings.user_id',
        'borrowings.book_id',
        'borrowings.expected_return_date',
        'borrowings.actual_return_date',
        'borrowings.renewals',
        'books.daily_fee_cents',
        'books.waiting',
      ])
      .where('borrowings.id', '=', id)
      .executeTakeFirst();

  /** Why this loan cannot be extended now, in the order §11 lists the rules; null when it can. */
  function refusal(b: LoanFacts, today: string, unpaid: Unpaid): DomainError | null {
    if (b.actual_return_date !== null)
      return new DomainError('NOT_ACTIVE', `This loan ended on ${b.actual_return_date}; only an active loan can be extended`);
    if (b.expected_return_date < today) {
      return new DomainError(
        'OVERDUE',
        `This loan was due back on ${b.expected_return_date}; an overdue loan cannot be extended — please return the book`,
        { expected_return_date: b.expected_return_date },
      );
    }
    if (unpaid) {
      return new DomainError(
        'UNPAID',
        `There is an unpaid ${unpaid.type === 'FINE' ? 'fine' : 'payment'} (#${unpaid.id}, ${formatCents(unpaid.money_to_pay_cents)} USD, ${unpaid.status}); pay it before extending a loan`,
        {
          payment_id: unpaid.id,
          status: unpaid.status,
        },
      );
    }
    if (b.renewals >= maxRenewals) {
      return new DomainError(
        'RENEWAL_LIMIT',
        `This loan was already extended ${b.renewals} ${b.renewals === 1 ? 'time' : 'times'}; at most ${maxRenewals} renewals are allowed`,
        { limit: maxRenewals, renewals: b.renewals },
      );
    }
    if (b.waiting > 0) {
      return new DomainError(
        'HOLDS_WAITING',
        `${b.waiting} ${b.waiting === 1 ? 'reader is' : 'readers are'} waiting for this book, so the loan cannot be extended`,
        { waiting: b.waiting },
      );
    }
    return null;
  }

  /** The new due date's window: after the current one, at most MAX_LOAN_DAYS from today. */
  function window(b: LoanFacts, today: string) {
    const min = addDays(b.expected_return_date, 1);
    const max = addDays(today, maxLoanDays);
    if (min > max) {
      throw new DomainError(
        'INVALID_LOAN_PERIOD',
        `This loan already runs to ${b.expected_return_date}, the most a loan may run from today (${maxLoanDays} days)`,
        { field: 'expected_return_date', min, max },
      );
    }
    return { min, max };
  }

  function checkDate(newDate: string, b: LoanFacts, today: string): number {
    const problem = dateProblem('expected_return_date', newDate);
    if (problem) throw invalidField('expected_return_date', problem);
    const { min, max } = window(b, today);
    if (newDate < min || newDate > max) {
      throw new DomainError(
        'INVALID_LOAN_PERIOD',
        `expected_return_date must be after the current due date and at most ${maxLoanDays} days from today (${min} … ${max})`,
        {
          field: 'expected_return_date',
          min,
          max,
        },
      );
    }
    return daysBetween(b.expected_return_date, newDate);
  }

  /**
   * Whether the loan can be extended and, for a date given, the extra rent — nothing changes.
   * Refusals are the ones extend() answers (404 for someone else's loan).
   */
  async function extensionQuote(actor: Actor, id: number, newDate?: string): Promise<ExtensionQuote> {
    const today = dateInZone(clock.now(), timeZone);
    const b = await loan(db, id);
    if (!b || !mayAccess(actor, b.user_id)) throw notFound('Borrowing');
    const refused = refusal(b, today, await payments.firstUnpaid(db, b.user_id));
    if (refused) throw refused;
    const { min, max } = window(b, today);
    const days = newDate === undefined ? null : checkDate(newDate, b, today);
    return {
      borrowing_id: b.id,
      expected_return_date: b.expected_return_date,
      min,
      max,
      renewals: b.renewals,
      renewals_left: maxRenewals - b.renewals,
      daily_fee: formatCents(b.daily_fee_cents),
      new_date: newDate ?? null,
      extra_days: days,
      extra_rent: days === null ? null : formatCents(chargeableCents(b.daily_fee_cents * days)),
    };
  }

  /**
   * Extends the loan (borrower or staff); answers it as its detail plus the extra rent's
   * session_url. Staff hear of every extension; the reader (when linked) of one made elsewhere —
   * over REST, or by staff — with the Pay button, unless the door shows them the outcome itself
   * (`readerSeesIt`: the bot's Extend).
   */
  async function extend(
    actor: Actor,
    id: number,
    input: { expected_return_date: string },
    notices: NoticeOptions = {},
  ): Promise<{ borrowing: Borrowing } & Checkout> {
    const now = clock.now();
    const today = dateInZone(now, timeZone);
    const paymentId = await immediateTransaction(db, async (trx) => {
      const first = await loan(trx, id);
      if (!first || !mayAccess(actor, first.user_id)) throw notFound('Borrowing');
      // PostgreSQL: the loan (a return waits), its reader (unpaid payments), its book (a hold
      // placed meanwhile waits): borrowings, then users, then books, as every use case orders them.
      await lockForUpdate(trx, 'borrowings', [id]);
      await lockForUpdate(trx, 'users', [first.user_id]);
      await lockForUpdate(trx, 'books', [first.book_id]);
      const b = (await loan(trx, id))!;
      const refused = refusal(b, today, await payments.firstUnpaid(trx, b.user_id));
      if (refused) throw refused;
      const days = checkDate(input.expected_return_date, b, today);
      const renewal = b.renewals + 1;
      await trx
        .updateTable('borrowings')
        .set({ expected_return_date: input.expected_return_date, renewals: sql`renewals + 1` })
        .where('id', '=', id)
        .where('actual_return_date', 'is', null)
        .execute();
      const cents = chargeableCents(b.daily_fee_cents * days);
      const payment = await insertPendingPayment(trx, {
        borrowingId: b.id,
        userId: b.user_id,
        type: 'PAYMENT',
        cents,
        at: now,
        renewal,
      });
      const facts = await trx
        .selectFrom('borrowings')
        .innerJoin('users', 'users.id', 'borrowings.user_id')
        .innerJoin('books', 'books.id', 'borrowings.book_id')
        .select([
          'users.first_name',
          'users.last_name',
          'users.email',
          'users.telegram_user_id',
          'users.telegram_username',
          'users.language',
          'books.title',
          'books.author',
        ])
        .where('borrowings.id', '=', b.id)
        .executeTakeFirstOrThrow();
      const payload = {
        borrowing_id: b.id,
        payment_id: payment.id,
        renewal,
        book_title: facts.title,
        book_author: facts.author,
        reader: displayName({ ...facts, id: b.user_id }),
        reader_username: facts.telegram_username,
        previous_return_date: b.expected_return_date,
        expected_return_date: input.expected_return_date,
        rent: formatCents(cents),
      };
      await enqueue(
        trx,
        [
          ...staffNote(config.telegram.staffChatId, 'staff.borrowing_extended', payload),
          ...(notices.readerSeesIt ? [] : readerNote(facts, 'reader.borrowing_extended', payload, `extended:${payment.id}`)),
        ],
        now.getTime(),
      );
      return payment.id;
    });
    const opened = await payments.openSession(paymentId);
    return { borrowing: await get(actor, id), ...checkoutOf(opened) };
  }

  return { extend, extensionQuote };
}
