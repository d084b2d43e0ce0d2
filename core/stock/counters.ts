// A book's counters — `inventory` (copies on the shelf, free or set aside), `held` (set aside for
// READY holds) and `waiting` (readers in the queue) — are written here and nowhere else
// (docs/rules.md#stock; tests/core/stock-writer.test.ts holds every other file to it). Each is
// moved in the transaction that moves the copy, with the book's row lock held, so the counters
// always say what the loans and holds say.
import { sql } from 'kysely';
import type { DB } from '../../db/connection.js';
import { least } from '../../db/dialect-sql.js';
import { holdIsActive } from '../../db/hold-status.js';
import { DomainError } from '../kernel/index.js';
import { passCopiesOn, type QueueClock } from './hold-queue.js';

/** The most copies of one book (a sanity cap: bigger numbers are typing mistakes). */
export const MAX_INVENTORY = 1_000_000;

/**
 * Takes one copy for a loan: the copy set aside for the reader's READY hold (`fromHold`), or a
 * free one — never a copy set aside for someone else. False when there is none; the guarded
 * decrement is what makes concurrent borrows exact.
 */
export async function takeCopy(trx: DB, bookId: number, fromHold: boolean): Promise<boolean> {
  const took = await trx
    .updateTable('books')
    .set(fromHold ? { inventory: sql`inventory - 1`, held: sql`held - 1` } : { inventory: sql`inventory - 1` })
    .where('id', '=', bookId)
    .where(fromHold ? sql<boolean>`held > 0` : sql<boolean>`inventory > held`)
    .executeTakeFirst();
  return Number(took.numUpdatedRows) === 1;
}

/** A reader joined the book's queue. */
export async function joinQueue(trx: DB, bookId: number): Promise<void> {
  await trx.updateTable('books').set({ waiting: sql`waiting + 1` }).where('id', '=', bookId).execute();
}

/** A WAITING hold fulfilled by a free copy: its place in the queue is not needed any more. */
export async function leaveQueue(trx: DB, bookId: number): Promise<void> {
  await trx.updateTable('books').set({ waiting: sql`waiting - 1` }).where('id', '=', bookId).execute();
}

/** A copy back from a loan: on the shelf, then set aside for the first reader waiting, if any. */
export async function returnCopy(trx: DB, bookId: number, clock: QueueClock): Promise<void> {
  await trx
    .updateTable('books')
    .set({ inventory: least(trx, sql<number>`inventory + 1`, MAX_INVENTORY) })
    .where('id', '=', bookId)
    .execute();
  await passCopiesOn(trx, [bookId], clock);
}

/**
 * Staff set the copies on the shelf. Never below the copies set aside for READY holds (409
 * COPIES_SET_ASIDE: cancel or wait out those holds first); copies added go to the readers
 * waiting, first come first served, in this same transaction.
 */
export async function setInventory(
  trx: DB,
  book: { id: number; held: number },
  inventory: number,
  clock: QueueClock,
): Promise<void> {
  if (inventory < book.held) {
    throw new DomainError(
      'COPIES_SET_ASIDE',
      `${book.held} ${book.held === 1 ? 'copy is' : 'copies are'} set aside for readers whose holds are ready; the inventory cannot go below ${book.held}`,
      { field: 'inventory', held: book.held },
    );
  }
  await trx.updateTable('books').set({ inventory }).where('id', '=', book.id).execute();
  await passCopiesOn(trx, [book.id], clock);
}

/** A new book's first copies (nobody waits for a book that did not exist). */
export async function stockNewBook(trx: DB, bookId: number, inventory: number): Promise<void> {
  if (inventory > 0) await trx.updateTable('books').set({ inventory }).where('id', '=', bookId).execute();
}

/** A book leaving the catalogue: its queue is cancelled, nothing stays set aside or waiting. */
export async function clearQueue(trx: DB, bookId: number, at: string): Promise<void> {
  await trx
    .updateTable('holds')
    .set({ status: 'CANCELLED', updated_at: at })
    .where('book_id', '=', bookId)
    .where(holdIsActive())
    .execute();
  await trx.updateTable('books').set({ held: 0, waiting: 0 }).where('id', '=', bookId).execute();
}
