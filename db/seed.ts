// Demo catalogue for newcomers, and bulk generation for benchmarks (1M+ rows).
import type SQLite from 'better-sqlite3';
import type { Core } from '../core/index.js';

export const DEMO_BOOKS: Array<{ title: string; author: string; isbn: string; cover: 'HARD' | 'SOFT'; inventory: number; daily_fee: string }> = [
  { title: 'Pride and Prejudice', author: 'Jane Austen', isbn: '978-0141439518', cover: 'SOFT', inventory: 4, daily_fee: '0.50' },
  { title: 'Nineteen Eighty-Four', author: 'George Orwell', isbn: '978-0451524935', cover: 'SOFT', inventory: 5, daily_fee: '0.75' },
  { title: 'The Hobbit', author: 'J. R. R. Tolkien', isbn: '978-0547928227', cover: 'HARD', inventory: 3, daily_fee: '1.00' },
  { title: 'To Kill a Mockingbird', author: 'Harper Lee', isbn: '978-0060935467', cover: 'SOFT', inventory: 3, daily_fee: '0.60' },
  { title: 'The Great Gatsby', author: 'F. Scott Fitzgerald', isbn: '978-0743273565', cover: 'SOFT', inventory: 2, daily_fee: '0.50' },
  { title: 'Moby-Dick', author: 'Herman Melville', isbn: '978-1503280786', cover: 'HARD', inventory: 1, daily_fee: '0.80' },
  { title: 'War and Peace', author: 'Leo Tolstoy', isbn: '978-1400079988', cover: 'HARD', inventory: 2, daily_fee: '1.20' },
  { title: 'Crime and Punishment', author: 'Fyodor Dostoevsky', isbn: '978-0143107637', cover: 'SOFT', inventory: 2, daily_fee: '0.90' },
  { title: 'The Master and Margarita', author: 'Mikhail Bulgakov', isbn: '978-0141180144', cover: 'SOFT', inventory: 2, daily_fee: '0.90' },
  { title: 'Kobzar', author: 'Taras Shevchenko', isbn: '978-9660372710', cover: 'HARD', inventory: 3, daily_fee: '0.70' },
  { title: 'The Forest Song', author: 'Lesya Ukrainka', isbn: '978-9660361950', cover: 'SOFT', inventory: 2, daily_fee: '0.50' },
  { title: 'Shadows of Forgotten Ancestors', author: 'Mykhailo Kotsiubynsky', isbn: '978-9660346216', cover: 'SOFT', inventory: 2, daily_fee: '0.60' },
  { title: 'One Hundred Years of Solitude', author: 'Gabriel García Márquez', isbn: '978-0060883287', cover: 'SOFT', inventory: 3, daily_fee: '0.90' },
  { title: 'Brave New World', author: 'Aldous Huxley', isbn: '978-0060850524', cover: 'SOFT', inventory: 3, daily_fee: '0.70' },
  { title: 'The Catcher in the Rye', author: 'J. D. Salinger', isbn: '978-0316769488', cover: 'SOFT', inventory: 2, daily_fee: '0.60' },
  { title: 'Dune', author: 'Frank Herbert', isbn: '978-0441172719', cover: 'SOFT', inventory: 4, daily_fee: '1.10' },
  { title: 'Frankenstein', author: 'Mary Shelley', isbn: '978-0486282114', cover: 'SOFT', inventory: 2, daily_fee: '0.40' },
  { title: 'The Little Prince', author: 'Antoine de Saint-Exupéry', isbn: '978-0156012195', cover: 'HARD', inventory: 5, daily_fee: '0.30' },
  { title: 'Don Quixote', author: 'Miguel de Cervantes', isbn: '978-0060934347', cover: 'HARD', inventory: 1, daily_fee: '1.50' },
  { title: 'The Name of the Rose', author: 'Umberto Eco', isbn: '978-0156001311', cover: 'SOFT', inventory: 2, daily_fee: '0.90' },
  { title: 'Clean Code', author: 'Robert C. Martin', isbn: '978-0132350884', cover: 'SOFT', inventory: 2, daily_fee: '2.00' },
  { title: 'Designing Data-Intensive Applications', author: 'Martin Kleppmann', isbn: '978-1449373320', cover: 'SOFT', inventory: 2, daily_fee: '2.50' },
  { title: 'The Pragmatic Programmer', author: 'Andrew Hunt, David Thomas', isbn: '978-0135957059', cover: 'HARD', inventory: 1, daily_fee: '2.00' },
  { title: 'Sapiens', author: 'Yuval Noah Harari', isbn: '978-0062316097', cover: 'SOFT', inventory: 3, daily_fee: '1.00' },
];

/** Loads the demo catalogue once (books already present by ISBN are skipped). */
export async function seedDemo(core: Core): Promise<{ added: number; skipped: number }> {
  let added = 0;
  let skipped = 0;
  for (const b of DEMO_BOOKS) {
    try {
      await core.books.create(b);
      added++;
    } catch (e) {
      if ((e as { code?: string }).code === 'ISBN_TAKEN') skipped++;
      else throw e;
    }
  }
  return { added, skipped };
}

const WORDS = ('river stone light shadow garden winter summer night morning silver golden ' +
  'forest ocean city empire secret letter journey house window bridge island mountain ' +
  'storm dream fire glass iron paper song voice road star moon sun tower library ' +
  'clock machine harbor valley desert kingdom lantern orchard meadow compass').split(' ');
const FIRST = 'Anna Boris Clara Dmytro Elena Fedir Galyna Ivan Kateryna Leo Maria Nestor Olena Petro Roman Sofia Taras Uliana Vira Yurii'.split(' ');
const LAST = 'Kovalenko Shevchenko Bondar Tkachenko Melnyk Kravets Oliinyk Lysenko Moroz Savchenko Rudenko Marchenko Hnatiuk Pavlenko'.split(' ');

/** Deterministic pseudo-random generator so benchmark data is the same every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface BulkSeedOptions {
  books: number;
  users: number;
  borrowings: number;
  /** Share of the last 45 days' borrowings still active (unreturned). */
  activeShare?: number;
  /** The "today" the generated dates are relative to (YYYY-MM-DD). */
  today: string;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/**
 * Bulk-inserts synthetic data with prepared statements in large transactions. The FTS
 * triggers are bypassed during the load and the index is rebuilt once at the end.
 */
export function bulkSeed(sqlite: SQLite.Database, opts: BulkSeedOptions): void {
  const rand = rng(42);
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;
  const report = opts.onProgress ?? (() => undefined);
  const chunk = 20_000;
  const todayMs = Date.parse(`${opts.today}T00:00:00Z`);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  const firstBook = (sqlite.prepare('SELECT coalesce(max(id), 0) AS m FROM books').get() as { m: number }).m + 1;
  const firstUser = (sqlite.prepare('SELECT coalesce(max(id), 0) AS m FROM users').get() as { m: number }).m + 1;

  sqlite.exec('DROP TRIGGER IF EXISTS books_fts_ai');
  const insBook = sqlite.prepare('INSERT INTO books (id, title, author, isbn, cover, inventory, daily_fee_cents) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (let done = 0; done < opts.books; done += chunk) {
    const n = Math.min(chunk, opts.books - done);
    sqlite.transaction(() => {
      for (let i = 0; i < n; i++) {
        const id = firstBook + done + i;
        const title = `${cap(pick(WORDS))} ${pick(WORDS)} ${pick(WORDS)} ${id}`;
        insBook.run(id, title, `${pick(FIRST)} ${pick(LAST)}`, `978${String(id).padStart(10, '0')}`, rand() < 0.5 ? 'HARD' : 'SOFT', 1 + Math.floor(rand() * 20), 10 + Math.floor(rand() * 290));
      }
    })();
    report('books', done + n, opts.books);
  }
  report('search index', 0, 1);
  sqlite.exec(`INSERT INTO books_fts(books_fts) VALUES ('rebuild')`);
  sqlite.exec(`
    CREATE TRIGGER IF NOT EXISTS books_fts_ai AFTER INSERT ON books BEGIN
      INSERT INTO books_fts(rowid, title, author, isbn) VALUES (new.id, new.title, new.author, coalesce(new.isbn, ''));
    END`);
  report('search index', 1, 1);

  const insUser = sqlite.prepare('INSERT INTO users (id, email, first_name, last_name, telegram_user_id, language) VALUES (?, ?, ?, ?, ?, ?)');
  for (let done = 0; done < opts.users; done += chunk) {
    const n = Math.min(chunk, opts.users - done);
    sqlite.transaction(() => {
      for (let i = 0; i < n; i++) {
        const id = firstUser + done + i;
        insUser.run(id, `reader${id}@example.test`, pick(FIRST), pick(LAST), rand() < 0.5 ? 5_000_000_000 + id : null, rand() < 0.3 ? 'uk' : 'en');
      }
    })();
    report('users', done + n, opts.users);
  }

  const activeShare = opts.activeShare ?? 0.5;
  const insBorrowing = sqlite.prepare('INSERT INTO borrowings (book_id, user_id, borrow_date, expected_return_date, actual_return_date) VALUES (?, ?, ?, ?, ?)');
  const lastBook = firstBook + opts.books - 1;
  const bookCount = (sqlite.prepare('SELECT count(*) AS n FROM books').get() as { n: number }).n;
  const userCount = Math.max(1, opts.users);
  for (let done = 0; done < opts.borrowings; done += chunk) {
    const n = Math.min(chunk, opts.borrowings - done);
    sqlite.transaction(() => {
      for (let i = 0; i < n; i++) {
        // Older borrowings first, so ids grow with time like real data.
        const ageDays = Math.floor(((opts.borrowings - done - i) / opts.borrowings) * 3650) + 1;
        const start = todayMs - ageDays * 86_400_000;
        const length = 1 + Math.floor(rand() * 30);
        const due = start + length * 86_400_000;
        // Only recent loans can still be out, as in a real library.
        const active = ageDays <= 45 && rand() < activeShare;
        const returned = active ? null : iso(start + Math.floor(rand() * (length + 5)) * 86_400_000);
        const bookId = bookCount >= opts.books ? firstBook + Math.floor(rand() * opts.books) : 1 + Math.floor(rand() * lastBook);
        insBorrowing.run(bookId, firstUser + Math.floor(rand() * userCount), iso(start), iso(due), returned);
      }
    })();
    report('borrowings', done + n, opts.borrowings);
  }
  sqlite.exec('ANALYZE');
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
