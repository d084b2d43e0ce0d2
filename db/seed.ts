// Bulk generation of synthetic data for benchmarks (1M+ rows), set-based on each engine
// (INSERT … SELECT over a counter: SQLite's recursive CTE, PostgreSQL's generate_series), below
// core's rules. The demo catalogue newcomers see is core's (core/demo/demo.ts).
//
// Search text: db/ does not know how core folds words for search (core/catalogue/search-text.ts), so the
// caller passes the folding of one word (`fold`); the vocabulary below is small, so every word is
// folded once in JS and the SQL picks a word and its folding by the same index — each book's
// search_text is exactly what core would write for it (tests/seed.test.ts checks that).
import type SQLite from 'better-sqlite3';
import type { DB } from './connection.js';
import { engineKind } from './engine.js';
import { bulkSeedSqlite } from './seed-sqlite.js';
import { bulkSeedPostgres } from './seed-postgres.js';

export const WORDS = ('river stone light shadow garden winter summer night morning silver golden ' +
  'forest ocean city empire secret letter journey house window bridge island mountain ' +
  'storm dream fire glass iron paper song voice road star moon sun tower library ' +
  'clock machine harbor valley desert kingdom lantern orchard meadow compass').split(' ');
export const FIRST = 'Anna Boris Clara Dmytro Elena Fedir Galyna Ivan Kateryna Leo Maria Nestor Olena Petro Roman Sofia Taras Uliana Vira Yurii'.split(' ');
export const LAST = 'Kovalenko Shevchenko Bondar Tkachenko Melnyk Kravets Oliinyk Lysenko Moroz Savchenko Rudenko Marchenko Hnatiuk Pavlenko'.split(' ');

export interface BulkSeedOptions {
  books: number;
  users: number;
  borrowings: number;
  /** Share of the last 45 days' borrowings still active (unreturned). */
  activeShare?: number;
  /** The "today" the generated dates are relative to (YYYY-MM-DD). */
  today: string;
  /** How core folds one word for search (core/catalogue/search-text.ts: searchWords(w).join(' ')). */
  fold: (word: string) => string;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** The vocabulary, each list beside its folding (same index). */
export interface Vocabulary {
  words: string[];
  wordsFolded: string[];
  first: string[];
  firstFolded: string[];
  last: string[];
  lastFolded: string[];
}

export function vocabulary(fold: (word: string) => string): Vocabulary {
  return {
    words: WORDS, wordsFolded: WORDS.map(fold),
    first: FIRST, firstFolded: FIRST.map(fold),
    last: LAST, lastFolded: LAST.map(fold),
  };
}

/** Rows per statement: progress moves, and no single statement holds too much. */
export const SEED_CHUNK = 250_000;

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
