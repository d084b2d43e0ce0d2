// A book made from a lookup: "Title: Subtitle", at most three authors then "et al.", text the
// catalogue's own fields accept whatever the source sent (controls, invisible characters,
// decomposed accents, 600-character titles).
import { describe, expect, it } from 'vitest';
import {
  bookFromLookup,
  cleanText,
  cutAtWord,
  lookupAnswer,
  lookupAuthor,
  lookupTitle,
} from '../../core/catalogue/book-from-lookup.js';
import type { BookMetadata } from '../../core/catalogue/isbn-lookup.js';
import { NO_CONTROL_CHARS, textField } from '../../core/kernel/validation.js';

/** The invisible characters text fields refuse (bidi controls, zero-width space, BOM, separators). */
const REFUSED_INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200B\u2028\u2029\uFEFF]/;

const metadata = (over: Partial<BookMetadata> = {}): BookMetadata => ({
  isbn13: '9780201633610',
  isbn10: '0201633612',
  title: 'Design Patterns',
  subtitle: 'Elements of Reusable Object-Oriented Software',
  authors: ['Erich Gamma', 'Richard Helm', 'Ralph Johnson', 'John Vlissides'],
  authors_omitted: 0,
  publishers: ['Addison-Wesley'],
  publish_date: '1994',
  pages: 395,
  cover_image_url: 'https://covers.openlibrary.org/b/id/7259873-M.jpg',
  source: 'books-api',
  ...over,
});

describe('cleaning text from outside', () => {
  it('turns breaks and tabs into single spaces and trims', () => {
    expect(cleanText('  War\nand\r\n\tPeace\u2028Vol.\u20291\u0085 ')).toBe('War and Peace Vol. 1');
  });

  it('drops the other control characters, C0, DEL and C1', () => {
    expect(cleanText('Fan\u0000tas\u0007tic\u001b Mr\u007f Fox\u0090\u009f')).toBe('Fantastic Mr Fox');
  });

  it('drops each invisible character that disguises text, and keeps the joiners', () => {
    for (const ch of [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u202E',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
      '\u200B',
      '\uFEFF',
    ]) {
      expect(cleanText(`Ко${ch}бзар`), ch.codePointAt(0)!.toString(16)).toBe('Кобзар');
    }
    expect(cleanText('می\u200Cخواهم 👨\u200D👩\u200D👧')).toBe('می\u200Cخواهم 👨\u200D👩\u200D👧');
  });

  it('normalises to NFC, after removing what sat between a letter and its accent', () => {
    expect(cleanText('Saint-Exupe\u0301ry')).toBe('Saint-Exupéry');
    expect(cleanText('Saint-Exupe\u200B\u0301ry')).toBe('Saint-Exupéry');
    expect(cleanText('Й'.normalize('NFD'))).toBe('Й');
  });
});

describe('cutting to 255 characters at a word', () => {
  const words = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');

  it('leaves text that fits alone', () => {
    expect(cutAtWord('Short title', 255)).toBe('Short title');
    expect(cutAtWord('x'.repeat(255))).toHaveLength(255);
  });

  it('cuts after the last whole word that fits, without dangling punctuation', () => {
    const cut = cutAtWord(words);
    expect(cut.length).toBeLessThanOrEqual(255);
    expect(words.startsWith(cut)).toBe(true);
    expect(words[cut.length]).toBe(' ');
    expect(cutAtWord('aaaa bbbb: cccc', 11)).toBe('aaaa bbbb');
    expect(cutAtWord('aaaa bbbb, cccc', 11)).toBe('aaaa bbbb');
  });

  it('cuts inside one very long word, but never between the halves of a surrogate pair', () => {
    expect(cutAtWord('x'.repeat(300))).toBe('x'.repeat(255));
    const emoji = `${'x'.repeat(254)}😀😀`;
    expect(cutAtWord(emoji)).toBe('x'.repeat(254));
  });
});

describe('the title of a book made from a lookup', () => {
  it('is title + ": " + subtitle', () => {
    expect(lookupTitle('JavaScript', 'The Good Parts')).toBe('JavaScript: The Good Parts');
    expect(lookupTitle('Анна Каренина', 'роман в восьми частях')).toBe('Анна Каренина: роман в восьми частях');
  });

  it('is the title alone without a subtitle, and null without a title', () => {
    expect(lookupTitle('1984', null)).toBe('1984');
    expect(lookupTitle('1984', ' \u200B ')).toBe('1984');
    expect(lookupTitle(null, 'The Good Parts')).toBeNull();
    expect(lookupTitle('\u0000 \n', null)).toBeNull();
  });

  it('does not repeat a subtitle already in the title, nor double a colon', () => {
    expect(lookupTitle('JavaScript: The Good Parts', 'The Good Parts')).toBe('JavaScript: The Good Parts');
    expect(lookupTitle('JavaScript:', 'The Good Parts')).toBe('JavaScript: The Good Parts');
  });

  it('is at most 255 characters, cut at a word', () => {
    const t = lookupTitle('A Treatise', `${'on '.repeat(120)}Everything`);
    expect(t!.length).toBeLessThanOrEqual(255);
    expect(t!.startsWith('A Treatise: on on')).toBe(true);
    expect(t!.endsWith('on')).toBe(true);
  });
});

describe('the author line of a book made from a lookup', () => {
  it('names up to three authors, joined by ", "', () => {
    expect(lookupAuthor(['Roald Dahl'])).toBe('Roald Dahl');
    expect(lookupAuthor(['Richard Feynman', 'Robert Leighton', 'Matthew Sands'])).toBe(
      'Richard Feynman, Robert Leighton, Matthew Sands',
    );
  });

  it('adds " et al." when there are more, named or only counted', () => {
    expect(lookupAuthor(['Erich Gamma', 'Richard Helm', 'Ralph Johnson', 'John Vlissides'])).toBe(
      'Erich Gamma, Richard Helm, Ralph Johnson et al.',
    );
    expect(lookupAuthor(['Alfred V. Aho', 'Monica S. Lam', 'Ravi Sethi'], 1)).toBe(
      'Alfred V. Aho, Monica S. Lam, Ravi Sethi et al.',
    );
    expect(lookupAuthor(['Alfred V. Aho'], 0)).toBe('Alfred V. Aho');
  });

  it('drops blank and repeated names, and is null without any', () => {
    expect(lookupAuthor(['Leo Tolstoy', ' ', 'Leo Tolstoy', '\u200B'])).toBe('Leo Tolstoy');
    expect(lookupAuthor([])).toBeNull();
    expect(lookupAuthor(['', '\u0000'])).toBeNull();
  });

  it('keeps " et al." when the names must be cut to fit 255', () => {
    const long = [`${'A'.repeat(100)} Smith`, `${'B'.repeat(100)} Jones`, `${'C'.repeat(100)} Brown`, 'D'];
    const line = lookupAuthor(long)!;
    expect(line.length).toBeLessThanOrEqual(255);
    expect(line.endsWith(' et al.')).toBe(true);
  });
});

describe('a book made from a lookup passes the catalogue text rules', () => {
  it('takes the joined title, three authors + et al., both ISBNs and the cover', () => {
    expect(bookFromLookup(metadata())).toEqual({
      title: 'Design Patterns: Elements of Reusable Object-Oriented Software',
      author: 'Erich Gamma, Richard Helm, Ralph Johnson et al.',
      isbn13: '9780201633610',
      isbn10: '0201633612',
      cover_image_url: 'https://covers.openlibrary.org/b/id/7259873-M.jpg',
    });
  });

  it('makes hostile source text acceptable to the title and author fields', () => {
    const hostile = metadata({
      title: `\u202EevilTitle\u0000\n${'Long '.repeat(80)}`,
      subtitle: '\uFEFFsub\u2066title\u2069',
      authors: ['\u200BMallory\u0007', 'Trudy\u2028Smith'],
    });
    const book = bookFromLookup(hostile);
    for (const [field, value] of [
      ['title', book.title],
      ['author', book.author],
    ] as const) {
      expect(value, field).not.toBeNull();
      expect(NO_CONTROL_CHARS.test(value!), field).toBe(true);
      expect(REFUSED_INVISIBLE.test(value!), field).toBe(false);
      expect(textField(field).safeParse(value).success, field).toBe(true);
    }
    expect(book.author).toBe('Mallory, Trudy Smith');
  });

  it('answers a librarian with every author and publisher, and no cover that is not a web address', () => {
    const answer = lookupAnswer(
      metadata({ publishers: ['Addison-Wesley', 'Addison-Wesley', 'Pearson'], pages: 0, cover_image_url: 'javascript:alert(1)' }),
    );
    expect(answer.authors).toHaveLength(4);
    expect(answer.publishers).toEqual(['Addison-Wesley', 'Pearson']);
    expect(answer.pages).toBeNull();
    expect(answer.cover_image_url).toBeNull();
    expect(answer.title).toBe('Design Patterns: Elements of Reusable Object-Oriented Software');
  });
});
