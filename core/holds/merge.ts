// Merging two readers' holds when a Telegram-only account is linked into another one
// (docs/rules.md#accounts-and-trust): one active hold per reader and book, none on a book the
// reader has on loan, at most MAX_HOLDS.
import { type DB, lockForUpdate } from '../../db/connection.js';
import { holdIsActive } from '../../db/hold-status.js';
import { passCopiesOn, type QueueClock, syncBookCounters } from '../stock/index.js';

/**
 * What a merge does to the two accounts' active holds (docs/rules.md#holds: one active hold per reader and
 * book, none on a book the reader has on loan, at most MAX_HOLDS): where both queue for one
 * book, the hold with a copy set aside (READY) stays — else the earlier place in the queue — and
 * the other is cancelled; a hold on a book the merged account has on loan is cancelled. What is
 * left may not exceed MAX_HOLDS: the link is refused (LINK_HOLD_LIMIT), as for loans.
 */
export async function planHoldMerge(q: DB, fromId: number, toId: number) {
  const holds = await q
    .selectFrom('holds')
    .select(['id', 'user_id', 'book_id', 'status'])
    .where('user_id', 'in', [fromId, toId])
    .where(holdIsActive())
    .orderBy('id')
    .execute();
  const onLoan = new Set(
    (
      await q
        .selectFrom('borrowings')
        .select('book_id')
        .where('user_id', 'in', [fromId, toId])
        .where('actual_return_date', 'is', null)
        .execute()
    ).map((r) => r.book_id),
  );
  const kept = new Map<number, (typeof holds)[number]>();
  const cancel: Array<{ id: number; book_id: number }> = [];
  for (const h of holds) {
    if (onLoan.has(h.book_id)) {
      cancel.push(h);
      continue;
    }
    const other = kept.get(h.book_id);
    if (!other) {
      kept.set(h.book_id, h);
      continue;
    }
    // Ids ascend: `other` is the earlier place; a READY hold (a copy set aside) wins over it.
    const keep = other.status === 'READY' || h.status !== 'READY' ? other : h;
    cancel.push(keep === other ? h : other);
    kept.set(h.book_id, keep);
  }
  return { moving: holds.filter((h) => h.user_id === fromId).length, after: kept.size, cancel };
}

/**
 * Moves `fromId`'s holds to `toId`, cancelling the ones planHoldMerge says go; a cancelled READY
 * hold's copy goes to the next reader waiting, or back to the shelf. Inside the caller's write
 * transaction, with both readers' rows locked; the books whose queues change are locked here,
 * after the users, as everywhere.
 */
export async function mergeReaderHolds(trx: DB, fromId: number, toId: number, clock: QueueClock): Promise<void> {
  const { cancel } = await planHoldMerge(trx, fromId, toId);
  const books = cancel.map((h) => h.book_id);
  await lockForUpdate(trx, 'books', books);
  if (cancel.length > 0) {
    await trx
      .updateTable('holds')
      .set({ status: 'CANCELLED', updated_at: clock.now.toISOString() })
      .where(
        'id',
        'in',
        cancel.map((h) => h.id),
      )
      .where(holdIsActive())
      .execute();
  }
  await trx.updateTable('holds').set({ user_id: toId }).where('user_id', '=', fromId).execute();
  await syncBookCounters(trx, books);
  await passCopiesOn(trx, books, clock);
}
