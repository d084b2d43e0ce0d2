// Catalogue search, one meaning on both engines (SPEC §12): every word of the query is a prefix
// of a word in the title, the author or the ISBN, case and Latin diacritics ignored; the caller
// orders by title, id as always.
//
// SQLite: the FTS5 table books_fts (migration 001; unicode61, remove_diacritics 2).
// PostgreSQL: built-in full-text search, no extension, so any PostgreSQL 14+ will do: a GIN
// index over to_tsvector('simple', <document>) (migration 001) and to_tsquery('simple',
// 'word:* & …'). The document is folded before the parser sees it, to split words where FTS5
// does: lower case, Latin diacritics off (translate, as unaccent is an extension), and every run
// of characters that are neither letters nor digits made a space — without that, the parser
// keeps "978-0141439518" as 978 and -0141439518 (a signed number no prefix query finds) and reads
// e-mails, URLs and decimals as single words. The columns are COLLATE "C" (code point order, as
// SQLite), under which lower() and [:alnum:] know only ASCII: the document is folded under the
// database's default collation instead, so Cyrillic and other letters stay words and fold to
// lower case. That needs a database whose LC_CTYPE is not plain C (C.UTF-8, en_US.UTF-8, …).
// A later issue indexes a normalized, transliterated search text computed in JS on both engines;
// this then becomes a plain prefix search over that column.
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { engineKind } from './engine.js';

/** At most this many words count: a long query costs no more than an eight-word one. */
export const MAX_SEARCH_WORDS = 8;

/** Latin letters with diacritics (Latin-1 to Latin Extended Additional) → base letter, lower case. */
function diacriticPairs(): [string, string] {
  let from = '';
  let to = '';
  const ranges: Array<[number, number]> = [[0xc0, 0x24f], [0x1e00, 0x1eff]];
  for (const [lo, hi] of ranges) {
    for (let cp = lo; cp <= hi; cp++) {
      const ch = String.fromCodePoint(cp);
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      if (base !== ch && /^[A-Za-z]$/.test(base)) {
        from += ch;
        to += base.toLowerCase();
      }
    }
  }
  return [from, to];
}

const [DIACRITICS_FROM, DIACRITICS_TO] = diacriticPairs();
const FOLD = new Map([...DIACRITICS_FROM].map((ch, i) => [ch, DIACRITICS_TO[i]!]));

/** The same folding in JS, for the query's words. */
export const foldWord = (word: string): string => [...word.toLowerCase()].map((ch) => FOLD.get(ch) ?? ch).join('');

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The folded document of a book as SQL over its columns (`prefix` qualifies them). Frozen: the
 * GIN index of migration 001 is built on exactly this text, and a query uses the index only when
 * it repeats it; a change means a new function and a migration that rebuilds the index.
 */
export function pgBookDocumentV1(prefix = ''): string {
  const col = (c: string) => `${prefix}${c}`;
  return `to_tsvector('simple'::regconfig, regexp_replace(translate(lower((${col('title')} || ' ' || ${col('author')} || ' ' || coalesce(${col('isbn')}, '')) COLLATE "default"), ${quote(DIACRITICS_FROM)}, ${quote(DIACRITICS_TO)}), '[^[:alnum:]]+', ' ', 'g'))`;
}

/** The query's words (NFKC, letters and digits), at most MAX_SEARCH_WORDS; null when there are none. */
export function searchWords(search: string): string[] | null {
  const words = search.normalize('NFKC').match(/[\p{L}\p{N}]+/gu);
  return words && words.length > 0 ? words.slice(0, MAX_SEARCH_WORDS) : null;
}

/** FTS5: every word a prefix ("w"* … , implicitly AND). */
export const fts5Query = (words: string[]) => words.map((w) => `"${w}"*`).join(' ');

/** to_tsquery: every folded word a prefix (w:* & …); words hold only letters and digits. */
export const tsQuery = (words: string[]) => words.map((w) => `${foldWord(w)}:*`).join(' & ');

/**
 * The search as a WHERE condition on `books` (or on the alias given), or null when the query
 * has no word (the answer is then an empty page). Core: `q.where(bookSearchFilter(db, search))`
 * in place of the FTS5 subquery.
 */
export function bookSearchFilter(db: Kysely<any>, search: string, table = 'books'): Expression<SqlBool> | null {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`not a table name or alias: ${table}`);
  const words = searchWords(search);
  if (!words) return null;
  if (engineKind(db) === 'sqlite') {
    return sql<SqlBool>`${sql.ref(`${table}.id`)} IN (SELECT rowid FROM books_fts WHERE books_fts MATCH ${fts5Query(words)})`;
  }
  return sql<SqlBool>`${sql.raw(pgBookDocumentV1(`${table}.`))} @@ to_tsquery('simple'::regconfig, ${tsQuery(words)})`;
}
