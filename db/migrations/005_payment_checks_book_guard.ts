import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // When a success redirect last asked Stripe about the payment's session: the anonymous page
  // asks at most once every few seconds per session, and a column keeps that true across
  // every process and instance that serves the page (a memory would count per process).
  await sql`ALTER TABLE payments ADD COLUMN session_checked_at TEXT`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE payments DROP COLUMN session_checked_at`.execute(db);
}
