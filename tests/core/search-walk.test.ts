// A search page found by walking the title index (db/search.ts, searchInTitleOrder) is the page
// the word index finds: the row check means what FTS5 / the GIN index mean, and paging a dense
// search (walked) answers the same books in the same order as a sparse one (the word index).
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { bookSearchText, queryWords } from '../../core/catalogue/search-text.js';
import { fts5Query, searchTextMatches } from '../../db/search.js';
import { tempDbFile, useApiWorld } from '../helpers/api.js';
import { onPostgres } from '../helpers/engine.js';

describe('search_match means what the FTS5 index means', () => {
  it.skipIf(onPostgres)('agrees with books_search (tokenize=ascii) over awkward texts and queries', () => {
    const db = new SQLite(':memory:');
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(search_text, tokenize='ascii')`);
    const texts = [
      'lantern orcgard 12 anna kovalenko 9780000000012',
      'Book ℬook Hello',
      '(1) x-ray a.b',
      'кобзар kobzar',
      'naïve cafe',
      'ab abc abcd',
      'x',
      '',
      '9 99 999',
      'a b c d e f',
      'tom tomato',
      'ⅻ ½ ⑴',
      'Dž džungla',
      'lantern lanterns',
      'ab-cd ef_gh',
    ];
    const insert = db.prepare('INSERT INTO t(rowid, search_text) VALUES (?, ?)');
    texts.forEach((t, i) => insert.run(i + 1, t));
    const queries = [
      'lantern',
      'lan',
      'lantern orchard',
      'book',
      'Book',
      'ℬ',
      '1',
      '(1)',
      'x ray',
      'x-ray',
      'a.b',
      'ab',
      'abc d',
      'кобз',
      'naive',
      'naïve',
      'café',
      '9',
      '99',
      'tom',
      'tomato',
      'tomatoes',
      'ⅻ',
      '½',
      '⑴',
      'dž',
      'dz',
      'ab-cd',
      'ef',
      'gh',
      'zzzq',
      'a b c',
      '978000',
    ];
    for (const q of queries) {
      const words = queryWords(q);
      if (words.length === 0) continue;
      const byIndex = (
        db.prepare('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid').all(fts5Query(words)) as { rowid: number }[]
      ).map((r) => r.rowid);
      const byRow = texts.flatMap((t, i) => (searchTextMatches(t, words) ? [i + 1] : []));
      expect(byRow, `${q} → ${JSON.stringify(words)}`).toEqual(byIndex);
    }
    // Real search texts, as core writes them.
    const book = bookSearchText({ title: 'Лісова пісня ⑴', author: 'Леся Українка', isbn: '978-0-00-000001-2' });
    insert.run(100, book);
    for (const q of ['лісова', 'lisova pisn', 'ukrainka', '1', '978', 'lesya']) {
      const words = queryWords(q);
      const hit =
        (db.prepare('SELECT count(*) AS n FROM t WHERE t MATCH ? AND rowid = 100').get(fts5Query(words)) as { n: number }).n ===
        1;
      expect(searchTextMatches(book, words), q).toBe(hit);
    }
  });
});

// On SQLite a file's searches run in the read worker (db/read-pool.ts), an in-memory database's
// in the service's thread: both must answer the same. PostgreSQL has one way.
const places: Array<[string, string | undefined]> = onPostgres
  ? [['PostgreSQL', undefined]]
  : [
      ['SQLite in memory (searched in-process)', undefined],
      ['a SQLite file (searched in the read worker)', 'file'],
    ];

describe.each(places)('a dense search walked in title order pages exactly as the word index: %s', (_place, onFile) => {
  const file = onFile ? tempDbFile() : undefined;
  const { world: w } = useApiWorld({ file: file?.file });
  afterAll(() => file?.cleanup());
  const WORDS = ['amber', 'birch', 'cedar', 'dune', 'ember', 'fjord', 'grove', 'heath'];

  it('every page of common, rare and no-match searches, page by page through the cursor', async () => {
    const books: { id: number; title: string; author: string; isbn: string | null }[] = [];
    for (let i = 0; i < 260; i++) {
      const title = `${WORDS[(i * 7) % 8]} ${WORDS[(i * 3) % 8]} ${i % 5 === 0 ? 'Ліс' : 'forest'} ${i}`;
      const b = await w.book({ title, author: i % 2 ? 'Ann Marsh' : 'Олена Пчілка' });
      books.push({ id: b.id, title: b.title, author: b.author, isbn: b.isbn });
    }
    // Expected: every word a prefix of a word of the book's search text, by (title, id) in code-unit order.
    const expected = (q: string) => {
      const words = queryWords(q);
      return books
        .filter(
          (b) =>
            words.length > 0 &&
            words.every((x) =>
              bookSearchText(b)
                .split(' ')
                .some((t) => t.startsWith(x)),
            ),
        )
        .sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id - b.id))
        .map((b) => b.id);
    };
    for (const q of [
      'a',
      'forest',
      'f',
      'amber',
      'amber birch',
      'лic',
      'lis',
      'olena',
      'e',
      'birch 13',
      '25',
      'zzzq',
      'heath fjord forest',
    ]) {
      for (const limit of [1, 7, 50]) {
        const seen: number[] = [];
        let cursor: string | null = null;
        do {
          const r: { status: number; body: { results: { id: number }[]; next_cursor: string | null } } = await w.req(
            'GET',
            `/api/books/?search=${encodeURIComponent(q)}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
          );
          expect(r.status).toBe(200);
          seen.push(...r.body.results.map((b) => b.id));
          cursor = r.body.next_cursor;
        } while (cursor);
        expect(seen, `${q} (limit ${limit})`).toEqual(expected(q));
      }
    }
  });
});
