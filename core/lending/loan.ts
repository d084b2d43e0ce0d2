// A loan as answers show it, and how a door asks a lending use case about its notices.
import type { DB } from '../../db/connection.js';
import type { Book } from '../catalogue/index.js';
import type { Payment } from '../payments/index.js';

export interface Borrowing {
  id: number;
  user_id: number;
  borrow_date: string;
  expected_return_date: string;
  actual_return_date: string | null;
  is_active: boolean;
  /** How many times the loan was extended (docs/rules.md#renewals). */
  renewals: number;
  book: Book;
  payments: Payment[];
}

/**
 * How a door asks a use case to queue its notices. `readerSeesIt`: the door shows the reader the
 * outcome itself, in the chat the notice would go to (the bot's borrow and return screens), so
 * no notice about it is queued for them — one message per event in the reader's chat.
 * `staffSeesIt`: likewise for the staff chat, where a librarian acted in it (the console's
 * Return, `/admin return`): its screen there is the staff's message about the event.
 */
export interface NoticeOptions {
  readerSeesIt?: boolean;
  staffSeesIt?: boolean;
}

/** A reader's loans, all of them, now another reader's (a Telegram-only account merged into a linked one). */
export async function moveLoans(trx: DB, fromId: number, toId: number): Promise<void> {
  await trx.updateTable('borrowings').set({ user_id: toId }).where('user_id', '=', fromId).execute();
}
