// A cheap "has anything been committed since?" token, for caches that must never serve a read
// older than the last commit (SPEC §10). core/ asks for the token of its database here and
// never learns how an engine provides it; a PostgreSQL engine registers its own.
import type SQLite from 'better-sqlite3';

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
