// Catalogue search, one meaning on both engines (SPEC §4, §12): every word of the query is a
// prefix of a word of the book's search text, and the caller orders by title, id as always.
//
// Which words are "the same" (scripts, case, diacritics, spellings) is core's rule
// (core/catalogue/search-text.ts): core writes each book's folded words, separated by single spaces, into
// books.search_text (migration 007) and folds the query the same way before it comes here. This
// module only finds prefixes among those words, with each engine's own index:
// - SQLite: the FTS5 table books_search over search_text with the `ascii` tokenizer, which splits
//   on exactly the spaces core put there (a folded word holds only letters and digits, and
//   non-ASCII characters are word characters to it); a query is `"w1"* "w2"*` (AND).
// - PostgreSQL: a GIN index over array_to_tsvector(the words) — the words as lexemes, as they
//   are, with no text-search parser in between, so no locale (LC_CTYPE) or parser rule can split
//   or change them — and a tsquery built from quoted lexemes, 'w1':* & 'w2':*.
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { jsonArrayOf } from './dialect-sql.js';
import { engineKind, engineOf } from './engine.js';
import { asciiTokens } from './search-match.js';

// The row check lives apart (db/search-match.ts) so that the read worker loads it without Kysely.
export { registerSearchFunctions, searchTextMatches } from './search-match.js';

/**
 * Longer than any word of a search text can be (a 255-character field, each letter folded to at
 * most 4): such a query word finds nothing, and is never sent to an index (tsquery lexemes are
 * limited to 2 KiB).
 */
export const MAX_SEARCH_WORD = 1024;

/** PostgreSQL: the search text's words as a tsvector. Frozen: migration 007's index is built on it. */
export const pgSearchVector = (column: string) => `array_to_tsvector(array_remove(string_to_array(${column}, ' '), ''))`;

/** FTS5: every word a prefix (`"w"*` …, implicitly AND). Words hold only letters and digits. */
export const fts5Query = (words: readonly string[]) => words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ');

/** A tsquery of quoted lexemes, each a prefix (`'w':* & …`): read as written, no parser. */
export const tsQuery = (words: readonly string[]) =>
  words.map((w) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}':*`).join(' & ');

/**
 * The search as a WHERE condition on `books` (or on the alias given): every folded word a
 * prefix of a word of search_text. Null when there is no word, or a word no book can have (the
 * answer is then an empty page).
 */
export function bookSearchFilter(db: Kysely<any>, words: readonly string[], table = 'books'): Expression<SqlBool> | null {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`not a table name or alias: ${table}`);
  if (words.length === 0 || words.some((w) => w.length === 0 || w.length > MAX_SEARCH_WORD || /\s/.test(w))) return null;
  if (engineKind(db) === 'sqlite') {
    return sql<SqlBool>`${sql.ref(`${table}.id`)} IN (SELECT rowid FROM books_search WHERE books_search MATCH ${fts5Query(words)})`;
  }
  return sql<SqlBool>`${sql.raw(pgSearchVector(`${table}.search_text`))} @@ CAST(${tsQuery(words)} AS tsquery)`;
}

// ---------------------------------------------------------------------------------------------
// A page of matches in title order without sorting every match (issue 16). The word index finds
// matches fast when they are few; when a query's words are common (thousands of books, or a
// short prefix of hundreds of thousands) finding and sorting them all costs milliseconds to
// seconds, while the first page lies among the first rows of the title index. So a page is first
// looked for by walking the (title, id) index from the cursor, each row checked on its own
// (SQLite: search_match() of db/search-match.ts, PostgreSQL: the same @@ as the GIN index), a bounded number of
// rows at a time; only when that walk finds too few does the word index answer. Either way the
// answer is the first `take` matches after the cursor in (title, id) order — the same rows.

/**
 * The search checked on one row of `table` (no index): the same meaning as bookSearchFilter.
 * SQLite: each word's first token must occur in the text, ASCII case aside (a cheap necessary
 * condition, in C: LIKE '%token%') before search_match() decides; null when a word has no token.
 */
function rowMatches(db: Kysely<any>, words: readonly string[], table: string): Expression<SqlBool> | null {
  const text = sql.ref(`${table}.search_text`);
  if (engineKind(db) === 'postgres')
    return sql<SqlBool>`${sql.raw(pgSearchVector(`${table}.search_text`))} @@ CAST(${tsQuery(words)} AS tsquery)`;
  const firsts = words.map((w) => asciiTokens(w)[0]);
  if (firsts.some((t) => t === undefined)) return null;
  // LIKE ignores the case of ASCII letters only, as the tokenizer does; a token holds no % or _.
  const contains = firsts.map((t) => sql<SqlBool>`${text} LIKE ${`%${t}%`}`);
  return sql<SqlBool>`${sql.join(contains, sql` AND `)} AND search_match(${text}, ${JSON.stringify(words)}) = 1`;
}

/**
 * How far a page is looked for along the title index before the word index answers: each row
 * costs ~0.25 µs on SQLite through the covering index of migration 010, and the walk stops at
 * the page's last match, so a dense search reads a few hundred rows and a sparse one at most
 * this many (~4 ms) before the word index is asked.
 */
export const SEARCH_WALK_ROWS = 16384;
/** A first stretch of the walk when a query word is short. */
export const SEARCH_SAMPLE_ROWS = 1024;
/** PostgreSQL checks a row (its tsvector built from the text) at ~2 µs: a shorter walk, ~4 ms at most. */
export const SEARCH_WALK_ROWS_PG = 2048;
/** A query word of at least this many characters found as a whole word in fewer than RARE_WORD_BOOKS books is rare (the count stops there: ~0.25 ms). */
const RARE_WORD_LENGTH = 4;
export const RARE_WORD_BOOKS = 256;

/**
 * Whether the word index answers cheaply: it reads every matching book of every word, so only
 * when each word is rare. SQLite counts a word's books as a whole word (a streamed read that
 * stops at RARE_WORD_BOOKS); a short word (a prefix of many words) is never taken for rare.
 * PostgreSQL has no such cheap count (its GIN index builds the whole bitmap first): there every
 * search walks a shorter stretch first (SEARCH_WALK_ROWS_PG), then asks the index.
 */
async function indexIsCheap(db: Kysely<any>, words: readonly string[]): Promise<boolean> {
  if (engineKind(db) === 'postgres' || words.some((w) => w.length < RARE_WORD_LENGTH)) return false;
  for (const w of words) {
    const r = await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM (SELECT rowid FROM books_search WHERE books_search MATCH ${fts5Query([w]).slice(0, -1)} LIMIT ${RARE_WORD_BOOKS})`.execute(
      db,
    );
    if (Number(r.rows[0]!.n) >= RARE_WORD_BOOKS) return false;
  }
  return true;
}

interface TitleOrderSearch {
  words: readonly string[];
  after?: readonly [string, number];
  take: number;
  columns: readonly string[];
}

/**
 * The first `take` books (deleted ones never) matching `words`, after the (title, id) position
 * `after`, in (title, id) order: each row as jsonArrayOf(columns). [] when a word cannot match.
 * A search may read thousands of rows: given the service's database, it runs where the engine
 * runs long reads (Engine.longRead: on a SQLite file, a worker thread, off the event loop).
 */
export async function searchInTitleOrder(db: Kysely<any>, opts: TitleOrderSearch): Promise<string[]> {
  if (!bookSearchFilter(db, opts.words)) return [];
  const engine = engineOf(db);
  return engine ? engine.longRead((reader) => findInTitleOrder(reader, opts)) : findInTitleOrder(db, opts);
}

async function findInTitleOrder(db: Kysely<any>, opts: TitleOrderSearch): Promise<string[]> {
  const filter = bookSearchFilter(db, opts.words)!;
  const { after, take } = opts;
  // Spelled out rather than as a row value: SQLite then seeks the (title, id) index directly.
  const position = after ? sql<SqlBool>`title >= ${after[0]} AND (title > ${after[0]} OR id > ${after[1]})` : sql<SqlBool>`1 = 1`;
  const perRow = rowMatches(db, opts.words, 'w');
  // The next books in title order, read from the index alone and checked one by one; only the
  // matches fetch their book row, and the walk stops at the page's last one.
  const walk = async (rows: number, check: Expression<SqlBool>) => {
    const window = db
      .selectFrom('books')
      .select(['id', 'title', 'search_text'])
      .where('deleted_at', 'is', null)
      .where(position)
      .orderBy('title')
      .orderBy('id')
      .limit(rows);
    const found = await db
      .selectFrom(window.as('w'))
      .innerJoin('books as b', 'b.id', 'w.id')
      .select(
        jsonArrayOf(
          db,
          opts.columns.map((c) => `b.${c}`),
        ).as('row'),
      )
      .where(check)
      .orderBy('w.title')
      .orderBy('w.id')
      .limit(take)
      .execute();
    return found.map((r) => r.row as string);
  };
  if (perRow && !(await indexIsCheap(db, opts.words))) {
    const longest = engineKind(db) === 'postgres' ? SEARCH_WALK_ROWS_PG : SEARCH_WALK_ROWS;
    // A short word may be a prefix of many words or of none: a first stretch tells. Nothing there
    // (under 1 in SEARCH_SAMPLE_ROWS books) and the word index has few books to read.
    const short = opts.words.some((w) => w.length < RARE_WORD_LENGTH);
    const sample = short ? await walk(Math.min(SEARCH_SAMPLE_ROWS, longest), perRow) : [];
    if (sample.length >= take) return sample;
    if (!short || sample.length > 0) {
      const found = await walk(longest, perRow);
      if (found.length >= take) return found;
    }
  }
  if (engineKind(db) === 'postgres') {
    // Every match through the GIN index first, with what the page shows (MATERIALIZED: else the
    // planner may walk the title index and check every row — the whole catalogue, seconds, for
    // an ISBN — or scan the primary key to join a handful of matches), then the first by title.
    const rows = await db
      .with(
        (cte) => cte('m').materialized(),
        (q) =>
          q
            .selectFrom('books')
            .select(['id', 'title', jsonArrayOf(db, opts.columns).as('row')])
            .where('deleted_at', 'is', null)
            .where(filter),
      )
      .selectFrom('m')
      .select('m.row')
      .where(after ? sql<SqlBool>`m.title >= ${after[0]} AND (m.title > ${after[0]} OR m.id > ${after[1]})` : sql<SqlBool>`1 = 1`)
      .orderBy('m.title')
      .orderBy('m.id')
      .limit(take)
      .execute();
    return rows.map((r) => r.row as string);
  }
  const rows = await db
    .selectFrom('books')
    .select(jsonArrayOf(db, opts.columns).as('row'))
    .where('deleted_at', 'is', null)
    .where(filter)
    .where(position)
    .orderBy('title')
    .orderBy('id')
    .limit(take)
    .execute();
  return rows.map((r) => r.row as string);
}
