// The staff console's cards (bot/features/admin/): one loan with its reader, book, dates and
// payments; one book with its copies on the shelf and out. Staff only; one query each (two for a
// loan: its row, then its payments).
import { sql } from 'kysely';
import {
  type Actor,
  type CoreDeps,
  daysBetween,
  displayName,
  fineChargeCents,
  formatCents,
  notFound,
  requireStaff,
  todayIn,
} from '../kernel/index.js';

/** A loan as the staff console's card shows it: its reader, book, dates and every payment. */
export interface LoanCard {
  borrowing_id: number;
  book: { id: number; title: string; author: string };
  reader: { id: number; name: string; telegram_username: string | null; email: string | null; telegram_linked: boolean };
  borrow_date: string;
  expected_return_date: string;
  actual_return_date: string | null;
  /** What returning it today would fine (core's rule, the minimum charge included); null when on time or returned. */
  fine_if_returned_today: string | null;
  payments: {
    id: number;
    type: 'PAYMENT' | 'FINE';
    renewal: number;
    status: 'PENDING' | 'PAID' | 'EXPIRED' | 'REFUNDED';
    amount: string;
    paid_at: string | null;
    refunded_at: string | null;
  }[];
}

/** A book as the staff console's card shows it (its copies on the shelf and out). */
export interface BookCard {
  id: number;
  title: string;
  author: string;
  isbn: string | null;
  cover: 'HARD' | 'SOFT';
  daily_fee: string;
  /** Copies on the shelf, those set aside included. */
  inventory: number;
  /** Of those, copies set aside for readers whose hold is READY. */
  held: number;
  /** Copies out on active loans. */
  on_loan: number;
}

export function createCards({ db, clock, config }: Pick<CoreDeps, 'db' | 'clock' | 'config'>) {
  const today = () => todayIn(clock, config.rules.timeZone);

  /** One loan with its reader, book and payments (staff); NOT_FOUND when there is none. */
  async function loanCard(actor: Actor, borrowingId: number): Promise<LoanCard> {
    requireStaff(actor);
    const r = await db
      .selectFrom('borrowings')
      .innerJoin('books', 'books.id', 'borrowings.book_id')
      .innerJoin('users', 'users.id', 'borrowings.user_id')
      .select([
        'borrowings.id',
        'borrowings.borrow_date',
        'borrowings.expected_return_date',
        'borrowings.actual_return_date',
        'books.id as book_id',
        'books.title',
        'books.author',
        'books.daily_fee_cents',
        'users.id as user_id',
        'users.first_name',
        'users.last_name',
        'users.email',
        'users.telegram_username',
        'users.telegram_user_id',
      ])
      .where('borrowings.id', '=', borrowingId)
      .executeTakeFirst();
    if (!r) throw notFound('Borrowing');
    const payments = await db
      .selectFrom('payments')
      .select(['id', 'type', 'renewal', 'status', 'money_to_pay_cents', 'paid_at', 'refunded_at'])
      .where('borrowing_id', '=', borrowingId)
      .orderBy('id')
      .execute();
    const late = r.actual_return_date === null ? daysBetween(r.expected_return_date, today()) : 0;
    return {
      borrowing_id: r.id,
      book: { id: r.book_id, title: r.title, author: r.author },
      reader: {
        id: r.user_id,
        name: displayName({ ...r, id: r.user_id }),
        telegram_username: r.telegram_username,
        email: r.email,
        telegram_linked: r.telegram_user_id !== null,
      },
      borrow_date: r.borrow_date,
      expected_return_date: r.expected_return_date,
      actual_return_date: r.actual_return_date,
      fine_if_returned_today:
        late > 0 ? formatCents(fineChargeCents(r.daily_fee_cents, late, config.rules.fineMultiplier)) : null,
      payments: payments.map((p) => ({
        id: p.id,
        type: p.type,
        renewal: p.renewal,
        status: p.status,
        amount: formatCents(p.money_to_pay_cents),
        paid_at: p.paid_at,
        refunded_at: p.refunded_at,
      })),
    };
  }

  /** One book with its copies on the shelf and out (staff); NOT_FOUND for none or a deleted one. */
  async function bookCard(actor: Actor, bookId: number): Promise<BookCard> {
    requireStaff(actor);
    const r = await db
      .selectFrom('books')
      .select(['id', 'title', 'author', 'isbn', 'cover', 'daily_fee_cents', 'inventory', 'held'])
      .select((eb) =>
        eb
          .selectFrom('borrowings')
          .select(sql<number>`count(*)`.as('n'))
          .whereRef('borrowings.book_id', '=', 'books.id')
          .where('borrowings.actual_return_date', 'is', null)
          .as('on_loan'),
      )
      .where('id', '=', bookId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!r) throw notFound('Book');
    return {
      id: r.id,
      title: r.title,
      author: r.author,
      isbn: r.isbn,
      cover: r.cover,
      daily_fee: formatCents(r.daily_fee_cents),
      inventory: r.inventory,
      held: r.held,
      on_loan: Number(r.on_loan ?? 0),
    };
  }

  return { loanCard, bookCard };
}
