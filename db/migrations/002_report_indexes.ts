import { type Kysely, sql } from 'kysely';

// Indexes for the staff reports (/admin stats counts today's events; /admin loans @username).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX borrowings_borrow_date ON borrowings (borrow_date)`.execute(db);
  await sql`CREATE INDEX borrowings_returned_date ON borrowings (actual_return_date) WHERE actual_return_date IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX payments_paid_at ON payments (paid_at) WHERE paid_at IS NOT NULL`.execute(db);
  await sql`CREATE INDEX payments_refunded_at ON payments (refunded_at) WHERE refunded_at IS NOT NULL`.execute(db);
  await sql`CREATE INDEX users_telegram_username ON users (lower(telegram_username))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const i of [
    'borrowings_borrow_date',
    'borrowings_returned_date',
    'payments_paid_at',
    'payments_refunded_at',
    'users_telegram_username',
  ]) {
    await sql.raw(`DROP INDEX IF EXISTS ${i}`).execute(db);
  }
}
