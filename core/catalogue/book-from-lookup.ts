// Turning what a bibliographic source says about an edition into text the catalogue accepts:
// a title and an author line that pass the text-field rules (no control characters, none of the
// invisible characters that disguise text, at most 255 characters), however odd the source's data.
import type { BookMetadata } from './isbn-lookup.js';

/** Longest title or author a book holds (the text-field limit). */
export const BOOK_TEXT_MAX = 255;
/** A book made from a lookup names at most this many authors, then " et al.". */
export const MAX_AUTHORS_NAMED = 3;
const ET_AL = ' et al.';

/**
 * Characters that hide or reorder text without being seen — the bidi embeddings and overrides
 * (U+202A–U+202E), the bidi isolates (U+2066–U+2069), the zero-width space and the byte-order
 * mark — which text fields refuse. The joiners U+200C/U+200D stay: scripts and emoji need them.
 */
const INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/g;
/** Line and paragraph breaks of every kind, and tabs: a space in a one-line field. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
/** The C0 and C1 controls and DEL left after the breaks became spaces. */
const CONTROLS = /\p{Cc}/gu;

/**
 * One line of clean text: breaks become spaces, other control and invisible characters go,
 * then NFC (after the removal, so marks that were kept apart compose), runs of spaces become one,
 * and the ends are trimmed.
 */
export function cleanText(text: string): string {
  return text.replace(BREAKS, ' ').replace(CONTROLS, '').replace(INVISIBLE, '').normalize('NFC').replace(/ {2,}/g, ' ').trim();
}

/** Separators that would dangle at the end of cut text. */
const DANGLING = /[\s,;:.\-\u2010-\u2015/&(]+$/u;

/**
 * At most `max` UTF-16 units (the unit text-field limits count), cut after the last whole word
 * that fits. A single word longer than half the limit is cut inside instead (never between the
 * halves of a surrogate pair), so a long unbroken title still keeps most of its text.
 */
export function cutAtWord(text: string, max = BOOK_TEXT_MAX): string {
  if (text.length <= max) return text;
  const hard = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  const space = text.lastIndexOf(' ', max);
  const cut = text.slice(0, space >= max / 2 ? space : hard).replace(DANGLING, '');
  return cut === '' ? text.slice(0, hard) : cut;
}

/** "Title: Subtitle", cleaned and cut to 255; null when there is no title. */
export function lookupTitle(title: string | null, subtitle: string | null): string | null {
  const main = title === null ? '' : cleanText(title);
  if (main === '') return null;
  const sub = subtitle === null ? '' : cleanText(subtitle);
  // A source that already put the subtitle into the title is not repeated.
  const joined =
    sub === '' || main.toLocaleLowerCase().endsWith(sub.toLocaleLowerCase()) ? main : `${main.replace(/[\s:]+$/u, '')}: ${sub}`;
  return cutAtWord(joined, BOOK_TEXT_MAX);
}

/** Each name cleaned, blanks and exact repeats dropped, the source's order kept. */
export function cleanNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const n of names) {
    const c = cleanText(n);
    if (c !== '') seen.add(c);
  }
  return [...seen];
}

/**
 * A book's author line: the first three names joined by ", ", then " et al." when the edition
 * has more (named, or listed but not fetched); cut to 255 with " et al." kept. Null when none.
 */
export function lookupAuthor(names: readonly string[], omitted = 0): string | null {
  const clean = cleanNames(names);
  if (clean.length === 0) return null;
  const more = clean.length + omitted > MAX_AUTHORS_NAMED;
  const line = clean.slice(0, MAX_AUTHORS_NAMED).join(', ');
  return more ? cutAtWord(line, BOOK_TEXT_MAX - ET_AL.length) + ET_AL : cutAtWord(line, BOOK_TEXT_MAX);
}

/** An optional one-line field from the source: cleaned, cut to 255, null when blank. */
const optionalLine = (text: string | null): string | null => {
  const c = text === null ? '' : cutAtWord(cleanText(text), BOOK_TEXT_MAX);
  return c === '' ? null : c;
};

/** What a lookup answers a librarian: the joined title and every author and publisher, cleaned. */
export function lookupAnswer(found: BookMetadata) {
  return {
    isbn13: found.isbn13,
    isbn10: found.isbn10,
    title: lookupTitle(found.title, found.subtitle),
    authors: cleanNames(found.authors).map((n) => cutAtWord(n, BOOK_TEXT_MAX)),
    publishers: cleanNames(found.publishers).map((n) => cutAtWord(n, BOOK_TEXT_MAX)),
    publish_date: optionalLine(found.publish_date),
    pages: found.pages !== null && Number.isSafeInteger(found.pages) && found.pages > 0 ? found.pages : null,
    cover_image_url: found.cover_image_url !== null && /^https?:\/\//.test(found.cover_image_url) ? found.cover_image_url : null,
  };
}

/**
 * The text fields of a book made from a lookup. Title or author is null when the source gave
 * none: the librarian types it (the add-book conversation asks).
 */
export function bookFromLookup(found: BookMetadata) {
  const answer = lookupAnswer(found);
  return {
    title: answer.title,
    author: lookupAuthor(found.authors, found.authors_omitted),
    isbn13: found.isbn13,
    isbn10: found.isbn10,
    cover_image_url: answer.cover_image_url,
  };
}
