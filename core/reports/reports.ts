// Set-based read models for the staff door (bot /admin) and the reader's "My books":
// each function is one query (joins, no query per row), keyset-paged where it lists. Every
// one but unpaidPayments (a reader's own) is for staff, and says so itself.
import { sql } from 'kysely';
import { type Actor, type CoreDeps, displayName, formatCents, ownerOf, requireStaff, todayIn } from '../kernel/index.js';
import { foreignSessionTest, liveSessionUrl } from '../payments/index.js';
import { createCards } from './cards.js';

export type { BookCard, LoanCard } from './cards.js';

export interface LoanLine {
  borrowing_id: number;
  book_id: number;
  title: string;
  user_id: number;
  reader: string;
  telegram_username: string | null;
  email: string | null;
  borrow_date: string;
  expected_return_date: string;
  actual_return_date: string | null;
}

export interface UnpaidPayment {
  id: number;
  borrowing_id: number;
  type: 'PAYMENT' | 'FINE';
  /** 0: the loan's rent or a fine; n: the extra rent of the loan's n-th renewal. */
  renewal: number;
  status: 'PENDING' | 'EXPIRED';
  amount: string;
  /** Only for a PENDING payment whose session is open. */
  session_url: string | null;
  title: string;
}

export interface DayStats {
  date: string;
  borrowed: number;
  returned: number;
  active: number;
  overdue: number;
  paid_count: number;
  paid_amount: string;
  refunded_count: number;
  refunded_amount: string;
}

export interface ReaderMatch {
  id: number;
  first_name: string;
  last_name: string;
  email: string | null;
  telegram_username: string | null;
  is_staff: boolean;
}

/** Offset of a time zone from UTC at an instant, in ms (positive east of Greenwich). */
function zoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The UTC instants [start, end) of a calendar day in a time zone. */
export function dayBounds(isoDate: string, timeZone: string): { start: string; end: string } {
  const startOf = (d: string) => {
    const midnightUtc = Date.parse(`${d}T00:00:00Z`);
    let t = midnightUtc - zoneOffsetMs(new Date(midnightUtc), timeZone);
    t = midnightUtc - zoneOffsetMs(new Date(t), timeZone); // once more, across a DST change
    return new Date(t);
  };
  const next = new Date(Date.parse(`${isoDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { start: startOf(isoDate).toISOString(), end: startOf(next).toISOString() };
}

export interface OverdueCounts {
  /** Active loans due before the date. */
  loans: number;
  /** Readers holding them. */
  readers: number;
}

/** Overdue loans and their readers, counted over the active-loan index (exported for query-plan tests). */
export const overdueCountsQuery = (db: CoreDeps['db'], date: string) =>
  db
    .selectFrom('borrowings')
    .select([sql<number>`count(*)`.as('loans'), sql<number>`count(DISTINCT user_id)`.as('readers')])
    .where('actual_return_date', 'is', null)
    .where('expected_return_date', '<', date);

const loanLines = (db: CoreDeps['db']) =>
  db
    .selectFrom('borrowings')
    .innerJoin('books', 'books.id', 'borrowings.book_id')
    .innerJoin('users', 'users.id', 'borrowings.user_id')
    .select([
      'borrowings.id as borrowing_id',
      'borrowings.book_id',
      'books.title',
      'borrowings.user_id',
      'users.first_name',
      'users.last_name',
      'users.email',
      'users.telegram_username',
      'borrowings.borrow_date',
      'borrowings.expected_return_date',
      'borrowings.actual_return_date',
    ]);

/** One page of overdue loans, most overdue first, keyset on (due date, id) (exported for query-plan tests). */
export function overdueLinesQuery(db: CoreDeps['db'], date: string, limit: number, after?: [string, number]) {
  let q = loanLines(db).where('borrowings.actual_return_date', 'is', null).where('borrowings.expected_return_date', '<', date);
  if (after) q = q.where(sql<boolean>`(borrowings.expected_return_date, borrowings.id) > (${after[0]}, ${after[1]})`);
  return q.orderBy('borrowings.expected_return_date').orderBy('borrowings.id').limit(limit);
}

export function createReports({ db, clock, config }: Pick<CoreDeps, 'db' | 'clock' | 'config'>) {
  const today = () => todayIn(clock, config.rules.timeZone);
  const foreign = foreignSessionTest(config);
  const loans = () => loanLines(db);
  type Row = Awaited<ReturnType<ReturnType<typeof loans>['execute']>>[number];
  const toLine = (r: Row): LoanLine => ({
    borrowing_id: r.borrowing_id,
    book_id: r.book_id,
    title: r.title,
    user_id: r.user_id,
    reader: displayName({ ...r, id: r.user_id }),
    telegram_username: r.telegram_username,
    email: r.email,
    borrow_date: r.borrow_date,
    expected_return_date: r.expected_return_date,
    actual_return_date: r.actual_return_date,
  });

  /** Active loans, newest first; `before` is the last borrowing id of the previous page. */
  async function activeLoans(
    actor: Actor,
    opts: { before?: number; limit: number },
  ): Promise<{ lines: LoanLine[]; next: number | null }> {
    requireStaff(actor);
    let q = loans().where('borrowings.actual_return_date', 'is', null);
    if (opts.before !== undefined) q = q.where('borrowings.id', '<', opts.before);
    const rows = await q
      .orderBy('borrowings.id', 'desc')
      .limit(opts.limit + 1)
      .execute();
    const more = rows.length > opts.limit;
    const page = rows.slice(0, opts.limit).map(toLine);
    return { lines: page, next: more ? page[page.length - 1]!.borrowing_id : null };
  }

  /**
   * Overdue loans (due before today, not returned), most overdue first; keyset on (due date, id).
   * `date` stands for today when the caller has already read the clock (a job's run).
   */
  async function overdueLoans(
    actor: Actor,
    opts: { after?: [string, number]; limit: number; date?: string },
  ): Promise<{ lines: LoanLine[]; next: [string, number] | null; today: string }> {
    requireStaff(actor);
    const day = opts.date ?? today();
    const rows = await overdueLinesQuery(db, day, opts.limit + 1, opts.after).execute();
    const more = rows.length > opts.limit;
    const page = rows.slice(0, opts.limit).map(toLine);
    const last = page[page.length - 1];
    return { lines: page, next: more && last ? [last.expected_return_date, last.borrowing_id] : null, today: day };
  }

  async function overdueCounts(actor: Actor, date: string = today()): Promise<OverdueCounts> {
    requireStaff(actor);
    const r = await overdueCountsQuery(db, date).executeTakeFirstOrThrow();
    return { loans: Number(r.loans), readers: Number(r.readers) };
  }

  /** A reader's loans, newest first (active and returned). */
  async function loansOf(
    actor: Actor,
    userId: number,
    opts: { before?: number; limit: number },
  ): Promise<{ lines: LoanLine[]; next: number | null }> {
    requireStaff(actor);
    let q = loans().where('borrowings.user_id', '=', userId);
    if (opts.before !== undefined) q = q.where('borrowings.id', '<', opts.before);
    const rows = await q
      .orderBy('borrowings.id', 'desc')
      .limit(opts.limit + 1)
      .execute();
    const more = rows.length > opts.limit;
    const page = rows.slice(0, opts.limit).map(toLine);
    return { lines: page, next: more ? page[page.length - 1]!.borrowing_id : null };
  }

  /** Finds a reader by `123` / `#123`, `@username` or email. */
  async function findReader(actor: Actor, query: string): Promise<ReaderMatch | undefined> {
    requireStaff(actor);
    const q = query.trim();
    let b = db.selectFrom('users').select(['id', 'first_name', 'last_name', 'email', 'telegram_username', 'is_staff']);
    if (/^#?\d{1,15}$/.test(q)) b = b.where('id', '=', Number(q.replace('#', '')));
    else if (/^@[A-Za-z0-9_]{1,64}$/.test(q)) b = b.where(sql<string>`lower(telegram_username)`, '=', q.slice(1).toLowerCase());
    else if (q.includes('@')) b = b.where('email', '=', q.toLowerCase());
    else return undefined;
    const row = await b.limit(1).executeTakeFirst();
    return row ? { ...row, is_staff: row.is_staff === 1 } : undefined;
  }

  /** A reader's unpaid (PENDING or EXPIRED) payments, rent and fines alike, with the book title: one's own, or anyone's for staff. */
  async function unpaidPayments(actor: Actor, ofUser?: number): Promise<UnpaidPayment[]> {
    const userId = ownerOf(actor, ofUser);
    const rows = await db
      .selectFrom('payments')
      .innerJoin('borrowings', 'borrowings.id', 'payments.borrowing_id')
      .innerJoin('books', 'books.id', 'borrowings.book_id')
      .select([
        'payments.id',
        'payments.borrowing_id',
        'payments.type',
        'payments.renewal',
        'payments.status',
        'payments.money_to_pay_cents',
        'payments.session_url',
        'payments.session_id',
        'books.title',
      ])
      .where('payments.user_id', '=', userId)
      .where('payments.status', 'in', ['PENDING', 'EXPIRED'])
      .orderBy('payments.id')
      .limit(50)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      borrowing_id: r.borrowing_id,
      type: r.type,
      renewal: r.renewal,
      status: r.status as 'PENDING' | 'EXPIRED',
      amount: formatCents(r.money_to_pay_cents),
      session_url: r.session_id !== null ? liveSessionUrl(r, foreign) : null,
      title: r.title,
    }));
  }

  /**
   * Today's numbers in one statement; each count is an index range (migration 002). "Paid" is
   * what was paid today and kept: a payment refunded since counts under "Refunded" only.
   */
  async function dayStats(actor: Actor, date: string = today()): Promise<DayStats> {
    requireStaff(actor);
    const { start, end } = dayBounds(date, config.rules.timeZone);
    const r = await sql<{
      borrowed: number;
      returned: number;
      active: number;
      overdue: number;
      paid_count: number;
      paid_cents: number;
      refunded_count: number;
      refunded_cents: number;
    }>`
      SELECT
        (SELECT count(*) FROM borrowings WHERE borrow_date = ${date}) AS borrowed,
        (SELECT count(*) FROM borrowings WHERE actual_return_date = ${date}) AS returned,
        (SELECT count(*) FROM borrowings WHERE actual_return_date IS NULL) AS active,
        (SELECT count(*) FROM borrowings WHERE actual_return_date IS NULL AND expected_return_date < ${date}) AS overdue,
        (SELECT count(*) FROM payments WHERE paid_at >= ${start} AND paid_at < ${end} AND status = 'PAID') AS paid_count,
        (SELECT coalesce(sum(money_to_pay_cents), 0) FROM payments WHERE paid_at >= ${start} AND paid_at < ${end} AND status = 'PAID') AS paid_cents,
        (SELECT count(*) FROM payments WHERE refunded_at >= ${start} AND refunded_at < ${end}) AS refunded_count,
        (SELECT coalesce(sum(money_to_pay_cents), 0) FROM payments WHERE refunded_at >= ${start} AND refunded_at < ${end}) AS refunded_cents
    `.execute(db);
    const s = r.rows[0]!;
    return {
      date,
      borrowed: s.borrowed,
      returned: s.returned,
      active: s.active,
      overdue: s.overdue,
      paid_count: s.paid_count,
      paid_amount: formatCents(s.paid_cents),
      refunded_count: s.refunded_count,
      refunded_amount: formatCents(s.refunded_cents),
    };
  }

  return {
    today,
    activeLoans,
    overdueLoans,
    overdueCounts,
    loansOf,
    findReader,
    unpaidPayments,
    dayStats,
    // A loan's and a book's card in the staff console.
    ...createCards({ db, clock, config }),
  };
}

export type Reports = ReturnType<typeof createReports>;
