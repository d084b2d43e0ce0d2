// What a newcomer finds in an empty library: a demo catalogue and a demo staff account
// (`npm run seed`, and the sandbox on first start). Loading it is staff's business — the CLI and
// the sandbox do it as SYSTEM_ACTOR — and goes through the same rules as any new book.
import crypto from 'node:crypto';
import { immediateTransaction } from '../../db/connection.js';
import { createStaffIfAbsent, hashPassword } from '../accounts/index.js';
import type { BooksService } from '../catalogue/index.js';
import { type Actor, type CoreDeps, isoNow, requireStaff } from '../kernel/index.js';

export const DEMO_BOOKS: Array<{
  title: string;
  author: string;
  isbn: string;
  cover: 'HARD' | 'SOFT';
  inventory: number;
  daily_fee: string;
}> = [
  { title: 'Pride and Prejudice', author: 'Jane Austen', isbn: '978-0141439518', cover: 'SOFT', inventory: 4, daily_fee: '0.50' },
  {
    title: 'Nineteen Eighty-Four',
    author: 'George Orwell',
    isbn: '978-0451524935',
    cover: 'SOFT',
    inventory: 5,
    daily_fee: '0.75',
  },
  { title: 'The Hobbit', author: 'J. R. R. Tolkien', isbn: '978-0547928227', cover: 'HARD', inventory: 3, daily_fee: '1.00' },
  {
    title: 'To Kill a Mockingbird',
    author: 'Harper Lee',
    isbn: '978-0060935467',
    cover: 'SOFT',
    inventory: 3,
    daily_fee: '0.60',
  },
  {
    title: 'The Great Gatsby',
    author: 'F. Scott Fitzgerald',
    isbn: '978-0743273565',
    cover: 'SOFT',
    inventory: 2,
    daily_fee: '0.50',
  },
  { title: 'Moby-Dick', author: 'Herman Melville', isbn: '978-1503280786', cover: 'HARD', inventory: 1, daily_fee: '0.80' },
  { title: 'War and Peace', author: 'Leo Tolstoy', isbn: '978-1400079988', cover: 'HARD', inventory: 2, daily_fee: '1.20' },
  {
    title: 'Crime and Punishment',
    author: 'Fyodor Dostoevsky',
    isbn: '978-0143107637',
    cover: 'SOFT',
    inventory: 2,
    daily_fee: '0.90',
  },
  {
    title: 'The Master and Margarita',
    author: 'Mikhail Bulgakov',
    isbn: '978-0141180144',
    cover: 'SOFT',
    inventory: 2,
    daily_fee: '0.90',
  },
  { title: 'Kobzar', author: 'Taras Shevchenko', isbn: '978-9660372719', cover: 'HARD', inventory: 3, daily_fee: '0.70' },
  { title: 'The Forest Song', author: 'Lesya Ukrainka', isbn: '978-9660361959', cover: 'SOFT', inventory: 2, daily_fee: '0.50' },
  {
    title: 'Shadows of Forgotten Ancestors',
    author: 'Mykhailo Kotsiubynsky',
    isbn: '978-9660346215',
    cover: 'SOFT',
    inventory: 2,
    daily_fee: '0.60',
  },
  {
    title: 'One Hundred Years of Solitude',
    author: 'Gabriel García Márquez',
    isbn: '978-0060883287',
    cover: 'SOFT',
    inventory: 3,
    daily_fee: '0.90',
  },
  { title: 'Brave New World', author: 'Aldous Huxley', isbn: '978-0060850524', cover: 'SOFT', inventory: 3, daily_fee: '0.70' },
  {
    title: 'The Catcher in the Rye',
    author: 'J. D. Salinger',
    isbn: '978-0316769488',
    cover: 'SOFT',
    inventory: 2,
    daily_fee: '0.60',
  },
  { title: 'Dune', author: 'Frank Herbert', isbn: '978-0441172719', cover: 'SOFT', inventory: 4, daily_fee: '1.10' },
  { title: 'Frankenstein', author: 'Mary Shelley', isbn: '978-0486282114', cover: 'SOFT', inventory: 2, daily_fee: '0.40' },
  {
    title: 'The Little Prince',
    author: 'Antoine de Saint-Exupéry',
    isbn: '978-0156012195',
    cover: 'HARD',
    inventory: 5,
    daily_fee: '0.30',
  },
  { title: 'Don Quixote', author: 'Miguel de Cervantes', isbn: '978-0060934347', cover: 'HARD', inventory: 1, daily_fee: '1.50' },
  {
    title: 'The Name of the Rose',
    author: 'Umberto Eco',
    isbn: '978-0156001311',
    cover: 'SOFT',
    inventory: 2,
    daily_fee: '0.90',
  },
  { title: 'Clean Code', author: 'Robert C. Martin', isbn: '978-0132350884', cover: 'SOFT', inventory: 2, daily_fee: '2.00' },
  {
    title: 'Designing Data-Intensive Applications',
    author: 'Martin Kleppmann',
    isbn: '978-1449373320',
    cover: 'SOFT',
    inventory: 2,
    daily_fee: '2.50',
  },
  {
    title: 'The Pragmatic Programmer',
    author: 'Andrew Hunt, David Thomas',
    isbn: '978-0135957059',
    cover: 'HARD',
    inventory: 1,
    daily_fee: '2.00',
  },
  { title: 'Sapiens', author: 'Yuval Noah Harari', isbn: '978-0062316097', cover: 'SOFT', inventory: 3, daily_fee: '1.00' },
];

/** The demo staff account `npm run seed` makes. */
export const DEMO_STAFF_EMAIL = 'librarian@library.local';

export function createDemo({ db, clock }: Pick<CoreDeps, 'db' | 'clock'>, books: BooksService) {
  /** Loads the demo catalogue (books already present by ISBN are skipped). */
  async function loadCatalogue(actor: Actor): Promise<{ added: number; skipped: number }> {
    requireStaff(actor);
    let added = 0;
    let skipped = 0;
    // Two dozen books, each through books.create so each meets the catalogue's rules.
    for (const b of DEMO_BOOKS) {
      try {
        await books.create(actor, b);
        added++;
      } catch (e) {
        if ((e as { code?: string }).code === 'ISBN_TAKEN') skipped++;
        else throw e;
      }
    }
    return { added, skipped };
  }

  /** The demo catalogue, only into a library with no book at all; returns how many were added. */
  async function loadCatalogueIfEmpty(actor: Actor): Promise<number> {
    requireStaff(actor);
    const anyBook = await db.selectFrom('books').select('id').limit(1).executeTakeFirst();
    return anyBook ? 0 : (await loadCatalogue(actor)).added;
  }

  /**
   * The demo staff account, made once with a generated password (returned, to be shown once);
   * an existing account of that email is left as it is (`password` null), never promoted.
   */
  async function ensureStaffAccount(actor: Actor): Promise<{ email: string; password: string | null }> {
    requireStaff(actor);
    const password = crypto.randomBytes(9).toString('base64url');
    // Hashing takes tens of ms: done before the write lock, even when the account exists.
    const hash = await hashPassword(password);
    const created = await createStaffIfAbsent(db, {
      email: DEMO_STAFF_EMAIL,
      passwordHash: hash,
      firstName: 'Staff',
      at: isoNow(clock),
    });
    return { email: DEMO_STAFF_EMAIL, password: created ? password : null };
  }

  return { loadCatalogue, loadCatalogueIfEmpty, ensureStaffAccount };
}
