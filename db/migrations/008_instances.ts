import { type Kysely, sql } from 'kysely';

// Several instances on one database (SPEC §12). telegram_updates: every Telegram update the
// webhook took, so that one delivered twice (to two instances, or again by Telegram) is handled
// once, and updates of one chat that arrived together are handled in update_id order
// (db/telegram-updates.ts). Rows are pruned by age. Portable as written.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('telegram_updates')
    .addColumn('update_id', 'bigint', (c) => c.primaryKey())
    .addColumn('chat_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('handled_at', 'bigint')
    .execute();
  // "Is an earlier update of this chat still waiting?": unhandled rows only, a handful.
  await db.schema
    .createIndex('telegram_updates_waiting')
    .on('telegram_updates')
    .columns(['chat_key', 'update_id'])
    .where(sql<boolean>`handled_at IS NULL`)
    .execute();
  await db.schema.createIndex('telegram_updates_received').on('telegram_updates').column('received_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('telegram_updates').ifExists().execute();
}
