import type { Kysely } from 'kysely';

// Long polling tells Telegram an update arrived by asking for the next ones, before the update is
// handled: a crash then lost what had been fetched but not yet answered. The poller now writes
// each fetched update down first (body, JSON) and clears it once handled, so a restart handles
// what its dead predecessor never began (bot/polling-inbox.ts). Portable as written.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('telegram_updates').addColumn('body', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('telegram_updates').dropColumn('body').execute();
}
