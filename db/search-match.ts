// The search checked on one search text at a time, exactly as SQLite's FTS5 index decides it
// (db/search.ts): used as the SQL function search_match() by every SQLite connection — the
// service's own and the read worker's (db/read-worker.ts), which loads this module alone.

/** SQLite: the tokens of a text as FTS5's `ascii` tokenizer (books_search, migration 007) makes them. */
export function asciiTokens(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Every non-ASCII character is a token character; of ASCII, letters and digits (letters folded to lower case).
    if (c >= 0x80 || (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) current += text[i];
    else if (c >= 0x41 && c <= 0x5a) current += String.fromCharCode(c + 32);
    else if (current) {
      tokens.push(current);
      current = '';
    }
  }
  if (current) tokens.push(current);
  return tokens;
}

/** Text with no ASCII character but a–z, 0–9 and the space: its tokens are its space-separated words. */
const PLAIN = /^[a-z0-9 \u0080-\uffff]*$/;

/**
 * Whether a search text matches the FTS5 query fts5Query(words) would make — every word a phrase
 * of its tokens, the last token a prefix, all words present — exactly as books_search decides it
 * (tests/core/search-text.test.ts compares both over awkward texts).
 */
export function searchTextMatches(text: string, words: readonly string[]): boolean {
  if (PLAIN.test(text) && words.every((w) => PLAIN.test(w) && !w.includes(' '))) {
    const spaced = ` ${text}`;
    return words.every((w) => spaced.includes(` ${w}`));
  }
  const doc = asciiTokens(text);
  return words.every((w) => {
    const phrase = asciiTokens(w);
    if (phrase.length === 0) return false;
    const last = phrase.length - 1;
    for (let i = 0; i + last < doc.length; i++) {
      let k = 0;
      while (k < last && doc[i + k] === phrase[k]) k++;
      if (k === last && doc[i + last]!.startsWith(phrase[last]!)) return true;
    }
    return false;
  });
}

/** SQLite: search_match(search_text, words as a JSON array) → 1 or 0, for checking rows one by one. */
export function registerSearchFunctions(sqlite: {
  function(name: string, options: { deterministic: boolean }, fn: (...args: unknown[]) => unknown): unknown;
}): void {
  let lastJson = '';
  let lastWords: string[] = [];
  sqlite.function('search_match', { deterministic: true }, (text, wordsJson) => {
    if (typeof text !== 'string' || typeof wordsJson !== 'string') return 0;
    if (wordsJson !== lastJson) {
      lastWords = JSON.parse(wordsJson) as string[];
      lastJson = wordsJson;
    }
    return searchTextMatches(text, lastWords) ? 1 : 0;
  });
}
