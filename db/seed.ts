// Bulk generation of synthetic data for benchmarks (1M+ rows), straight into SQLite with
// set-based INSERT … SELECT: an engine's own loader, below core's rules. The demo catalogue
// newcomers see is core's (core/demo.ts).
import type SQLite from 'better-sqlite3';

const WORDS = ('river stone light shadow garden winter summer night morning silver golden ' +
  'forest ocean city empire secret letter journey house window bridge island mountain ' +
  'storm dream fire glass iron paper song voice road star moon sun tower library ' +
  'clock machine harbor valley desert kingdom lantern orchard meadow compass').split(' ');
const FIRST = 'Anna Boris Clara Dmytro Elena Fedir Galyna Ivan Kateryna Leo Maria Nestor Olena Petro Roman Sofia Taras Uliana Vira Yurii'.split(' ');
const LAST = 'Kovalenko Shevchenko Bondar Tkachenko Melnyk Kravets Oliinyk Lysenko Moroz Savchenko Rudenko Marchenko Hnatiuk Pavlenko'.split(' ');

export interface BulkSeedOptions {
  books: number;
  users: number;
  borrowings: number;
  /** Share of the last 45 days' borrowings still active (unreturned). */
  activeShare?: number;
  /** The "today" the generated dates are relative to (YYYY-MM-DD). */
  today: string;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** Drops a table's indexes (returning their SQL) so a bulk load doesn't maintain them row by row. */
function dropIndexes(sqlite: SQLite.Database, table: string): string[] {
  const rows = sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`).all(table) as { name: string; sql: string }[];
  for (const r of rows) sqlite.exec(`DROP INDEX ${r.name}`);
  return rows.map((r) => r.sql);
}

const sqlList = (words: string[]) => `'${JSON.stringify(words).replace(/'/g, "''")}'`;
const pickSql = (list: string, n: number) => `json_extract(${list}, '$[' || (abs(random()) % ${n}) || ']')`;

/**
 * Bulk-inserts synthetic data with set-based INSERT … SELECT over a counter, in chunks (for
 * progress), with the table's indexes and the FTS trigger dropped during the load and rebuilt
 * once at the end. About a million rows every few seconds on a small machine.
 */
export function bulkSeed(sqlite: SQLite.Database, opts: BulkSeedOptions): void {
  const report = opts.onProgress ?? (() => undefined);
  const chunk = 250_000;
  const words = sqlList(WORDS);
  const first = sqlList(FIRST);
  const last = sqlList(LAST);
  sqlite.pragma('synchronous = OFF');
  const counter = (n: number) => `WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ${n})`;
  const load = (table: string, total: number, insert: (offset: number, n: number) => string) => {
    if (total <= 0) return;
    const indexes = dropIndexes(sqlite, table);
    for (let done = 0; done < total; done += chunk) {
      const n = Math.min(chunk, total - done);
      sqlite.exec(insert(done, n));
      report(table, done + n, total);
    }
    report(`${table} indexes`, 0, indexes.length);
    indexes.forEach((ddl, i) => {
      sqlite.exec(ddl);
      report(`${table} indexes`, i + 1, indexes.length);
    });
  };

  const maxId = (t: string) => (sqlite.prepare(`SELECT coalesce(max(id), 0) AS m FROM ${t}`).get() as { m: number }).m;
  const firstBook = maxId('books') + 1;
  const firstUser = maxId('users') + 1;

  if (opts.books > 0) {
    sqlite.exec('DROP TRIGGER IF EXISTS books_fts_ai');
    load('books', opts.books, (off, n) => `${counter(n)}
      INSERT INTO books (id, title, author, isbn, cover, inventory, daily_fee_cents)
      SELECT ${firstBook + off} + i,
             upper(substr(w1, 1, 1)) || substr(w1, 2) || ' ' || w2 || ' ' || w3 || ' ' || (${firstBook + off} + i),
             ${pickSql(first, FIRST.length)} || ' ' || ${pickSql(last, LAST.length)},
             '978' || printf('%010d', ${firstBook + off} + i),
             CASE WHEN random() % 2 = 0 THEN 'HARD' ELSE 'SOFT' END,
             1 + abs(random()) % 20,
             10 + abs(random()) % 290
      FROM (SELECT i, ${pickSql(words, WORDS.length)} AS w1, ${pickSql(words, WORDS.length)} AS w2, ${pickSql(words, WORDS.length)} AS w3 FROM c)`);
    report('search index', 0, 1);
    sqlite.exec(`INSERT INTO books_fts(books_fts) VALUES ('rebuild')`);
    sqlite.exec(`
      CREATE TRIGGER books_fts_ai AFTER INSERT ON books BEGIN
        INSERT INTO books_fts(rowid, title, author, isbn) VALUES (new.id, new.title, new.author, coalesce(new.isbn, ''));
      END`);
    report('search index', 1, 1);
  }

  load('users', opts.users, (off, n) => `${counter(n)}
    INSERT INTO users (id, email, first_name, last_name, telegram_user_id, language)
    SELECT ${firstUser + off} + i, 'reader' || (${firstUser + off} + i) || '@example.test',
           ${pickSql(first, FIRST.length)}, ${pickSql(last, LAST.length)},
           CASE WHEN i % 2 = 0 THEN 5000000000 + ${firstUser + off} + i END,
           CASE WHEN i % 3 = 0 THEN 'uk' ELSE 'en' END
    FROM c`);

  if (opts.borrowings > 0) {
    const bookLo = (sqlite.prepare('SELECT min(id) AS lo, max(id) AS hi FROM books').get() as { lo: number; hi: number });
    const userHi = maxId('users');
    const userLo = Math.max(1, userHi - Math.max(opts.users, 1) + 1);
    const todayJd = `julianday('${opts.today}')`;
    const activeShare = opts.activeShare ?? 0.5;
    // Older borrowings first (ids grow with time); only loans of the last 45 days can be out.
    load('borrowings', opts.borrowings, (off, n) => `${counter(n)}
      INSERT INTO borrowings (book_id, user_id, borrow_date, expected_return_date, actual_return_date)
      SELECT book_id, user_id, date(start), date(start + len),
             CASE WHEN age <= 45 AND (abs(random()) % 1000) < ${Math.round(activeShare * 1000)} THEN NULL
                  ELSE date(start + abs(random()) % (len + 5)) END
      FROM (
        SELECT ${bookLo.lo} + abs(random()) % ${bookLo.hi - bookLo.lo + 1} AS book_id,
               ${userLo} + abs(random()) % ${userHi - userLo + 1} AS user_id,
               age, ${todayJd} - age AS start, 1 + abs(random()) % 30 AS len
        FROM (SELECT CAST(((${opts.borrowings} - (${off} + i)) * 3650.0) / ${opts.borrowings} AS INTEGER) + 1 AS age FROM c)
      )`);
  }
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('ANALYZE');
}
