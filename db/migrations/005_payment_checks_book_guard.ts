import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // When a success redirect last asked Stripe about the payment's session: the anonymous page
  // asks at most once every few seconds per session, and a column keeps that true across
  // every process and instance that serves the page (a memory would count per process).
  await sql`ALTER TABLE payments ADD COLUMN session_checked_at TEXT`.execute(db);

  // SPEC §2: a book with active borrowings cannot be deleted, and a deleted book cannot be lent.
  // core checks both under the write lock; these hold the rule for any other writer too.
  await sql`
    CREATE TRIGGER books_no_delete_on_loan BEFORE UPDATE OF deleted_at ON books
    WHEN new.deleted_at IS NOT NULL AND old.deleted_at IS NULL
      AND EXISTS (SELECT 1 FROM borrowings WHERE book_id = new.id AND actual_return_date IS NULL)
    BEGIN
      SELECT RAISE(ABORT, 'BOOK_ON_LOAN');
    END`.execute(db);
  await sql`
    CREATE TRIGGER borrowings_live_book BEFORE INSERT ON borrowings
    WHEN (SELECT deleted_at FROM books WHERE id = new.book_id) IS NOT NULL
    BEGIN
      SELECT RAISE(ABORT, 'BOOK_DELETED');
    END`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS borrowings_live_book`.execute(db);
  await sql`DROP TRIGGER IF EXISTS books_no_delete_on_loan`.execute(db);
  await sql`ALTER TABLE payments DROP COLUMN session_checked_at`.execute(db);
}
