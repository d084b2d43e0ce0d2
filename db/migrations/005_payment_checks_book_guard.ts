import { type Kysely, sql } from 'kysely';
import { engineKind } from '../engine.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (engineKind(db) === 'postgres') return upPostgres(db);
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

/**
 * The same on PostgreSQL: the triggers in PL/pgSQL, raising the same messages with SQLSTATE
 * 23000 (integrity_constraint_violation), so that "a constraint refused it" reads the same as
 * SQLite's RAISE(ABORT) (SQLITE_CONSTRAINT_TRIGGER). Under READ COMMITTED each query in a
 * trigger function takes a fresh snapshot, so a trigger that waited for another writer's row
 * lock sees what that writer committed: a borrow committed while a delete waited makes the
 * delete fail, and the reverse.
 */
async function upPostgres(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE payments ADD COLUMN session_checked_at text COLLATE "C"`.execute(db);
  await sql`
    CREATE FUNCTION books_no_delete_on_loan() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL
         AND EXISTS (SELECT 1 FROM borrowings WHERE book_id = NEW.id AND actual_return_date IS NULL) THEN
        RAISE EXCEPTION 'BOOK_ON_LOAN' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER books_no_delete_on_loan BEFORE UPDATE OF deleted_at ON books
    FOR EACH ROW EXECUTE FUNCTION books_no_delete_on_loan()`.execute(db);
  await sql`
    CREATE FUNCTION borrowings_live_book() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (SELECT deleted_at FROM books WHERE id = NEW.book_id) IS NOT NULL THEN
        RAISE EXCEPTION 'BOOK_DELETED' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER borrowings_live_book BEFORE INSERT ON borrowings
    FOR EACH ROW EXECUTE FUNCTION borrowings_live_book()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (engineKind(db) === 'postgres') {
    await sql`DROP TRIGGER IF EXISTS borrowings_live_book ON borrowings`.execute(db);
    await sql`DROP TRIGGER IF EXISTS books_no_delete_on_loan ON books`.execute(db);
    await sql`DROP FUNCTION IF EXISTS borrowings_live_book(), books_no_delete_on_loan()`.execute(db);
    await sql`ALTER TABLE payments DROP COLUMN session_checked_at`.execute(db);
    return;
  }
  await sql`DROP TRIGGER IF EXISTS borrowings_live_book`.execute(db);
  await sql`DROP TRIGGER IF EXISTS books_no_delete_on_loan`.execute(db);
  await sql`ALTER TABLE payments DROP COLUMN session_checked_at`.execute(db);
}
