import { sql } from 'kysely';
import { z } from 'zod';
import { changeTokenOf } from '../../db/change-token.js';
import { immediateTransaction, lockForUpdate } from '../../db/connection.js';
import { jsonArrayOf } from '../../db/dialect-sql.js';
import { isReadPoolBusy } from '../../db/read-pool.js';
import type { BookRow } from '../../db/schema.js';
import { searchInTitleOrder } from '../../db/search.js';
import {
  type Actor,
  type CoreDeps,
  clampLimit,
  createReadCache,
  DomainError,
  decodeCursor,
  formatCents,
  isoNow,
  isRaised,
  isUniqueViolation,
  notFound,
  type Page,
  parseInput,
  parseMoney,
  requireStaff,
  textField,
  toPage,
} from '../kernel/index.js';
import { clearQueue, MAX_INVENTORY, setInventory as setStock, stockNewBook } from '../stock/index.js';

export { MAX_INVENTORY };

import { bookSearchText, queryWords } from './search-text.js';

export interface Book {
  id: number;
  title: string;
  author: string;
  isbn: string | null;
  cover: 'HARD' | 'SOFT';
  inventory: number;
  daily_fee: string;
  /** Copies a reader can borrow now: shelf copies not set aside for a READY hold (SPEC §11). */
  available: number;
  /** Readers waiting in the queue for a copy. */
  holds: number;
}

/** The columns every book answer is made of: the counters are the book's own (migration 009). */
export const BOOK_COLUMNS = [
  'id',
  'title',
  'author',
  'isbn',
  'cover',
  'inventory',
  'daily_fee_cents',
  'held',
  'waiting',
] as const;

type BookColumnsRow = Pick<BookRow, (typeof BOOK_COLUMNS)[number]>;

/** A book row read as jsonArrayOf(BOOK_COLUMNS). */
export function bookRowFromJson(text: string): BookColumnsRow {
  const [id, title, author, isbn, cover, inventory, daily_fee_cents, held, waiting] = JSON.parse(text) as unknown[];
  return { id, title, author, isbn, cover, inventory, daily_fee_cents, held, waiting } as BookColumnsRow;
}

export const toBook = (
  r: Pick<BookRow, 'id' | 'title' | 'author' | 'isbn' | 'cover' | 'inventory' | 'daily_fee_cents' | 'held' | 'waiting'>,
): Book => ({
  id: r.id,
  title: r.title,
  author: r.author,
  isbn: r.isbn,
  cover: r.cover,
  inventory: r.inventory,
  daily_fee: formatCents(r.daily_fee_cents),
  available: Math.max(0, r.inventory - r.held),
  holds: r.waiting,
});

/**
 * Whether an ISBN's digits (hyphens ignored) are a valid ISBN-10 (weights 10…1, mod 11, X for
 * ten in the last place) or ISBN-13 (weights 1 and 3, mod 10). A typo in any one digit, or two
 * neighbours swapped, fails it.
 */
export function isbnChecksumValid(text: string): boolean {
  const d = text.replace(/-/g, '').toUpperCase();
  if (/^\d{9}[\dX]$/.test(d)) {
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += (d[i] === 'X' ? 10 : Number(d[i])) * (10 - i);
    return sum % 11 === 0;
  }
  if (/^\d{13}$/.test(d)) {
    let sum = 0;
    for (let i = 0; i < 13; i++) sum += Number(d[i]) * (i % 2 === 0 ? 1 : 3);
    return sum % 10 === 0;
  }
  return false;
}

export const ISBN_CHECKSUM_MESSAGE =
  'isbn must be a valid ISBN-10 or ISBN-13: 10 or 13 digits (hyphens allowed) whose check digit matches';

/** An isbn as given: digits, X and hyphens, a valid ISBN-10 or -13; blank is refused (null clears it, SPEC §10). */
export const isbnText = z
  .string({ error: 'isbn must be a string, or null to clear it' })
  .trim()
  .min(1, 'isbn must not be blank; send null to clear it')
  .max(32, 'isbn must be at most 32 characters')
  .regex(/^[0-9Xx-]*$/, 'isbn may contain only digits, X and hyphens')
  .refine(isbnChecksumValid, ISBN_CHECKSUM_MESSAGE);

export const BookInputSchema = z.object({
  title: textField('title'),
  author: textField('author'),
  isbn: isbnText
    .transform((s) => s.toUpperCase())
    .nullable()
    .optional(),
  cover: z.enum(['HARD', 'SOFT'], { error: 'cover must be HARD or SOFT' }),
  inventory: z
    .number({ error: 'inventory must be an integer' })
    .int('inventory must be an integer')
    .min(0, 'inventory must be 0 or more')
    .max(MAX_INVENTORY, `inventory must be at most ${MAX_INVENTORY}`),
  daily_fee: z.union([z.string(), z.number()], { error: 'daily_fee must be a decimal string like "1.50" or a number' }),
});
export type BookInput = z.input<typeof BookInputSchema>;

type BookFields = z.output<typeof BookInputSchema>;

/**
 * One field of a new book checked as create() checks it, for a door that asks field by field
 * (the bot's add-book conversation): the value create() would take, or why not.
 */
export function checkBookField<F extends keyof BookFields>(
  field: F,
  value: unknown,
): { ok: true; value: BookFields[F] } | { ok: false; message: string } {
  const parsed = BookInputSchema.shape[field].safeParse(value);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? `${field} is not valid` };
  if (field === 'daily_fee') {
    try {
      parseMoney(parsed.data);
    } catch (e) {
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  }
  return { ok: true, value: parsed.data as BookFields[F] };
}

const BookPatchSchema = BookInputSchema.partial();

function rowFromInput(input: Partial<z.output<typeof BookInputSchema>>) {
  const row: Record<string, unknown> = {};
  if (input.title !== undefined) row.title = input.title;
  if (input.author !== undefined) row.author = input.author;
  if (input.isbn !== undefined) row.isbn = input.isbn;
  if (input.cover !== undefined) row.cover = input.cover;
  if (input.inventory !== undefined) row.inventory = input.inventory;
  if (input.daily_fee !== undefined) row.daily_fee_cents = parseMoney(input.daily_fee);
  return row;
}

/**
 * What a list answer depends on, checked (a bad limit or cursor is 400 before anything is read):
 * the search's folded words, sorted and each once — every word must match, in any order — or
 * null for the plain catalogue (a blank search); a search with no word at all finds nothing.
 */
interface ListQuery {
  words: string[] | null;
  after?: [string, number];
  limit: number;
}

function listQuery(opts: { search?: string; cursor?: string; limit?: number }): ListQuery {
  const limit = clampLimit(opts.limit);
  const after = decodeCursor<[string, number]>(opts.cursor, ['string', 'int']);
  const search = opts.search?.trim();
  const words = search ? [...new Set(queryWords(search))].sort() : null;
  return { words, after, limit };
}

const bookOnLoan = () =>
  new DomainError('BOOK_ON_LOAN', 'This book is on loan and cannot be deleted until every copy is returned');

/** The catalogue cache's default budget: thousands of pages, a few MiB of heap at most. */
export const CATALOGUE_CACHE_BYTES = 8 * 1024 * 1024;

export function createBooks({ db, clock, config, catalogueCacheMs, catalogueCacheBytes }: CoreDeps) {
  const bookColumns = BOOK_COLUMNS;
  // Catalogue reads dominate traffic and change rarely. The engine's change token is checked on
  // every read, so a commit anywhere (this process, a CLI seed, another instance) shows in the
  // very next answer; without a token (or a lifetime) every read goes to the database.
  const token = changeTokenOf(db);
  const cache =
    token && catalogueCacheMs
      ? createReadCache({
          token: () => token.current(),
          ttlMs: catalogueCacheMs,
          maxBytes: catalogueCacheBytes ?? CATALOGUE_CACHE_BYTES,
        })
      : undefined;

  function get(id: number): Promise<Book> {
    return cache ? cache.get(`get:${id}`, () => getUncached(id)) : getUncached(id);
  }

  /**
   * A page of the catalogue, or of a search. `beforeSearch` runs before a search the cache
   * cannot answer goes to the database (a door's throttle: a refusal there is thrown as is).
   */
  async function list(
    opts: { search?: string; cursor?: string; limit?: number } = {},
    hooks: { beforeSearch?: () => Promise<void> } = {},
  ): Promise<Page<Book>> {
    const query = listQuery(opts);
    const beforeLoad = query.words?.length ? hooks.beforeSearch : undefined;
    if (!cache) {
      await beforeLoad?.();
      return listUncached(query);
    }
    // Keyed by what the answer depends on — the folded words, the position, the clamped limit —
    // so "Dune ", "dune" and "DÜNE", or limit=500 and limit=100, are one entry (README,
    // "Searches never hold up the service").
    return cache.get(
      `list:${JSON.stringify([query.words, query.after ?? null, query.limit])}`,
      () => listUncached(query),
      beforeLoad,
    );
  }

  async function getUncached(id: number): Promise<Book> {
    const row = await db
      .selectFrom('books')
      .select(bookColumns)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw notFound('Book');
    return toBook(row);
  }

  async function listUncached({ words, after, limit }: ListQuery): Promise<Page<Book>> {
    let rows: string[];
    if (words) {
      // The first matches in title order, found without sorting them all (db/search.ts).
      rows = await searchInTitleOrder(db, { words, after, take: limit + 1, columns: bookColumns }).catch((e: unknown) => {
        if (isReadPoolBusy(e))
          throw new DomainError('BUSY', 'Too many searches are waiting; try again in 1 s', { retry_after: 1 });
        throw e;
      });
    } else {
      // Each row as one JSON array (BOOK_COLUMNS' order): cheaper to read than a row object.
      let q = db.selectFrom('books').select(jsonArrayOf(db, bookColumns).as('row')).where('deleted_at', 'is', null);
      // Spelled out rather than as a row value: SQLite then seeks the (title, id) index directly.
      if (after) q = q.where(sql<boolean>`title >= ${after[0]} AND (title > ${after[0]} OR id > ${after[1]})`);
      rows = (
        await q
          .orderBy('title')
          .orderBy('id')
          .limit(limit + 1)
          .execute()
      ).map((r) => r.row);
    }
    return toPage(rows.map(bookRowFromJson), limit, (r) => [r.title, r.id], toBook);
  }

  async function create(actor: Actor, input: unknown): Promise<Book> {
    requireStaff(actor);
    const data = parseInput(BookInputSchema, input);
    const row = rowFromInput(data) as {
      title: string;
      author: string;
      isbn?: string | null;
      cover: 'HARD' | 'SOFT';
      inventory: number;
      daily_fee_cents: number;
    };
    const { inventory, ...fields } = row;
    try {
      const inserted = await immediateTransaction(db, async (trx) => {
        const book = await trx
          .insertInto('books')
          .values({
            ...fields,
            inventory: 0,
            isbn: row.isbn ?? null,
            search_text: bookSearchText({ ...row, isbn: row.isbn ?? null }),
            created_at: isoNow(clock),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await stockNewBook(trx, book.id, inventory);
        return trx.selectFrom('books').select(bookColumns).where('id', '=', book.id).executeTakeFirstOrThrow();
      });
      cache?.invalidate();
      return toBook(inserted);
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('ISBN_TAKEN', 'A book with this ISBN already exists', { field: 'isbn' });
      throw e;
    }
  }

  /**
   * PUT replaces every field (partial=false), PATCH only those given. A change of inventory runs
   * under the book's row lock: it may not go below the copies set aside for READY holds (409
   * COPIES_SET_ASIDE — cancel or wait out those holds first), and copies it adds go to the
   * readers waiting, first come first served, in the same transaction (docs/rules.md#stock).
   */
  async function update(actor: Actor, id: number, input: unknown, partial: boolean): Promise<Book> {
    requireStaff(actor);
    const data = partial ? parseInput(BookPatchSchema, input) : parseInput(BookInputSchema, input);
    const row = rowFromInput(data);
    if (!partial && !('isbn' in row)) row.isbn = null;
    if (Object.keys(row).length === 0) return get(id);
    try {
      const updated = await immediateTransaction(db, async (trx) => {
        await lockForUpdate(trx, 'books', [id]);
        const book = await trx
          .selectFrom('books')
          .select(['id', 'held', 'inventory', 'title', 'author', 'isbn'])
          .where('id', '=', id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (!book) throw notFound('Book');
        const { inventory, ...fields } = row as { inventory?: number } & Record<string, unknown>;
        // Copies are stock's to count (never below those set aside); the rest is the book's own.
        if (inventory !== undefined) {
          await setStock(trx, book, inventory, {
            now: clock.now(),
            pickupHours: config.rules.holdPickupHours,
            timeZone: config.rules.timeZone,
          });
        }
        // The search text is made of all three fields: the others come from the locked row.
        const searched = 'title' in fields || 'author' in fields || 'isbn' in fields;
        const search_text = searched
          ? bookSearchText({ title: book.title, author: book.author, isbn: book.isbn, ...(fields as Partial<typeof book>) })
          : undefined;
        if (Object.keys(fields).length > 0)
          await trx
            .updateTable('books')
            .set(searched ? { ...fields, search_text } : fields)
            .where('id', '=', id)
            .execute();
        return trx.selectFrom('books').select(bookColumns).where('id', '=', id).executeTakeFirstOrThrow();
      });
      cache?.invalidate();
      return toBook(updated);
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('ISBN_TAKEN', 'A book with this ISBN already exists', { field: 'isbn' });
      throw e;
    }
  }

  /**
   * The book already holding an ISBN (as the unique index compares it), for a door that checks an
   * answer before the whole book is sent (the bot's add-book conversation); null when it is free.
   */
  async function findByIsbn(isbn: string): Promise<Book | null> {
    const row = await db
      .selectFrom('books')
      .select(bookColumns)
      .where('isbn', '=', isbn.trim().toUpperCase())
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row ? toBook(row) : null;
  }

  async function setInventory(actor: Actor, id: number, inventory: number): Promise<Book> {
    return update(actor, id, { inventory }, true);
  }

  /**
   * Soft delete: history (borrowings, payments) keeps pointing at the row. The write lock is
   * taken up front (BEGIN IMMEDIATE), as in every use case that reads and then writes: with a
   * deferred transaction another process's borrow between our read and our write made SQLite
   * refuse the write (SQLITE_BUSY) — a 500. A trigger (migration 005) holds the rule as well.
   */
  async function remove(actor: Actor, id: number): Promise<void> {
    requireStaff(actor);
    try {
      await immediateTransaction(db, async (trx) => {
        // PostgreSQL: a borrow locks the book too, so the loan check below cannot be overtaken.
        await lockForUpdate(trx, 'books', [id]);
        const book = await trx
          .selectFrom('books')
          .select('id')
          .where('id', '=', id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (!book) throw notFound('Book');
        const onLoan = await trx
          .selectFrom('borrowings')
          .select('id')
          .where('book_id', '=', id)
          .where('actual_return_date', 'is', null)
          .limit(1)
          .executeTakeFirst();
        if (onLoan) throw bookOnLoan();
        const now = isoNow(clock);
        // Its queue goes with it: the holds are cancelled, the copies set aside freed.
        await clearQueue(trx, id, now);
        await trx.updateTable('books').set({ deleted_at: now }).where('id', '=', id).execute();
      });
    } catch (e) {
      if (isRaised(e, 'BOOK_ON_LOAN')) throw bookOnLoan();
      throw e;
    }
    cache?.invalidate();
  }

  /**
   * Writes the search text of every book that has none (books from before migration 007, or
   * written around core), in batches; what it filled. The service and the CLI run it after
   * migrating, before serving: a book without it cannot be found by search.
   */
  async function fillSearchText(batch = 500): Promise<number> {
    let filled = 0;
    for (;;) {
      const rows = await db
        .selectFrom('books')
        .select(['id', 'title', 'author', 'isbn'])
        .where('search_text', 'is', null)
        .orderBy('id')
        .limit(batch)
        .execute();
      if (rows.length === 0) break;
      await db
        .updateTable('books')
        .set((eb) => {
          let byId = eb.case().when('id', '=', rows[0]!.id).then(bookSearchText(rows[0]!));
          for (const r of rows.slice(1)) byId = byId.when('id', '=', r.id).then(bookSearchText(r));
          return { search_text: byId.end() };
        })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      filled += rows.length;
    }
    if (filled) cache?.invalidate();
    return filled;
  }

  return {
    get,
    list,
    create,
    update,
    setInventory,
    remove,
    findByIsbn,
    fillSearchText,
    invalidate: () => cache?.invalidate(),
    cacheStats: () => cache?.stats() ?? { entries: 0, bytes: 0 },
  };
}

export type BooksService = ReturnType<typeof createBooks>;
