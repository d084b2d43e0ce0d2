// db/seed.ts on SQLite: INSERT … SELECT over a recursive counter, straight through better-sqlite3.
import type SQLite from 'better-sqlite3';
import { type BulkSeedOptions, SEED_CHUNK, vocabulary } from './seed-common.js';

/** Drops a table's indexes (returning their SQL) so a bulk load doesn't maintain them row by row. */
function dropIndexes(sqlite: SQLite.Database, table: string): string[] {
  const rows = sqlite
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`)
    .all(table) as { name: string; sql: string }[];
  for (const r of rows) sqlite.exec(`DROP INDEX ${r.name}`);
  return rows.map((r) => r.sql);
}

const sqlList = (words: string[]) => `'${JSON.stringify(words).replace(/'/g, "''")}'`;
const at = (list: string, k: string) => `json_extract(${list}, '$[' || ${k} || ']')`;
const pick = (n: number) => `abs(random()) % ${n}`;

export function bulkSeedSqlite(sqlite: SQLite.Database, opts: BulkSeedOptions): void {
  const report = opts.onProgress ?? (() => undefined);
  const v = vocabulary(opts.fold);
  const [words, wordsF, first, firstF, last, lastF] = [v.words, v.wordsFolded, v.first, v.firstFolded, v.last, v.lastFolded].map(
    sqlList,
  ) as [string, string, string, string, string, string];
  sqlite.pragma('synchronous = OFF');
  const counter = (n: number) => `WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ${n})`;
  const load = (table: string, total: number, insert: (offset: number, n: number) => string) => {
    if (total <= 0) return;
    const indexes = dropIndexes(sqlite, table);
    for (let done = 0; done < total; done += SEED_CHUNK) {
      const n = Math.min(SEED_CHUNK, total - done);
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
    // The search index is rebuilt once from the loaded rows instead of row by row.
    const trigger = (
      sqlite.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'books_search_ai'`).get() as
        | { sql: string }
        | undefined
    )?.sql;
    sqlite.exec('DROP TRIGGER IF EXISTS books_search_ai');
    // MATERIALIZED: each random pick is made once and then read twice (word and folding);
    // a plain subquery would be flattened and call random() again at each use.
    load(
      'books',
      opts.books,
      (off, n) => `${counter(n)},
      p AS MATERIALIZED (SELECT ${firstBook + off} + i AS id, ${pick(v.words.length)} AS k1, ${pick(v.words.length)} AS k2, ${pick(v.words.length)} AS k3,
                                ${pick(v.first.length)} AS kf, ${pick(v.last.length)} AS kl FROM c)
      INSERT INTO books (id, title, author, isbn, cover, inventory, daily_fee_cents, search_text)
      SELECT id,
             upper(substr(${at(words, 'k1')}, 1, 1)) || substr(${at(words, 'k1')}, 2) || ' ' || ${at(words, 'k2')} || ' ' || ${at(words, 'k3')} || ' ' || id,
             ${at(first, 'kf')} || ' ' || ${at(last, 'kl')},
             '978' || printf('%010d', id),
             CASE WHEN random() % 2 = 0 THEN 'HARD' ELSE 'SOFT' END,
             1 + abs(random()) % 20,
             10 + abs(random()) % 290,
             ${at(wordsF, 'k1')} || ' ' || ${at(wordsF, 'k2')} || ' ' || ${at(wordsF, 'k3')} || ' ' || id || ' ' ||
               ${at(firstF, 'kf')} || ' ' || ${at(lastF, 'kl')} || ' 978' || printf('%010d', id)
      FROM p`,
    );
    report('search index', 0, 1);
    sqlite.exec(`INSERT INTO books_search(books_search) VALUES ('rebuild')`);
    if (trigger) sqlite.exec(trigger);
    report('search index', 1, 1);
  }

  load(
    'users',
    opts.users,
    (off, n) => `${counter(n)}
    INSERT INTO users (id, email, first_name, last_name, telegram_user_id, language)
    SELECT ${firstUser + off} + i, 'reader' || (${firstUser + off} + i) || '@example.test',
           ${at(first, `(${pick(v.first.length)})`)}, ${at(last, `(${pick(v.last.length)})`)},
           CASE WHEN i % 2 = 0 THEN 5000000000 + ${firstUser + off} + i END,
           CASE WHEN i % 3 = 0 THEN 'uk' ELSE 'en' END
    FROM c`,
  );

  if (opts.borrowings > 0) {
    const bookLo = sqlite.prepare('SELECT min(id) AS lo, max(id) AS hi FROM books').get() as { lo: number; hi: number };
    const userHi = maxId('users');
    const userLo = Math.max(1, userHi - Math.max(opts.users, 1) + 1);
    const todayJd = `julianday('${opts.today}')`;
    const activeShare = opts.activeShare ?? 0.5;
    // Older borrowings first (ids grow with time); only loans of the last 45 days can be out.
    load(
      'borrowings',
      opts.borrowings,
      (off, n) => `${counter(n)}
      INSERT INTO borrowings (book_id, user_id, borrow_date, expected_return_date, actual_return_date)
      SELECT book_id, user_id, date(start), date(start + len),
             CASE WHEN age <= 45 AND (abs(random()) % 1000) < ${Math.round(activeShare * 1000)} THEN NULL
                  ELSE date(start + abs(random()) % (len + 5)) END
      FROM (
        SELECT ${bookLo.lo} + abs(random()) % ${bookLo.hi - bookLo.lo + 1} AS book_id,
               ${userLo} + abs(random()) % ${userHi - userLo + 1} AS user_id,
               age, ${todayJd} - age AS start, 1 + abs(random()) % 30 AS len
        FROM (SELECT CAST(((${opts.borrowings} - (${off} + i)) * 3650.0) / ${opts.borrowings} AS INTEGER) + 1 AS age FROM c)
      )`,
    );
  }
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('ANALYZE');
}
