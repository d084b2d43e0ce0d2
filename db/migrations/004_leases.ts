import { type Kysely, sql } from 'kysely';

// Named leases: a lease has one holder until it expires (epoch milliseconds), and is taken or
// renewed by one atomic statement (db/leases.ts). The outbox dispatcher holds `dispatcher`, so
// one dispatcher at a time paces Telegram's limits; a scheduled job can hold its own per run.
// Outbox claims name their holder, so a dispatcher that takes over can release at once the
// claims a dead one left behind. Written with Kysely's schema builder: portable as it stands.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('outbox').addColumn('claimed_by', 'text').execute();
  // Claims in flight only (pending rows with a holder): a handful at any time.
  await db.schema
    .createIndex('outbox_claimed')
    .on('outbox')
    .column('claimed_by')
    .where(sql<boolean>`claimed_by IS NOT NULL AND sent_at IS NULL AND failed_at IS NULL`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_claimed').ifExists().execute();
  await db.schema.alterTable('outbox').dropColumn('claimed_by').execute();
  await db.schema.dropTable('leases').ifExists().execute();
}
