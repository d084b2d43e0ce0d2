import type { DB } from '../../db/connection.js';

/** The reader borrowed the book they queued for: their hold is FULFILLED by this loan. */
export async function fulfilHold(trx: DB, holdId: number, borrowingId: number, at: Date): Promise<void> {
  await trx
    .updateTable('holds')
    .set({ status: 'FULFILLED', borrowing_id: borrowingId, updated_at: at.toISOString() })
    .where('id', '=', holdId)
    .execute();
}
