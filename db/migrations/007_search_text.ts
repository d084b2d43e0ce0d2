import { type Kysely, sql } from 'kysely';
import { engineKind } from '../engine.js';
import { pgSearchVector } from '../search.js';

// Search across scripts and spellings (SPEC §4): books.search_text holds the book's words as core
// folds them (core/catalogue/search-text.ts), one index over it per engine (db/search.ts). db/ cannot fold
// (that rule is core's, and db/ never imports core), so rows that exist when this runs keep a
// NULL search text until core fills them: the service and the CLI call
// core.books.fillSearchText() right after migrating, before anything is served, and the partial
// index books_search_text_missing makes "is there anything to fill?" one index probe.
export async function up(db: Kysely<unknown>): Promise<void> {
  if (engineKind(db) === 'postgres') {
    await sql`ALTER TABLE books ADD COLUMN search_text text COLLATE "C"`.execute(db);
    await sql`DROP INDEX IF EXISTS books_search`.execute(db);
    await sql
      .raw(`CREATE INDEX books_search_text ON books USING gin (${pgSearchVector('search_text')}) WHERE deleted_at IS NULL`)
      .execute(db);
  } else {
    await sql`ALTER TABLE books ADD COLUMN search_text TEXT`.execute(db);
    for (const t of ['books_fts_ai', 'books_fts_ad', 'books_fts_au']) await sql.raw(`DROP TRIGGER IF EXISTS ${t}`).execute(db);
    await sql`DROP TABLE IF EXISTS books_fts`.execute(db);
    // Every book row has an index entry (an empty one while search_text is NULL), so the
    // 'delete' of the triggers below always names what was indexed, as FTS5 requires.
    await sql`CREATE VIRTUAL TABLE books_search USING fts5(search_text, content='books', content_rowid='id', tokenize='ascii')`.execute(
      db,
    );
    await sql`INSERT INTO books_search(books_search) VALUES ('rebuild')`.execute(db);
    await sql`
      CREATE TRIGGER books_search_ai AFTER INSERT ON books BEGIN
        INSERT INTO books_search(rowid, search_text) VALUES (new.id, new.search_text);
      END`.execute(db);
    await sql`
      CREATE TRIGGER books_search_ad AFTER DELETE ON books BEGIN
        INSERT INTO books_search(books_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
      END`.execute(db);
    await sql`
      CREATE TRIGGER books_search_au AFTER UPDATE OF search_text ON books BEGIN
        INSERT INTO books_search(books_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO books_search(rowid, search_text) VALUES (new.id, new.search_text);
      END`.execute(db);
  }
  await sql`CREATE INDEX books_search_text_missing ON books (id) WHERE search_text IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS books_search_text_missing`.execute(db);
  if (engineKind(db) === 'postgres') {
    await sql`DROP INDEX IF EXISTS books_search_text`.execute(db);
  } else {
    for (const t of ['books_search_ai', 'books_search_ad', 'books_search_au'])
      await sql.raw(`DROP TRIGGER IF EXISTS ${t}`).execute(db);
    await sql`DROP TABLE IF EXISTS books_search`.execute(db);
  }
  await sql`ALTER TABLE books DROP COLUMN search_text`.execute(db);
}
