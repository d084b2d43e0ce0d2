// Holds (SPEC §11): a reader's place in the queue for a book that is out. The use cases here;
// the set-aside mechanics they share with returns, inventory changes and merges in
// core/stock/hold-queue.ts. Every write locks the reader, then the book (PostgreSQL; SQLite's write
// lock covers both), the order borrowing uses, so the two never wait on each other crosswise.
import { sql } from 'kysely';
import { type DB, immediateTransaction, lockForUpdate } from '../../db/connection.js';
import { idSet } from '../../db/dialect-sql.js';
import { isUniqueViolation } from '../../db/errors.js';
import { holdIs, holdIsActive } from '../../db/hold-status.js';
import type { HoldStatus } from '../../db/schema.js';
import { BOOK_COLUMNS, type Book, toBook } from '../catalogue/index.js';
import {
  type Actor,
  type CoreDeps,
  chunks,
  clampLimit,
  DomainError,
  decodeCursor,
  displayName,
  invalidField,
  listOwner,
  mayAccess,
  notFound,
  type Page,
  requireAccess,
  requirePerson,
  requireStaff,
  toPage,
} from '../kernel/index.js';
import { holdNotices } from '../notices/index.js';
import { joinQueue, passCopiesOn, passReleasedCopiesOn, type QueueClock, syncBookCounters } from '../stock/index.js';

export const HOLD_STATUSES: readonly HoldStatus[] = ['WAITING', 'READY', 'FULFILLED', 'CANCELLED', 'EXPIRED'];

export interface Hold {
  id: number;
  user_id: number;
  book: Book;
  status: HoldStatus;
  /** Place in the book's queue (1 = next) while WAITING; null otherwise. */
  position: number | null;
  /** Pick-up deadline of the copy set aside (ISO instant): set once the hold is READY. */
  ready_until: string | null;
  created_at: string;
  /** The loan that fulfilled it (FULFILLED only). */
  borrowing_id: number | null;
}

/** One line of a book's queue, for staff (`/admin holds <book>`). */
export interface QueueLine {
  hold_id: number;
  user_id: number;
  reader: string;
  telegram_username: string | null;
  status: 'WAITING' | 'READY';
  position: number | null;
  ready_until: string | null;
  created_at: string;
}

export interface ExpireHoldsSummary {
  /** READY holds past their deadline, now EXPIRED. */
  expired: number;
  /** Copies passed on to the next reader waiting (holds made READY). */
  passedOn: number;
  /** Copies back on the shelf (no reader was waiting). */
  toShelf: number;
}

/**
 * Holds per expire-holds transaction, each a handful of set-based statements: big enough that
 * commits (SQLite's WAL checkpoints) do not dominate — 100,000 holds in 5 — and small enough that
 * other writers wait a fraction of a second at most.
 */
export const EXPIRE_BATCH = 20_000;

// The book's columns beside the hold's own: its id comes as book_id.
const bookCols = BOOK_COLUMNS.filter((c) => c !== 'id').map((c) => `books.${c}` as const);

export function createHolds({ db, clock, config }: CoreDeps, onBooksChange: () => void = () => undefined) {
  const { maxHolds, holdPickupHours, timeZone } = config.rules;
  const queueClock = (now: Date): QueueClock => ({ now, pickupHours: holdPickupHours, timeZone });

  // Position while WAITING: the WAITING holds of the book up to this one (holds_book_waiting).
  const position = sql<
    number | null
  >`CASE WHEN holds.status = 'WAITING' THEN (SELECT count(*) FROM holds w WHERE w.book_id = holds.book_id AND w.status = 'WAITING' AND w.id <= holds.id) END`;

  const base = (q: DB = db) =>
    q
      .selectFrom('holds')
      .innerJoin('books', 'books.id', 'holds.book_id')
      .select([
        'holds.id',
        'holds.user_id',
        'holds.status',
        'holds.ready_until',
        'holds.created_at',
        'holds.borrowing_id',
        position.as('position'),
        ...bookCols,
        'books.id as book_id',
      ]);
  type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

  const toHold = (r: Row): Hold => ({
    id: r.id,
    user_id: r.user_id,
    book: toBook({ ...r, id: r.book_id }),
    status: r.status,
    position: r.position === null ? null : Number(r.position),
    ready_until: r.ready_until,
    created_at: r.created_at,
    borrowing_id: r.borrowing_id,
  });

  /** Someone else's hold answers 404, as borrowings and payments do. */
  async function get(actor: Actor, id: number): Promise<Hold> {
    return toHold(requireAccess(actor, await base().where('holds.id', '=', id).executeTakeFirst(), 'Hold'));
  }

  /** Own holds, newest first (staff: everyone's; `userId` is a staff filter). */
  async function list(
    actor: Actor,
    opts: { userId?: number; bookId?: number; status?: HoldStatus; cursor?: string; limit?: number } = {},
  ): Promise<Page<Hold>> {
    const userId = listOwner(actor, opts.userId);
    const limit = clampLimit(opts.limit);
    const after = decodeCursor<[number]>(opts.cursor, ['int']);
    let q = base();
    if (userId !== undefined) q = q.where('holds.user_id', '=', userId);
    if (opts.bookId !== undefined) q = q.where('holds.book_id', '=', opts.bookId);
    if (opts.status !== undefined) {
      if (!HOLD_STATUSES.includes(opts.status)) throw invalidField('status', `status must be one of ${HOLD_STATUSES.join(', ')}`);
      q = q.where(holdIs(opts.status));
    }
    if (after) q = q.where('holds.id', '<', after[0]);
    const rows = await q
      .orderBy('holds.id', 'desc')
      .limit(limit + 1)
      .execute();
    return toPage(rows, limit, (r) => [r.id], toHold);
  }

  /**
   * Joins the queue for a book no copy of which is available now. 409: COPY_AVAILABLE (borrow it
   * instead), ALREADY_HELD (an active hold on it), ALREADY_BORROWED (on loan to this reader),
   * HOLD_LIMIT (MAX_HOLDS active holds).
   */
  async function place(actor: Actor, input: { book_id: number }): Promise<Hold> {
    const reader = requirePerson(actor);
    if (!Number.isSafeInteger(input.book_id) || input.book_id < 1)
      throw invalidField('book_id', 'book_id must be a positive integer');
    const now = clock.now().toISOString();
    let id: number;
    try {
      id = await immediateTransaction(db, async (trx) => {
        await lockForUpdate(trx, 'users', [reader.userId]);
        await lockForUpdate(trx, 'books', [input.book_id]);
        const book = await trx
          .selectFrom('books')
          .select(['id', 'title', 'inventory', 'held'])
          .where('id', '=', input.book_id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (!book) throw notFound('Book');
        const onLoan = await trx
          .selectFrom('borrowings')
          .select('id')
          .where('user_id', '=', reader.userId)
          .where('book_id', '=', book.id)
          .where('actual_return_date', 'is', null)
          .limit(1)
          .executeTakeFirst();
        if (onLoan)
          throw new DomainError('ALREADY_BORROWED', `You have "${book.title}" on loan now`, { borrowing_id: onLoan.id });
        const active = await trx
          .selectFrom('holds')
          .select(['id', 'book_id'])
          .where('user_id', '=', reader.userId)
          .where(holdIsActive())
          .execute();
        const same = active.find((h) => h.book_id === book.id);
        if (same) throw new DomainError('ALREADY_HELD', `You already hold a place for "${book.title}"`, { hold_id: same.id });
        if (book.inventory > book.held) {
          throw new DomainError('COPY_AVAILABLE', `A copy of "${book.title}" is available now: borrow it instead`, {
            available: book.inventory - book.held,
          });
        }
        if (active.length >= maxHolds) {
          throw new DomainError(
            'HOLD_LIMIT',
            `You already have ${active.length} holds; at most ${maxHolds} are allowed. Cancel one to join another queue`,
            { limit: maxHolds },
          );
        }
        const hold = await trx
          .insertInto('holds')
          .values({
            book_id: book.id,
            user_id: reader.userId,
            status: 'WAITING',
            created_at: now,
            updated_at: now,
            ready_until: null,
            borrowing_id: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await joinQueue(trx, book.id);
        return hold.id;
      });
    } catch (e) {
      // The partial unique index holds the rule for any other writer too.
      if (isUniqueViolation(e)) throw new DomainError('ALREADY_HELD', 'You already hold a place for this book');
      throw e;
    }
    onBooksChange();
    return get(actor, id);
  }

  /**
   * Cancels an active hold (owner or staff): a WAITING one leaves the queue, a READY one's copy
   * goes at once to the next reader waiting or back to the shelf. 409 NOT_ACTIVE once it ended.
   */
  async function cancel(actor: Actor, id: number): Promise<Hold> {
    const first = requireAccess(
      actor,
      await db.selectFrom('holds').select(['id', 'user_id', 'book_id']).where('id', '=', id).executeTakeFirst(),
      'Hold',
    );
    const now = clock.now();
    await immediateTransaction(db, async (trx) => {
      await lockForUpdate(trx, 'users', [first.user_id]);
      await lockForUpdate(trx, 'books', [first.book_id]);
      const hold = await trx
        .selectFrom('holds')
        .select(['id', 'user_id', 'book_id', 'status'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!hold || !mayAccess(actor, hold.user_id)) throw notFound('Hold');
      if (hold.status !== 'WAITING' && hold.status !== 'READY')
        throw new DomainError('NOT_ACTIVE', `This hold is ${hold.status} already`, { status: hold.status });
      await trx.updateTable('holds').set({ status: 'CANCELLED', updated_at: now.toISOString() }).where('id', '=', id).execute();
      // The book's counters recounted; a READY hold's copy goes on in this same transaction.
      await syncBookCounters(trx, [hold.book_id]);
      await passCopiesOn(trx, [hold.book_id], queueClock(now));
    });
    onBooksChange();
    return get(actor, id);
  }

  /** A book's queue, READY holds first, then WAITING in order (staff). */
  async function queue(actor: Actor, bookId: number, opts: { limit?: number } = {}): Promise<{ book: Book; lines: QueueLine[] }> {
    requireStaff(actor);
    const limit = clampLimit(opts.limit);
    const book = await db
      .selectFrom('books')
      .select(BOOK_COLUMNS)
      .where('id', '=', bookId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!book) throw notFound('Book');
    const rows = await db
      .selectFrom('holds')
      .innerJoin('users', 'users.id', 'holds.user_id')
      .select([
        'holds.id',
        'holds.user_id',
        'holds.status',
        'holds.ready_until',
        'holds.created_at',
        position.as('position'),
        'users.first_name',
        'users.last_name',
        'users.email',
        'users.telegram_username',
      ])
      .where('holds.book_id', '=', bookId)
      .where(holdIsActive())
      .orderBy(sql`CASE WHEN holds.status = 'READY' THEN 0 ELSE 1 END`)
      .orderBy('holds.id')
      .limit(limit)
      .execute();
    return {
      book: toBook(book),
      lines: rows.map((r) => ({
        hold_id: r.id,
        user_id: r.user_id,
        reader: displayName({ ...r, id: r.user_id }),
        telegram_username: r.telegram_username,
        status: r.status as 'WAITING' | 'READY',
        position: r.position === null ? null : Number(r.position),
        ready_until: r.ready_until,
        created_at: r.created_at,
      })),
    };
  }

  /**
   * The expire-holds job (staff or the service): READY holds past their pick-up deadline become
   * EXPIRED, their readers are told, and each freed copy goes to the next reader waiting for that
   * book, or back to the shelf. Set-based in batches of EXPIRE_BATCH holds: a handful of
   * statements per batch, none per hold.
   */
  async function expireDue(actor: Actor, batchSize = EXPIRE_BATCH): Promise<ExpireHoldsSummary> {
    requireStaff(actor);
    const now = clock.now();
    const nowIso = now.toISOString();
    const summary: ExpireHoldsSummary = { expired: 0, passedOn: 0, toShelf: 0 };
    for (;;) {
      const due = await db
        .selectFrom('holds')
        .select(['id', 'book_id'])
        .where(holdIs('READY'))
        .where('ready_until', '<=', nowIso)
        .orderBy('ready_until')
        .orderBy('id')
        .limit(batchSize)
        .execute();
      if (due.length === 0) break;
      const r = await immediateTransaction(db, async (trx) => {
        // PostgreSQL: the books first (a borrow or cancel of these holds locks the book too),
        // then only the holds still READY once we hold them.
        await lockForUpdate(
          trx,
          'books',
          due.map((h) => h.book_id),
        );
        const expired: Array<{ id: number; book_id: number }> = [];
        for (const ids of chunks(due.map((h) => h.id))) {
          expired.push(
            ...(await trx
              .updateTable('holds')
              .set({ status: 'EXPIRED', updated_at: nowIso })
              .where('id', 'in', idSet(trx, ids))
              .where(holdIs('READY'))
              .where('ready_until', '<=', nowIso)
              .returning(['id', 'book_id'])
              .execute()),
          );
        }
        await holdNotices(
          trx,
          'reader.hold_expired',
          expired.map((h) => h.id),
          now.getTime(),
        );
        const promoted = await passReleasedCopiesOn(trx, expired, queueClock(now));
        return { expired: expired.length, passedOn: promoted.length };
      });
      summary.expired += r.expired;
      summary.passedOn += r.passedOn;
      summary.toShelf += Math.max(0, r.expired - r.passedOn);
      if (due.length < batchSize) break;
    }
    if (summary.expired > 0) onBooksChange();
    return summary;
  }

  return { place, list, get, cancel, queue, expireDue };
}

export type HoldsService = ReturnType<typeof createHolds>;
