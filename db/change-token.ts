// A cheap "has anything been committed since?" token, for caches that must never serve a read
// older than the last commit (SPEC §10). core/ asks for the token of its database here and
// never learns how an engine provides it: SQLite's and PostgreSQL's are below.
import type SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';

export interface ChangeToken {
  /**
   * A number that grows whenever a commit, by this connection or any other on the same
   * database, may have changed what this connection reads. Equal values mean nothing was
   * committed in between; it never returns to an earlier value.
   */
  current(): number | Promise<number>;
}

const tokens = new WeakMap<object, ChangeToken>();

/** Called by whoever opens a database (db/connection.ts for SQLite). */
export function registerChangeToken(db: object, token: ChangeToken): void {
  tokens.set(db, token);
}

/** The token of a database opened in db/, or undefined when its engine has none (then: no cache). */
export function changeTokenOf(db: object): ChangeToken | undefined {
  return tokens.get(db);
}

/**
 * SQLite: `PRAGMA data_version` changes when ANOTHER connection (another process, a CLI seed, a
 * second instance on the file) commits, and `total_changes()` counts this connection's own
 * inserts, updates and deletes. Neither is enough alone (data_version ignores our own commits,
 * total_changes knows nothing of others'), together they cover every commit:
 * - data_version is only comparable with earlier values from the same connection: one token
 *   per better-sqlite3 handle, which is one connection.
 * - It reflects commits visible to a new read transaction; inside an open one it stays put, as
 *   does everything that transaction reads, so nothing stale can hide behind it.
 * - total_changes() counts rows changed directly by statements (not by triggers or FK actions,
 *   which only follow a direct change that it does count) and also changes later rolled back:
 *   the token may move without a real change (a spare reload), never stay put across one.
 * - The docs promise only "different", not "larger": the pair is turned into a generation that
 *   only grows, so an entry tagged with an old value can never match again.
 */
export function sqliteChangeToken(sqlite: SQLite.Database): ChangeToken {
  const read = sqlite.prepare('SELECT (SELECT data_version FROM pragma_data_version) AS v, total_changes() AS c');
  let last = '';
  let generation = 0;
  return {
    current() {
      const { v, c } = read.get() as { v: number; c: number };
      const seen = `${v}:${c}`;
      if (seen !== last) {
        last = seen;
        generation++;
      }
      return generation;
    },
  };
}

/**
 * PostgreSQL, shared by every instance: the sum of the rows of `change_counters` (migration
 * 006), which statement-level triggers on `books` bump inside the writer's own transaction.
 *
 * Why a counter row read in its own statement, and not something faster:
 * - The cache reads the token, then loads, and tags what it loaded with the token. The token
 *   must never be NEWER than the data loaded after it, or the entry would carry a tag that no
 *   later commit moves past and be served stale. A bump is part of the writer's transaction, so
 *   it becomes visible in the same instant as the rows it stands for; under READ COMMITTED the
 *   load's statement takes a later snapshot than the token's and sees at least those rows.
 * - A sequence (nextval in the trigger) or pg_current_wal_lsn() moves when the write happens,
 *   before the commit: a reader between the two would tag pre-commit data with the new value.
 * - LISTEN/NOTIFY arrives after the commit, asynchronously: the next request on another
 *   instance may run before the notification does and serve the old entry (SPEC §10 asks for
 *   the very next answer to be fresh).
 * - A commit between the token and the load only makes the entry fresher than its tag: the
 *   next token differs and the entry is dropped — a spare reload, never a stale one.
 * The counter is split over 16 rows, each transaction bumping the row of its own transaction id,
 * so concurrent writers of different books rarely wait on the same counter row (and one
 * transaction only ever locks one of them: no deadlock between counters). Each commit adds to
 * the sum, so equal sums mean nothing was committed in between. One indexed read of 16 rows per
 * cached read; SQLite's token reads two numbers from the connection, which PostgreSQL cannot.
 * Only tables with the trigger move the token: books today (the catalogue), holds when they come.
 */
export function postgresChangeToken(db: Kysely<any>): ChangeToken {
  return {
    async current() {
      const r = await sql<{ v: number }>`SELECT coalesce(sum(version), 0)::int8 AS v FROM change_counters`.execute(db);
      return Number(r.rows[0]!.v);
    },
  };
}
