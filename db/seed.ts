// Bulk generation of synthetic data for benchmarks (1M+ rows), set-based on each engine
// (INSERT … SELECT over a counter: SQLite's recursive CTE, PostgreSQL's generate_series), below
// core's rules. The demo catalogue newcomers see is core's (core/demo/demo.ts).
//
// Search text: db/ does not know how core folds words for search (core/catalogue/search-text.ts), so the
// caller passes the folding of one word (`fold`); the vocabulary below is small, so every word is
// folded once in JS and the SQL picks a word and its folding by the same index — each book's
// search_text is exactly what core would write for it (tests/db/seed.test.ts checks that).
import type SQLite from 'better-sqlite3';
import type { DB } from './connection.js';
import { engineKind } from './engine.js';
import { bulkSeedPostgres } from './seed-postgres.js';
import { bulkSeedSqlite } from './seed-sqlite.js';

export { type BulkSeedOptions, FIRST, LAST, SEED_CHUNK, type Vocabulary, vocabulary, WORDS } from './seed-common.js';

import type { BulkSeedOptions } from './seed-common.js';

/**
 * Bulk-inserts synthetic books (ids after the last), readers and borrowings, with the tables'
 * indexes (and SQLite's search trigger) dropped during the load and rebuilt once at the end.
 * `sqlite`: the raw handle, on SQLite.
 */
export async function bulkSeed(target: { db: DB; sqlite?: SQLite.Database }, opts: BulkSeedOptions): Promise<void> {
  if (engineKind(target.db) === 'postgres') return bulkSeedPostgres(target.db, opts);
  if (!target.sqlite) throw new Error('bulkSeed on SQLite needs the better-sqlite3 handle');
  bulkSeedSqlite(target.sqlite, opts);
}
