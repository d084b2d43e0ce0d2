// The catalogue: books (what they are, how they are listed and found) and search
// (docs/rules.md#catalogue-and-search).
export {
  BOOK_COLUMNS,
  type Book,
  type BookInput,
  type BooksService,
  bookRowFromJson,
  CATALOGUE_CACHE_BYTES,
  checkBookField,
  createBooks,
  isbnChecksumValid,
  isbnText,
  MAX_INVENTORY,
  toBook,
} from './books.js';
export { bookSearchText, MAX_QUERY_WORDS, queryWords, searchWords } from './search-text.js';
