// The queue's mechanics, below the use cases (docs/rules.md#holds): setting copies aside for the
// first readers waiting and keeping the book's counters — shared by returning, raising the
// inventory, cancelling and expiring holds, and merging accounts. The WAITING → READY move of a
// hold is written here (it is a copy changing hands); placing, cancelling and expiring holds are
// core/holds/holds' (docs/architecture.md, "Who writes what").
//
// Rule every caller keeps: a book's holds change only inside a write transaction that holds the
// book's row lock (lockForUpdate 'books', taken after any 'users' lock), so two transactions
// never hand the same copy to two readers. books.held is always the number of the book's READY
// holds and books.waiting the number of its WAITING ones: what changes holds here moves them by
// arithmetic; a caller that ends holds itself recounts them (syncBookCounters, index range counts).
import { sql } from 'kysely';
import type { DB } from '../../db/connection.js';
import { idSet } from '../../db/dialect-sql.js';
import { holdIs } from '../../db/hold-status.js';
import { chunks, libraryDateTime } from '../kernel/index.js';
import { holdNotices } from '../notices/index.js';

const unique = (ids: readonly number[]) => [...new Set(ids)].sort((a, b) => a - b);

export interface QueueClock {
  /** The use case's single clock read. */
  now: Date;
  /** HOLD_PICKUP_HOURS. */
  pickupHours: number;
  /** LIBRARY_TIMEZONE, for the deadline as the reader reads it. */
  timeZone: string;
}

export const pickupDeadline = (now: Date, pickupHours: number) => new Date(now.getTime() + pickupHours * 3_600_000);

/** held and waiting of these books recounted from their holds (index range counts). */
export async function syncBookCounters(trx: DB, bookIds: readonly number[]): Promise<void> {
  for (const ids of chunks(unique(bookIds))) {
    await trx
      .updateTable('books')
      .set({
        held: sql<number>`(SELECT count(*) FROM holds WHERE holds.book_id = books.id AND holds.status = 'READY')`,
        waiting: sql<number>`(SELECT count(*) FROM holds WHERE holds.book_id = books.id AND holds.status = 'WAITING')`,
      })
      .where('id', 'in', idSet(trx, ids))
      .execute();
  }
}

/** The first WAITING holds of each book, as many as it has copies free (inventory − held). */
async function firstWaiting(trx: DB, bookIds: readonly number[]): Promise<Array<{ id: number; book_id: number }>> {
  if (bookIds.length === 1) {
    // The common case (a return, an inventory raise, a cancel): a seek on holds_book_waiting.
    const book = await trx.selectFrom('books').select(['inventory', 'held']).where('id', '=', bookIds[0]!).executeTakeFirst();
    const free = book ? book.inventory - book.held : 0;
    if (free <= 0) return [];
    return trx
      .selectFrom('holds')
      .select(['id', 'book_id'])
      .where('book_id', '=', bookIds[0]!)
      .where(holdIs('WAITING'))
      .orderBy('id')
      .limit(free)
      .execute();
  }
  const out: Array<{ id: number; book_id: number }> = [];
  for (const ids of chunks(bookIds)) {
    // Set-based for many books at once (expire-holds): rank each book's WAITING holds in queue
    // order and keep the first `free` of each — only books with a copy free are read.
    const { rows } = await sql<{ id: number; book_id: number }>`
      SELECT q.id, q.book_id FROM (
        SELECT h.id, h.book_id, ROW_NUMBER() OVER (PARTITION BY h.book_id ORDER BY h.id) AS rn, k.inventory - k.held AS free
        FROM holds h JOIN books k ON k.id = h.book_id
        WHERE h.book_id IN ${idSet(trx, ids)} AND h.status = 'WAITING' AND k.inventory > k.held
      ) q
      WHERE q.rn <= q.free`.execute(trx);
    for (const r of rows) out.push({ id: Number(r.id), book_id: Number(r.book_id) });
  }
  return out;
}

/** Per book, how many of these rows name it. */
const countByBook = (rows: ReadonlyArray<{ book_id: number }>) => {
  const n = new Map<number, number>();
  for (const r of rows) n.set(r.book_id, (n.get(r.book_id) ?? 0) + 1);
  return n;
};

/**
 * Adds `by × delta` to the books' counters, one statement per distinct count (mostly one): set-
 * based arithmetic for thousands of books where recounting each from its holds costs more.
 */
async function addToCounters(
  trx: DB,
  perBook: ReadonlyMap<number, number>,
  delta: { held: number; waiting: number },
): Promise<void> {
  const byCount = new Map<number, number[]>();
  for (const [book, n] of perBook) {
    const books = byCount.get(n);
    if (books) books.push(book);
    else byCount.set(n, [book]);
  }
  for (const [n, books] of byCount) {
    for (const ids of chunks(books)) {
      const set: { held?: ReturnType<typeof sql<number>>; waiting?: ReturnType<typeof sql<number>> } = {};
      if (delta.held) set.held = sql<number>`held + ${n * delta.held}`;
      if (delta.waiting) set.waiting = sql<number>`waiting + ${n * delta.waiting}`;
      await trx.updateTable('books').set(set).where('id', 'in', idSet(trx, ids)).execute();
    }
  }
}

/** Makes these WAITING holds READY until now + HOLD_PICKUP_HOURS and queues their notices. */
async function makeReady(trx: DB, holds: ReadonlyArray<{ id: number }>, clock: QueueClock): Promise<void> {
  const until = pickupDeadline(clock.now, clock.pickupHours);
  const ids = holds.map((h) => h.id);
  for (const chunk of chunks(ids)) {
    await trx
      .updateTable('holds')
      .set({ status: 'READY', ready_until: until.toISOString(), updated_at: clock.now.toISOString() })
      .where('id', 'in', idSet(trx, chunk))
      .where(holdIs('WAITING'))
      .execute();
  }
  await holdNotices(trx, 'reader.hold_ready', ids, clock.now.getTime(), {
    ready_until_local: libraryDateTime(until, clock.timeZone),
  });
}

/**
 * Sets free copies of these books aside for their first readers waiting, in queue order: those
 * holds become READY until now + HOLD_PICKUP_HOURS and their readers are notified (outbox, same
 * transaction). Called after anything that may have freed a copy — a return, an inventory raise,
 * a READY hold cancelled, a merge — with the books' row locks held and their counters current
 * (a caller that ended holds itself recounts first: syncBookCounters); the counters then move by
 * arithmetic, so a return costs the same with 1,000 readers waiting as with one. Returns the
 * holds made READY.
 */
export async function passCopiesOn(trx: DB, bookIds: readonly number[], clock: QueueClock): Promise<number[]> {
  const books = unique(bookIds);
  if (books.length === 0) return [];
  const promoted = await firstWaiting(trx, books);
  await makeReady(trx, promoted, clock);
  await addToCounters(trx, countByBook(promoted), { held: 1, waiting: -1 });
  return promoted.map((h) => h.id);
}

/**
 * The same for READY holds the caller has just ended in bulk (expire-holds: thousands of books):
 * each released hold frees one copy of its book, and the counters move by arithmetic rather
 * than recounting every book's holds. Returns the holds made READY.
 */
export async function passReleasedCopiesOn(
  trx: DB,
  released: ReadonlyArray<{ book_id: number }>,
  clock: QueueClock,
): Promise<number[]> {
  if (released.length === 0) return [];
  await addToCounters(trx, countByBook(released), { held: -1, waiting: 0 });
  const promoted = await firstWaiting(trx, unique(released.map((r) => r.book_id)));
  await makeReady(trx, promoted, clock);
  await addToCounters(trx, countByBook(promoted), { held: 1, waiting: -1 });
  return promoted.map((h) => h.id);
}
