import { sql } from 'kysely';
import { immediateTransaction, lockForUpdate } from '../../db/connection.js';
import { jsonArray, jsonArrayRows } from '../../db/dialect-sql.js';
import { holdIsActive } from '../../db/hold-status.js';
import { toBook } from '../catalogue/index.js';
import { fulfilHold } from '../holds/index.js';
import {
  type Actor,
  addDays,
  type CoreDeps,
  chargeableCents,
  clampLimit,
  DomainError,
  dateInZone,
  dateProblem,
  daysBetween,
  decodeCursor,
  displayName,
  fineChargeCents,
  formatCents,
  invalidField,
  listOwner,
  mayAccess,
  notFound,
  ownerOf,
  type Page,
  rentCents,
  requireAccess,
  requirePerson,
  todayIn,
  toPage,
} from '../kernel/index.js';
import { enqueue, readerNote, staffNote } from '../notices/index.js';
import {
  type Checkout,
  checkoutOf,
  foreignSessionTest,
  insertPendingPayment,
  PAYMENT_COLUMNS,
  type Payment,
  type PaymentStore,
  type SessionError,
  toPayment,
} from '../payments/index.js';
import { leaveQueue, returnCopy, takeCopy } from '../stock/index.js';
import type { Borrowing, NoticeOptions } from './loan.js';
import { createRenewals } from './renewals.js';

export type { Borrowing, NoticeOptions } from './loan.js';

// A borrowing row as one JSON array, in this order: the borrowing, its book, then its payments
// (oldest first, each PAYMENT_COLUMNS in order) — one statement for a page of loans, and a JSON
// text per row costs about half of better-sqlite3 building a row object of 16 columns.
const borrowingJsonColumns = [
  'borrowings.id',
  'borrowings.user_id',
  'borrowings.borrow_date',
  'borrowings.expected_return_date',
  'borrowings.actual_return_date',
  'borrowings.renewals',
  'books.id',
  'books.title',
  'books.author',
  'books.isbn',
  'books.cover',
  'books.inventory',
  'books.daily_fee_cents',
  'books.held',
  'books.waiting',
] as const;

type PaymentFields = Parameters<typeof toPayment>[0];

type Foreign = (url: string | null) => boolean;

function paymentFromArray(a: unknown[], foreign: Foreign): Payment {
  const [
    id,
    borrowing_id,
    user_id,
    type,
    status,
    renewal,
    money_to_pay_cents,
    session_id,
    session_url,
    session_expires_at,
    created_at,
    paid_at,
    refunded_at,
  ] = a;
  return toPayment(
    {
      id,
      borrowing_id,
      user_id,
      type,
      status,
      renewal,
      money_to_pay_cents,
      session_id,
      session_url,
      session_expires_at,
      created_at,
      paid_at,
      refunded_at,
    } as PaymentFields,
    foreign,
  );
}

function borrowingFromJson(text: string, foreign: Foreign): Borrowing {
  const [
    id,
    user_id,
    borrow_date,
    expected_return_date,
    actual_return_date,
    renewals,
    book_id,
    title,
    author,
    isbn,
    cover,
    inventory,
    daily_fee_cents,
    held,
    waiting,
    payments,
  ] = JSON.parse(text) as unknown[];
  return {
    id: id as number,
    user_id: user_id as number,
    borrow_date: borrow_date as string,
    expected_return_date: expected_return_date as string,
    actual_return_date: actual_return_date as string | null,
    is_active: actual_return_date === null,
    renewals: renewals as number,
    book: toBook({ id: book_id, title, author, isbn, cover, inventory, daily_fee_cents, held, waiting } as Parameters<
      typeof toBook
    >[0]),
    payments: (payments as unknown[][]).map((a) => paymentFromArray(a, foreign)),
  };
}

export function createBorrowings(deps: CoreDeps, payments: PaymentStore, onInventoryChange: () => void = () => undefined) {
  const { db, clock, config } = deps;
  const { maxLoanDays, maxActiveLoans, fineMultiplier, timeZone } = config.rules;
  const today = () => todayIn(clock, timeZone);

  const rowJson = jsonArray(db, [
    ...borrowingJsonColumns.map((c) => sql.ref(c)),
    jsonArrayRows(db, {
      table: 'payments',
      alias: 'p',
      columns: PAYMENT_COLUMNS,
      where: sql`p.borrowing_id = borrowings.id`,
      orderBy: 'id',
    }),
  ]);
  const base = () =>
    db
      .selectFrom('borrowings')
      .innerJoin('books', 'books.id', 'borrowings.book_id')
      .select([rowJson.as('row'), 'borrowings.user_id']);
  const foreign = foreignSessionTest(config);
  const hydrate = (rows: { row: string }[]): Borrowing[] => rows.map((r) => borrowingFromJson(r.row, foreign));

  /** Another reader's borrowing answers 404, never 403. */
  async function get(actor: Actor, id: number): Promise<Borrowing> {
    const row = requireAccess(actor, await base().where('borrowings.id', '=', id).executeTakeFirst(), 'Borrowing');
    return hydrate([row])[0]!;
  }

  async function list(
    actor: Actor,
    opts: { isActive?: boolean; userId?: number; cursor?: string; limit?: number } = {},
  ): Promise<Page<Borrowing>> {
    const userId = listOwner(actor, opts.userId);
    const limit = clampLimit(opts.limit);
    const after = decodeCursor<[number]>(opts.cursor, ['int']);
    let q = base();
    if (userId !== undefined) q = q.where('borrowings.user_id', '=', userId);
    if (opts.isActive === true) q = q.where('borrowings.actual_return_date', 'is', null);
    if (opts.isActive === false) q = q.where('borrowings.actual_return_date', 'is not', null);
    if (after) q = q.where('borrowings.id', '<', after[0]);
    const rows = await q
      .orderBy('borrowings.id', 'desc')
      .limit(limit + 1)
      .execute();
    return toPage(
      hydrate(rows),
      limit,
      (b) => [b.id],
      (b) => b,
    );
  }

  /** Books a reader holds now (GET /api/users/me/books/, the bot's "My books"): one's own, or a reader's for staff. */
  async function activeFor(actor: Actor, ofUser?: number): Promise<Borrowing[]> {
    const userId = ownerOf(actor, ofUser);
    const rows = await base()
      .where('borrowings.user_id', '=', userId)
      .where('borrowings.actual_return_date', 'is', null)
      .orderBy('borrowings.expected_return_date')
      .orderBy('borrowings.id')
      .limit(100)
      .execute();
    return hydrate(rows);
  }

  /**
   * Checks a loan end date against the rules; returns the number of days. `from` is the use
   * case's own "today", read once: a second read across midnight could make the borrow date
   * equal the return date just checked.
   */
  function checkLoanPeriod(expectedReturnDate: string, from: string = today()): number {
    const problem = dateProblem('expected_return_date', expectedReturnDate);
    if (problem) throw invalidField('expected_return_date', problem);
    const days = daysBetween(from, expectedReturnDate);
    if (days < 1 || days > maxLoanDays) {
      const min = addDays(from, 1);
      const max = addDays(from, maxLoanDays);
      throw new DomainError(
        'INVALID_LOAN_PERIOD',
        `expected_return_date must be after today and at most ${maxLoanDays} days away (${min} … ${max})`,
        {
          field: 'expected_return_date',
          min,
          max,
        },
      );
    }
    return days;
  }

  /** What a loan of `days` would cost, for showing before confirming. */
  async function quote(bookId: number, days: number) {
    const book = await db
      .selectFrom('books')
      .select(['daily_fee_cents'])
      .where('id', '=', bookId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!book) throw notFound('Book');
    const from = today();
    const to = addDays(from, days);
    checkLoanPeriod(to, from);
    const cents = chargeableCents(rentCents(book.daily_fee_cents, from, to));
    return { borrow_date: from, expected_return_date: to, days, rent: formatCents(cents), rent_cents: cents };
  }

  /**
   * Borrows a book. Every check and the inventory decrement happen in ONE immediate transaction,
   * so concurrent requests can never push inventory below zero. The rent's Checkout Session is
   * opened after commit: Stripe being down leaves a valid borrowing with a renewable payment.
   */
  async function borrow(
    actor: Actor,
    input: { book_id: number; expected_return_date: string },
    notices: NoticeOptions = {},
  ): Promise<{ borrowing: Borrowing } & Checkout> {
    const borrower = requirePerson(actor);
    if (!Number.isSafeInteger(input.book_id) || input.book_id < 1)
      throw invalidField('book_id', 'book_id must be a positive integer');
    const now = clock.now();
    const borrowDate = dateInZone(now, timeZone);
    checkLoanPeriod(input.expected_return_date, borrowDate);
    const { borrowingId, paymentId } = await immediateTransaction(db, async (trx) => {
      // PostgreSQL: the reader first (loan limit, unpaid payments), then the book (copies); always
      // in that order, so two use cases never wait on each other crosswise. SQLite: one write lock.
      await lockForUpdate(trx, 'users', [borrower.userId]);
      await lockForUpdate(trx, 'books', [input.book_id]);
      const book = await trx
        .selectFrom('books')
        .select(['id', 'title', 'author', 'daily_fee_cents'])
        .where('id', '=', input.book_id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (!book) throw notFound('Book');
      const unpaid = await payments.firstUnpaid(trx, borrower.userId);
      if (unpaid) {
        throw new DomainError(
          'UNPAID',
          `You have an unpaid ${unpaid.type === 'FINE' ? 'fine' : 'payment'} (#${unpaid.id}, ${formatCents(unpaid.money_to_pay_cents)} USD, ${unpaid.status}); pay it before borrowing again`,
          {
            payment_id: unpaid.id,
            status: unpaid.status,
          },
        );
      }
      const active = await trx
        .selectFrom('borrowings')
        .select(sql<number>`count(*)`.as('n'))
        .where('user_id', '=', borrower.userId)
        .where('actual_return_date', 'is', null)
        .executeTakeFirstOrThrow();
      if (active.n >= maxActiveLoans) {
        throw new DomainError(
          'LOAN_LIMIT_REACHED',
          `You already hold ${active.n} books; the limit is ${maxActiveLoans}. Return one to borrow another`,
          { limit: maxActiveLoans },
        );
      }
      // A READY hold of this reader: the copy set aside for them is the one lent. Anyone else
      // borrows only a copy nobody's hold has set aside (inventory − held), as on an empty shelf.
      const hold = await trx
        .selectFrom('holds')
        .select(['id', 'status'])
        .where('user_id', '=', borrower.userId)
        .where('book_id', '=', book.id)
        .where(holdIsActive())
        .executeTakeFirst();
      const ready = hold?.status === 'READY';
      if (!(await takeCopy(trx, book.id, ready)))
        throw new DomainError('NO_COPIES_LEFT', `No copies of "${book.title}" are left right now`);
      const borrowing = await trx
        .insertInto('borrowings')
        .values({
          book_id: book.id,
          user_id: borrower.userId,
          borrow_date: borrowDate,
          expected_return_date: input.expected_return_date,
          actual_return_date: null,
          created_at: now.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (hold) {
        // READY: its copy is this loan. WAITING (a free copy came first): the place is not needed any more.
        await fulfilHold(trx, hold.id, borrowing.id, now);
        if (!ready) await leaveQueue(trx, book.id);
      }
      const cents = chargeableCents(rentCents(book.daily_fee_cents, borrowDate, input.expected_return_date));
      const payment = await insertPendingPayment(trx, {
        borrowingId: borrowing.id,
        userId: borrower.userId,
        type: 'PAYMENT',
        cents,
        at: now,
      });
      const reader = await trx
        .selectFrom('users')
        .select(['first_name', 'last_name', 'email', 'telegram_user_id', 'telegram_username', 'language'])
        .where('id', '=', borrower.userId)
        .executeTakeFirstOrThrow();
      const payload = {
        borrowing_id: borrowing.id,
        payment_id: payment.id,
        book_title: book.title,
        book_author: book.author,
        reader: displayName({ ...reader, id: borrower.userId }),
        reader_username: reader.telegram_username,
        borrow_date: borrowDate,
        expected_return_date: input.expected_return_date,
        rent: formatCents(cents),
      };
      await enqueue(
        trx,
        [
          ...staffNote(config.telegram.staffChatId, 'staff.borrowing_created', payload),
          ...(notices.readerSeesIt ? [] : readerNote(reader, 'reader.borrowing_confirmed', payload, `borrowed:${borrowing.id}`)),
        ],
        now.getTime(),
      );
      return { borrowingId: borrowing.id, paymentId: payment.id };
    });
    onInventoryChange();
    const opened = await payments.openSession(paymentId);
    return { borrowing: await get(actor, borrowingId), ...checkoutOf(opened) };
  }

  /** Returns a borrowing (owner or staff), once; late → a FINE payment with its own session. */
  async function returnBook(
    actor: Actor,
    id: number,
    notices: NoticeOptions = {},
  ): Promise<{ borrowing: Borrowing; fine: Payment | null; session_error: SessionError | null }> {
    const now = clock.now();
    const returnDate = dateInZone(now, timeZone);
    const fineId = await immediateTransaction(db, async (trx) => {
      await lockForUpdate(trx, 'borrowings', [id]);
      const b = await trx
        .selectFrom('borrowings')
        .innerJoin('books', 'books.id', 'borrowings.book_id')
        .innerJoin('users', 'users.id', 'borrowings.user_id')
        .select([
          'borrowings.id',
          'borrowings.user_id',
          'borrowings.book_id',
          'borrowings.borrow_date',
          'borrowings.expected_return_date',
          'borrowings.actual_return_date',
          'books.title',
          'books.daily_fee_cents',
          'users.telegram_user_id',
          'users.language',
          'users.first_name',
          'users.last_name',
          'users.email',
          'users.telegram_username',
        ])
        .where('borrowings.id', '=', id)
        .executeTakeFirst();
      if (!b || !mayAccess(actor, b.user_id)) throw notFound('Borrowing');
      if (b.actual_return_date !== null)
        throw new DomainError('ALREADY_RETURNED', `This book was already returned on ${b.actual_return_date}`);
      // A clock set before the borrow date (time zones, tests) must not break the CHECK.
      // biome-ignore lint/complexity/useMathMinMax: ISO dates compare as strings.
      const actual = returnDate < b.borrow_date ? b.borrow_date : returnDate;
      const done = await trx
        .updateTable('borrowings')
        .set({ actual_return_date: actual })
        .where('id', '=', id)
        .where('actual_return_date', 'is', null)
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw new DomainError('ALREADY_RETURNED', 'This book was already returned');
      // The copy goes to the first reader waiting, if any, in this same transaction
      // (docs/rules.md#holds). PostgreSQL: the book's row lock, taken by its UPDATE, holds its
      // queue still.
      await returnCopy(trx, b.book_id, { now, pickupHours: config.rules.holdPickupHours, timeZone });
      // b.id is the borrowing's: the fallback `#id` must name the reader.
      const reader = displayName({ ...b, id: b.user_id });
      const overdueDays = daysBetween(b.expected_return_date, actual);
      let fine: { id: number; cents: number } | null = null;
      if (overdueDays > 0) {
        const cents = fineChargeCents(b.daily_fee_cents, overdueDays, fineMultiplier);
        const row = await insertPendingPayment(trx, { borrowingId: b.id, userId: b.user_id, type: 'FINE', cents, at: now });
        fine = { id: row.id, cents };
      }
      const payload = {
        borrowing_id: b.id,
        book_title: b.title,
        reader,
        reader_username: b.telegram_username,
        expected_return_date: b.expected_return_date,
        actual_return_date: actual,
        overdue_days: Math.max(0, overdueDays),
        fine: fine ? formatCents(fine.cents) : null,
        fine_payment_id: fine?.id ?? null,
      };
      // The reader hears of it once: from staff's return (with its fine), or of the fine of their
      // own return made elsewhere (REST); a door that shows them the outcome queues nothing.
      const byStaff = actor.userId !== b.user_id;
      const readerNotes = notices.readerSeesIt
        ? []
        : byStaff
          ? readerNote(b, 'reader.returned_by_staff', payload, `returned:${b.id}`)
          : fine
            ? readerNote(b, 'reader.fine_created', payload, `fine:${fine.id}`)
            : [];
      const staffNotes = notices.staffSeesIt ? [] : staffNote(config.telegram.staffChatId, 'staff.borrowing_returned', payload);
      await enqueue(trx, [...staffNotes, ...readerNotes], now.getTime());
      return fine?.id ?? null;
    });
    onInventoryChange();
    let fine: Payment | null = null;
    let session_error: SessionError | null = null;
    if (fineId !== null) {
      const opened = await payments.openSession(fineId);
      fine = toPayment(opened.row ?? (await payments.getRow(fineId)), foreign);
      session_error = opened.error;
    }
    return { borrowing: await get(actor, id), fine, session_error };
  }

  // Extending a loan (SPEC §11): core/lending/renewals.ts.
  const { extend, extensionQuote } = createRenewals(deps, payments, get);

  return { get, list, activeFor, borrow, returnBook, quote, checkLoanPeriod, today, extend, extensionQuote };
}

export type BorrowingsService = ReturnType<typeof createBorrowings>;
