// Catalogue search, one meaning on both engines (SPEC §4, §12): every word of the query is a
// prefix of a word of the book's search text, and the caller orders by title, id as always.
//
// Which words are "the same" (scripts, case, diacritics, spellings) is core's rule
// (core/search-text.ts): core writes each book's folded words, separated by single spaces, into
// books.search_text (migration 007) and folds the query the same way before it comes here. This
// module only finds prefixes among those words, with each engine's own index:
// - SQLite: the FTS5 table books_search over search_text with the `ascii` tokenizer, which splits
//   on exactly the spaces core put there (a folded word holds only letters and digits, and
//   non-ASCII characters are word characters to it); a query is `"w1"* "w2"*` (AND).
// - PostgreSQL: a GIN index over array_to_tsvector(the words) — the words as lexemes, as they
//   are, with no text-search parser in between, so no locale (LC_CTYPE) or parser rule can split
//   or change them — and a tsquery built from quoted lexemes, 'w1':* & 'w2':*.
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { engineKind } from './engine.js';

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
export const tsQuery = (words: readonly string[]) => words.map((w) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}':*`).join(' & ');

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
