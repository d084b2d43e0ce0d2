// What both engines' bulk seeders share: the options, the vocabulary of generated titles and
// names, and the size of each statement (db/seed.ts chooses the engine).
export const WORDS = (
  'river stone light shadow garden winter summer night morning silver golden ' +
  'forest ocean city empire secret letter journey house window bridge island mountain ' +
  'storm dream fire glass iron paper song voice road star moon sun tower library ' +
  'clock machine harbor valley desert kingdom lantern orchard meadow compass'
).split(' ');
export const FIRST =
  'Anna Boris Clara Dmytro Elena Fedir Galyna Ivan Kateryna Leo Maria Nestor Olena Petro Roman Sofia Taras Uliana Vira Yurii'.split(
    ' ',
  );
export const LAST =
  'Kovalenko Shevchenko Bondar Tkachenko Melnyk Kravets Oliinyk Lysenko Moroz Savchenko Rudenko Marchenko Hnatiuk Pavlenko'.split(
    ' ',
  );

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
    words: WORDS,
    wordsFolded: WORDS.map(fold),
    first: FIRST,
    firstFolded: FIRST.map(fold),
    last: LAST,
    lastFolded: LAST.map(fold),
  };
}

/** Rows per statement: progress moves, and no single statement holds too much. */
export const SEED_CHUNK = 250_000;
