// What counts as the same word for search: across Cyrillic and Latin script, case and diacritics.
import { describe, expect, it } from 'vitest';
import { bookSearchText, queryWords, searchWords } from '../../core/catalogue/search-text.js';

/** True when every query word is a prefix of some word of the book's folded text (search's meaning). */
const finds = (query: string, book: { title: string; author: string; isbn?: string | null }) => {
  const indexed = bookSearchText({ isbn: null, ...book }).split(' ');
  const words = queryWords(query);
  return words.length > 0 && words.every((q) => indexed.some((w) => w.startsWith(q)));
};

describe('search folds spellings together', () => {
  const kobzar = { title: 'Kobzar', author: 'Taras Shevchenko' };

  it('finds a Latin-script title and author from a Ukrainian query', () => {
    expect(finds('кобзар', kobzar)).toBe(true);
    expect(finds('Шевченко', kobzar)).toBe(true);
    expect(finds('тарас шевч', kobzar)).toBe(true);
  });

  it('finds a Cyrillic-script title from a Latin query', () => {
    const b = { title: 'Лісова пісня', author: 'Леся Українка' };
    expect(finds('lisova', b)).toBe(true);
    expect(finds('lesya ukrainka', b)).toBe(true);
    expect(finds('Lesia', b)).toBe(true);
  });

  it('ignores case and diacritics', () => {
    const b = { title: 'The Little Prince', author: 'Antoine de Saint-Exupéry' };
    expect(finds('exupery', b)).toBe(true);
    expect(finds('EXUPÉRY', b)).toBe(true);
    expect(finds('márquez', { title: 'One Hundred Years of Solitude', author: 'Gabriel Garcia Marquez' })).toBe(true);
  });

  it('folds the letters Ukrainian and Russian transliterations disagree on', () => {
    expect(finds('Толстой', { title: 'War and Peace', author: 'Leo Tolstoy' })).toBe(true);
    expect(finds('Достоевский', { title: 'Crime and Punishment', author: 'Fyodor Dostoevsky' })).toBe(true);
    expect(finds('Булгаков', { title: 'The Master and Margarita', author: 'Mikhail Bulgakov' })).toBe(true);
    expect(finds('Коцюбинський', { title: 'Shadows of Forgotten Ancestors', author: 'Mykhailo Kotsiubynsky' })).toBe(true);
    expect(finds('Михайло', { title: 'Shadows of Forgotten Ancestors', author: 'Mykhailo Kotsiubynsky' })).toBe(true);
    expect(finds('Гобіт', { title: 'The Hobbit', author: 'J. R. R. Tolkien' })).toBe(true);
  });

  it('matches each word as a prefix, every word required', () => {
    expect(finds('shev', kobzar)).toBe(true);
    expect(finds('kobzar tolstoy', kobzar)).toBe(false);
    expect(finds('obzar', kobzar)).toBe(false);
  });

  it('keeps ISBN digits as written and splits on punctuation', () => {
    const b = { title: 'Pride and Prejudice', author: 'Jane Austen', isbn: '978-0141439518' };
    expect(finds('0141439518', b)).toBe(true);
    expect(finds('978-0141', b)).toBe(true);
    expect(finds('0141439519', b)).toBe(false);
  });

  it('joins a word broken by an apostrophe and drops punctuation-only queries', () => {
    expect(searchWords("Об'єднання")).toEqual(searchWords('Обєднання'));
    expect(queryWords(' !?… ')).toEqual([]);
    expect(queryWords('a b c d e f g h i j')).toHaveLength(8);
  });
});
