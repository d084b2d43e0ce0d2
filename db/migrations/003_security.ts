import { type Kysely, sql } from 'kysely';

// token_epoch: every access and refresh token carries the epoch it was issued in; a password
// change bumps it, which ends every earlier session at once (a number, not a timestamp, so a
// token issued in the same second as the change is told apart too).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN token_epoch INTEGER NOT NULL DEFAULT 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users DROP COLUMN token_epoch`.execute(db);
}
