import { type Kysely, sql } from 'kysely';
import { engineKind } from '../engine.js';

// What instances on one PostgreSQL share besides the data (SPEC §10, §12). On SQLite one process
// serves the file and keeps both in memory and on its connection, so nothing is created there;
// the migration exists on both engines to keep one history.
export async function up(db: Kysely<unknown>): Promise<void> {
  if (engineKind(db) !== 'postgres') return;

  // The catalogue's change token (db/change-token.ts): bumped by every statement that writes
  // books, inside the writer's transaction, on the counter row of that transaction's id.
  await sql`
    CREATE TABLE change_counters (
      shard integer PRIMARY KEY CHECK (shard BETWEEN 0 AND 15),
      version bigint NOT NULL DEFAULT 0
    )`.execute(db);
  await sql`INSERT INTO change_counters (shard) SELECT generate_series(0, 15)`.execute(db);
  await sql`
    CREATE FUNCTION bump_change_counter() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO change_counters AS c (shard, version) VALUES (txid_current() % 16, 1)
      ON CONFLICT (shard) DO UPDATE SET version = c.version + 1;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER books_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON books
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter()`.execute(db);

  // Throttling counters (db/rate-limit-store.ts) in the layout RateLimiterPostgres writes
  // (key, points, expire), created here so that no instance runs DDL at start-up.
  await sql`
    CREATE TABLE rate_limits (
      key varchar(255) PRIMARY KEY,
      points integer NOT NULL DEFAULT 0,
      expire bigint
    )`.execute(db);
  await sql`CREATE INDEX rate_limits_expire ON rate_limits (expire)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (engineKind(db) !== 'postgres') return;
  await sql`DROP TABLE IF EXISTS rate_limits`.execute(db);
  await sql`DROP TRIGGER IF EXISTS books_changed ON books`.execute(db);
  await sql`DROP FUNCTION IF EXISTS bump_change_counter()`.execute(db);
  await sql`DROP TABLE IF EXISTS change_counters`.execute(db);
}
