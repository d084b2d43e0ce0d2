// Who may watch the statements a database runs (tests counting the statements of a request,
// diagnostics): every Kysely opened in db/ logs through statementLogger, which costs a WeakMap
// look-up per statement while nobody watches.
import type { LogEvent } from 'kysely';

type Watcher = (sql: string) => void;
const watchers = new WeakMap<object, Set<Watcher>>();

/** The `log` option of a Kysely opened in db/: `self` returns that Kysely once it exists. */
export const statementLogger = (self: () => object | undefined) => (event: LogEvent) => {
  if (event.level !== 'query') return;
  const db = self();
  const set = db && watchers.get(db);
  if (set) for (const fn of set) fn(event.query.sql);
};

/**
 * Calls `fn` with the SQL of every statement `db` (or a transaction of it) runs from now on,
 * until the returned function is called. Statements a caller sends around Kysely (the SQLite
 * change token's PRAGMA read) are not seen.
 */
export function watchStatements(db: object, fn: Watcher): () => void {
  let set = watchers.get(db);
  if (!set) {
    set = new Set();
    watchers.set(db, set);
  }
  set.add(fn);
  return () => set.delete(fn);
}
