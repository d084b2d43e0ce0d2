import { type Kysely, sql } from 'kysely';
import { engineKind } from '../engine.js';

// Issue 16: a search page walks the catalogue in (title, id) order and checks each row's search
// text (db/search.ts, searchInTitleOrder) before it asks the word index. With the search text in
// the walked index the walk reads one index in order instead of fetching every book row it
// passes (SQLite, 4,096 rows: ~1–2 µs a row through the table, a fraction of that in the index).
// PostgreSQL keeps its (title, id) index and carries the text as an INCLUDE column, so the walk
// can be an index-only scan.
export async function up(db: Kysely<unknown>): Promise<void> {
  if (engineKind(db) === 'postgres') {
    await sql`CREATE INDEX books_title_search ON books (title, id) INCLUDE (search_text) WHERE deleted_at IS NULL`.execute(db);
  } else {
    await sql`CREATE INDEX books_title_search ON books (title, id, search_text) WHERE deleted_at IS NULL`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS books_title_search`.execute(db);
}
