// The write transaction of every read-then-write use case, one implementation per engine.
//
// SQLite: BEGIN IMMEDIATE takes the database's single write lock up front, so two connections
// (or processes) never both read and then write the same rows; nothing to retry.
//
// PostgreSQL: READ COMMITTED, with explicit row locks (`lockForUpdate`) on the rows a use case
// reads and then changes — the same exactness with concurrent writers on other rows. A
// serialization failure or a deadlock (SQLSTATE 40001, 40P01) aborts the whole transaction; it is
// run again from the start after a short jittered pause, so a client never sees a 500 for a
// conflict the database resolved by picking a loser. `fn` may therefore run more than once: it
// must do nothing but database work (core's use cases call Stripe and Telegram after commit).
import { type Kysely, sql } from 'kysely';
import { engineKind, type LockableTable } from './engine.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first pause; each later one doubles, up to maxDelayMs, and a random part is added. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 12, baseDelayMs: 2, maxDelayMs: 250 };

/** A conflict PostgreSQL resolved by aborting this transaction: running it again can succeed. */
export function isRetryableConflict(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined;
  return code === '40001' || code === '40P01';
}

/** Full jitter: a pause anywhere up to the capped exponential, so retrying losers spread out. */
const pause = (attempt: number, p: RetryPolicy) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** attempt)));

/**
 * Runs fn in a write transaction on one connection and commits; rolls back and rethrows on
 * any error. `trx` is that connection: every statement of the use case must go through it (a
 * statement through the outer `db` would wait for a connection the transaction holds).
 */
export async function writeTransaction<D, T>(
  db: Kysely<D>,
  fn: (trx: Kysely<D>) => Promise<T>,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  if (engineKind(db) === 'sqlite') return runOnce(db, sql`BEGIN IMMEDIATE`, fn);
  for (let attempt = 0; ; attempt++) {
    try {
      return await runOnce(db, sql`BEGIN ISOLATION LEVEL READ COMMITTED`, fn);
    } catch (e) {
      if (!isRetryableConflict(e) || attempt + 1 >= retry.attempts) throw e;
      await pause(attempt, retry);
    }
  }
}

async function runOnce<D, T>(db: Kysely<D>, begin: ReturnType<typeof sql>, fn: (trx: Kysely<D>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await begin.execute(conn);
    try {
      const result = await fn(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (err) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}

/**
 * Locks these rows until the transaction ends, before the use case reads them to decide: a
 * concurrent writer of the same rows waits, then reads what this one committed. In id order, so
 * two transactions locking overlapping sets queue rather than deadlock. A no-op on SQLite, where
 * BEGIN IMMEDIATE already holds the only write lock. Ids that name no row are skipped.
 */
export async function lockForUpdate(trx: Kysely<any>, table: LockableTable, ids: readonly number[]): Promise<void> {
  if (ids.length === 0 || engineKind(trx) === 'sqlite') return;
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  await trx.selectFrom(table).select('id').where('id', 'in', sorted).orderBy('id').forUpdate().execute();
}
